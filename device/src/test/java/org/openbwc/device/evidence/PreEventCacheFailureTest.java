package org.openbwc.device.evidence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** A pre-event cache on a disk that fills and frees by turns warns once, not at every turn (issue 14, item 5). */
@Timeout(60)
class PreEventCacheFailureTest {
    private static final long QUIET = 60_000_000_000L;

    @TempDir
    Path tmp;

    @RegisterExtension
    final PreEventBuffers buffers = new PreEventBuffers();

    @Test
    void writesThatFailAndWorkByTurnsWarnOnceAndSayOnceWhenTheyWorkForGood() throws IOException {
        Path cache = tmp.resolve("cache");
        AtomicLong nanos = new AtomicLong();
        PreEventFiles files = new PreEventFiles(cache, nanos::get, QUIET);
        PreEventBuffer buffer = buffers.track(new PreEventBuffer(2, 64L << 20, PreEventBuffer.MAX_HEAP_BYTES, files));
        SyntheticStream stream = SyntheticStream.standard(); // a GOP file per 5 fragments
        buffer.onInit(SyntheticStream.init("a"));
        feedGop(buffer, stream);
        await().atMost(Duration.ofSeconds(20)).until(() -> files.writes() == 5);

        for (int turn = 0; turn < 5; turn++) {
            long failed = files.failedWrites();
            long written = files.writes();
            remove(cache); // the disk is full: a new GOP's file cannot be made
            feedGop(buffer, stream);
            await().atMost(Duration.ofSeconds(20)).until(() -> files.failedWrites() >= failed + 5);
            nanos.addAndGet(QUIET / 10);
            Files.createDirectories(cache); // something was freed: the next GOP's file is written
            feedGop(buffer, stream);
            await().atMost(Duration.ofSeconds(20)).until(() -> files.writes() >= written + 5);
            assertThat(files.warnings()).as("turn " + turn).isEqualTo(1);
            assertThat(files.failing()).as("not writable again for long enough").isTrue();
        }

        nanos.addAndGet(QUIET);
        long written = files.writes();
        feedGop(buffer, stream);
        await().atMost(Duration.ofSeconds(20)).until(() -> files.writes() >= written + 5);
        assertThat(files.failing())
                .as("writable for the quiet period: said once, at INFO")
                .isFalse();

        remove(cache);
        long failed = files.failedWrites();
        feedGop(buffer, stream);
        await().atMost(Duration.ofSeconds(20)).until(() -> files.failedWrites() >= failed + 5);
        assertThat(files.warnings()).as("a new episode warns again").isEqualTo(2);
    }

    private static void feedGop(PreEventBuffer buffer, SyntheticStream stream) {
        for (int i = 0; i < 5; i++) buffer.onFragment(stream.next());
    }

    private static void remove(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : files.toList()) Files.deleteIfExists(p);
        }
        Files.delete(dir);
    }
}
