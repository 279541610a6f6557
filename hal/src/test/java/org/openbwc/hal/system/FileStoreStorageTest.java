package org.openbwc.hal.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openbwc.hal.StorageReading;

class FileStoreStorageTest {
    @TempDir
    Path dir;

    @Test
    void createsTheEvidenceDirAndReportsItsFileSystem() throws Exception {
        // the device names the folder (DataFolder, tested in the device); the storage takes the one it is given
        Path evidence = dir.resolve("data").resolve("evidence");
        FileStoreStorage storage = FileStoreStorage.open(evidence);
        assertThat(Files.isDirectory(evidence)).isTrue();
        assertThat(storage.evidenceDir()).isEqualTo(evidence);
        StorageReading reading = storage.read();
        assertThat(reading.totalBytes()).isEqualTo(Files.getFileStore(dir).getTotalSpace());
        assertThat(reading.freeBytes()).isPositive().isLessThanOrEqualTo(reading.totalBytes());
    }
}
