package org.openbwc.device.offload;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openbwc.config.OffloadConfig;
import org.openbwc.config.OffloadWhen;
import org.openbwc.evidence.SyntheticRecording;
import org.openbwc.hal.StorageReading;

/** Freeing space on a unit whose storage is low: only recordings with the store's receipt go, oldest first. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class OffloadReclaimTest {
    @TempDir
    Path dir;

    KeyPair key = SyntheticRecording.newKey();

    Path evidence() {
        return dir.resolve("evidence");
    }

    UnitOffload offload(Supplier<StorageReading> storage) throws Exception {
        Supplier<SSLContext> noTls = () -> {
            throw new IllegalStateException("reclaiming must not talk to the gateway");
        };
        return new UnitOffload(
                SyntheticRecording.UNIT,
                OffloadConfig.defaults().withWhen(OffloadWhen.ANY_LINK),
                URI.create("https://127.0.0.1:1"),
                noTls,
                evidence(),
                dir.resolve("offload"),
                () -> false,
                storage,
                10);
    }

    Path recording(String id) throws Exception {
        return SyntheticRecording.make(id, key, 1, 3).writeTo(evidence());
    }

    void receipt(String id) throws Exception {
        new OffloadReceipts(dir.resolve("offload").resolve("receipts")).write(id, "{\"state\":\"stored\"}");
    }

    @Test
    void lowStorageDeletesEveryRecordingWithAReceiptAndNoneWithout() throws Exception {
        Path a = recording("rec-a");
        Path b = recording("rec-b");
        Path c = recording("rec-c");
        receipt("rec-a");
        receipt("rec-c");

        try (UnitOffload offload = offload(() -> new StorageReading(1, 100))) {
            offload.reclaim();
        }

        assertThat(a).doesNotExist();
        assertThat(c).doesNotExist();
        assertThat(b.resolve("manifest.json")).exists();
        assertThat(b.resolve("seg-000001.mp4")).exists();
    }

    @Test
    void deletingStopsOnceStorageIsNoLongerLow() throws Exception {
        Path a = recording("rec-a");
        Path c = recording("rec-c");
        receipt("rec-a");
        receipt("rec-c");
        // Low (5 % free, under the 10 % threshold) until the first recording is gone.
        Supplier<StorageReading> storage = () -> new StorageReading(Files.exists(a) ? 5 : 50, 100);

        try (UnitOffload offload = offload(storage)) {
            offload.reclaim();
        }

        assertThat(a).doesNotExist();
        assertThat(c.resolve("manifest.json")).exists();
    }

    @Test
    void storageThatIsNotLowDeletesNothing() throws Exception {
        Path a = recording("rec-a");
        receipt("rec-a");

        try (UnitOffload offload = offload(() -> new StorageReading(50, 100))) {
            offload.reclaim();
        }

        assertThat(a.resolve("manifest.json")).exists();
    }
}
