package org.openbwc.hal.system;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import org.openbwc.hal.StorageInfo;
import org.openbwc.hal.StorageReading;

/** Free and total space of the file system holding the evidence directory; the same on the board and the laptop. */
public final class FileStoreStorage implements StorageInfo {
    private final Path evidenceDir;
    private final FileStore store;

    private FileStoreStorage(Path evidenceDir, FileStore store) {
        this.evidenceDir = evidenceDir;
        this.store = store;
    }

    /** Creates the directory if missing: a file store can only be looked up for a path that exists. */
    public static FileStoreStorage open(Path evidenceDir) {
        try {
            Files.createDirectories(evidenceDir);
            return new FileStoreStorage(evidenceDir, Files.getFileStore(evidenceDir));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open evidence storage " + evidenceDir + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Path evidenceDir() {
        return evidenceDir;
    }

    @Override
    public StorageReading read() {
        try {
            long total = store.getTotalSpace();
            // Usable, not unallocated: blocks reserved for root are not available to the device process.
            long free = Math.min(store.getUsableSpace(), total);
            return new StorageReading(free, total);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read free space of " + evidenceDir + ": " + e.getMessage(), e);
        }
    }
}
