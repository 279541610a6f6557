package org.openbwc.hal.gnss;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import java.io.InputStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openbwc.hal.GnssFix;
import org.openbwc.testsupport.SystemTools;

/** Talks to a real gpsd fed by gpsfake with a shipped NMEA log; skipped where gpsd is not installed (fails in CI). */
class GpsdGnssGpsfakeTest {
    /** gpsd lives in sbin, which a CI user's PATH may lack. */
    private static final String SEARCH_PATH =
            System.getenv().getOrDefault("PATH", "") + ":/usr/sbin:/sbin:/usr/local/sbin";

    @TempDir
    Path dir;

    @Test
    void readsFixesFromRealGpsd() throws Exception {
        if (!onPath("gpsfake") || !onPath("gpsd")) {
            SystemTools.unavailable(
                    "gpsfake/gpsd not installed (Debian: apt-get install gpsd gpsd-clients python3-gps); skipping the real-gpsd test");
        }
        Path log = dir.resolve("alexanderplatz.nmea");
        try (InputStream in = getClass().getResourceAsStream("alexanderplatz.nmea")) {
            Files.copy(in, log);
        }
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        // -c 0.1: a sentence every 100 ms, so a few seconds of log go by quickly; the log repeats until we stop.
        ProcessBuilder builder = new ProcessBuilder(
                        "gpsfake", "-q", "-P", Integer.toString(port), "-c", "0.1", "-W", "60", log.toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("gpsfake.out").toFile());
        builder.environment().put("PATH", SEARCH_PATH);
        Process gpsfake = builder.start();
        GpsdGnss gnss = GpsdGnss.start(
                "unit-1", "127.0.0.1", port, Duration.ofMillis(100), Duration.ofSeconds(1), InstantSource.system());
        try {
            // gpsd's first reports lack time, speed and track, or altitude (2D); wait for a complete 3D fix.
            AtomicReference<GnssFix> complete = new AtomicReference<>();
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                gnss.latestFix()
                        .filter(f -> f.speedMps() != null && f.courseDegrees() != null && f.altitudeMeters() != null)
                        .ifPresent(complete::set);
                return complete.get() != null;
            });
            GnssFix fix = complete.get();
            assertThat(fix.lat()).isCloseTo(52.5210, within(0.0005));
            assertThat(fix.lon()).isCloseTo(13.4128, within(0.0008));
            assertThat(fix.altitudeMeters()).isCloseTo(37.5, within(0.01));
            assertThat(fix.speedMps()).isCloseTo(1.389, within(0.01));
            assertThat(fix.courseDegrees()).isCloseTo(231.4, within(0.01));
            assertThat(fix.accuracyMeters()).isPositive();
            assertThat(gnss.badLines()).isZero();
        } finally {
            gnss.close();
            stop(gpsfake);
        }
    }

    private static boolean onPath(String program) {
        return SystemTools.which(program, SEARCH_PATH).isPresent();
    }

    private static void stop(Process process) throws InterruptedException {
        List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
        process.destroy();
        tree.forEach(ProcessHandle::destroy);
        if (!process.waitFor(5, TimeUnit.SECONDS)) process.destroyForcibly();
        tree.forEach(ProcessHandle::destroyForcibly);
    }
}
