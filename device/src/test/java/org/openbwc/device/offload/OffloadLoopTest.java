package org.openbwc.device.offload;

import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openbwc.config.OffloadConfig;
import org.openbwc.config.OffloadWhen;
import org.openbwc.evidence.SyntheticRecording;
import org.openbwc.hal.StorageReading;

/** The offload loop goes on after a round that ran out of memory (a part too large for the unit's heap). */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class OffloadLoopTest {
    @TempDir
    Path dir;

    @Test
    void aRoundThatRanOutOfMemoryIsRetriedLater() throws Exception {
        SyntheticRecording.make("rec-a", SyntheticRecording.newKey(), 1, 3).writeTo(dir.resolve("evidence"));
        AtomicInteger asked = new AtomicInteger();
        // The first round fails as a 16 MiB part did in a 40 MiB heap; later rounds reach no gateway (port 1).
        Supplier<SSLContext> tls = () -> {
            if (asked.incrementAndGet() == 1) throw new OutOfMemoryError("Java heap space");
            try {
                return SSLContext.getDefault();
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        };
        try (UnitOffload offload = new UnitOffload(
                SyntheticRecording.UNIT,
                OffloadConfig.defaults().withWhen(OffloadWhen.ANY_LINK),
                URI.create("https://127.0.0.1:1"),
                tls,
                dir.resolve("evidence"),
                dir.resolve("offload"),
                () -> true,
                () -> new StorageReading(90, 100),
                10)) {
            offload.start();
            await("a second round").atMost(Duration.ofSeconds(30)).until(() -> asked.get() >= 2);
        }
    }
}
