package org.openbwc.hal.gnss;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import org.junit.jupiter.api.Test;
import org.openbwc.hal.GnssFix;

class GpsdGnssTest {
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final String TPV = """
            {"class":"TPV","device":"/dev/ttyAMA0","mode":3,"time":"2025-03-14T09:00:01.000Z","ept":0.005,\
            "lat":52.521280,"lon":13.413180,"altHAE":81.2,"altMSL":37.5,"alt":37.5,"epx":3.1,"epy":4.2,"epv":9.8,\
            "track":231.4,"speed":1.42,"climb":0.0,"eps":0.5,"eph":5.4}""";

    private static GpsdGnss connect(FakeGpsd gpsd) {
        return GpsdGnss.start(
                "unit-1",
                "127.0.0.1",
                gpsd.port(),
                Duration.ofMillis(50),
                Duration.ofMillis(200),
                InstantSource.system());
    }

    @Test
    void watchesAndParsesTpvIntoAFix() throws Exception {
        try (FakeGpsd gpsd = new FakeGpsd();
                GpsdGnss gnss = connect(gpsd)) {
            Socket client = gpsd.nextClient();
            assertThat(gpsd.commands).containsExactly("?WATCH={\"enable\":true,\"json\":true};");
            assertThat(gnss.latestFix()).isEmpty();

            FakeGpsd.send(
                    client,
                    "{\"class\":\"DEVICES\",\"devices\":[{\"class\":\"DEVICE\",\"path\":\"/dev/ttyAMA0\"}]}",
                    "{\"class\":\"WATCH\",\"enable\":true,\"json\":true}",
                    "{\"class\":\"SKY\",\"satellites\":[]}",
                    TPV);
            await().atMost(WAIT).until(() -> gnss.latestFix().isPresent());

            GnssFix fix = gnss.latestFix().orElseThrow();
            assertThat(fix.lat()).isEqualTo(52.521280);
            assertThat(fix.lon()).isEqualTo(13.413180);
            assertThat(fix.altitudeMeters()).isEqualTo(37.5);
            assertThat(fix.speedMps()).isEqualTo(1.42);
            assertThat(fix.courseDegrees()).isEqualTo(231.4);
            assertThat(fix.accuracyMeters()).isEqualTo(5.4);
            assertThat(fix.fixTime()).isEqualTo(Instant.parse("2025-03-14T09:00:01Z"));
            assertThat(gnss.badLines()).isZero();
        }
    }

    @Test
    void twoDimensionalFixWithoutEphUsesEpxEpyAndHasNoAltitude() throws Exception {
        try (FakeGpsd gpsd = new FakeGpsd();
                GpsdGnss gnss = connect(gpsd)) {
            FakeGpsd.send(gpsd.nextClient(), """
                    {"class":"TPV","mode":2,"time":"2025-03-14T09:00:02Z","lat":52.5,"lon":13.4,"alt":30.0,"epx":3.0,"epy":7.5}""");
            await().atMost(WAIT).until(() -> gnss.latestFix().isPresent());
            GnssFix fix = gnss.latestFix().orElseThrow();
            assertThat(fix.accuracyMeters()).isEqualTo(7.5);
            assertThat(fix.altitudeMeters()).isNull();
            assertThat(fix.speedMps()).isNull();
            assertThat(fix.courseDegrees()).isNull();
        }
    }

    @Test
    void skipsAndCountsGarbageAndKeepsGoing() throws Exception {
        try (FakeGpsd gpsd = new FakeGpsd();
                GpsdGnss gnss = connect(gpsd)) {
            FakeGpsd.send(
                    gpsd.nextClient(),
                    "$GPRMC,not,json",
                    "{\"class\":\"TPV\",\"mode\":3,",
                    "[1,2,3]",
                    "{\"class\":\"TPV\",\"mode\":3,\"lat\":123.0,\"lon\":13.4}",
                    "{\"class\":\"TPV\",\"mode\":3,\"lat\":52.5,\"lon\":13.4,\"time\":\"half past nine\"}",
                    "",
                    "{\"class\":\"PPS\",\"device\":\"/dev/pps0\"}",
                    TPV);
            await().atMost(WAIT).until(() -> gnss.latestFix().isPresent());
            assertThat(gnss.badLines()).isEqualTo(5);
            assertThat(gnss.latestFix().orElseThrow().lat()).isEqualTo(52.521280);
        }
    }

    @Test
    void partialTpvWithoutPositionIsNeitherAFixNorGarbage() throws Exception {
        try (FakeGpsd gpsd = new FakeGpsd();
                GpsdGnss gnss = connect(gpsd)) {
            Socket client = gpsd.nextClient();
            FakeGpsd.send(client, TPV);
            await().atMost(WAIT).until(() -> gnss.latestFix().isPresent());
            FakeGpsd.send(
                    client,
                    "{\"class\":\"TPV\",\"mode\":3,\"epv\":29.9,\"eph\":17.1}",
                    TPV.replace("\"speed\":1.42", "\"speed\":2.5"));
            await().atMost(WAIT).until(() -> gnss.latestFix().orElseThrow().speedMps() == 2.5);
            assertThat(gnss.badLines()).isZero();
        }
    }

    @Test
    void overlongLineIsDroppedAndTheNextLineStillParses() throws Exception {
        try (FakeGpsd gpsd = new FakeGpsd();
                GpsdGnss gnss = connect(gpsd)) {
            FakeGpsd.send(gpsd.nextClient(), "x".repeat(GpsdGnss.MAX_LINE_BYTES + 10), TPV);
            await().atMost(WAIT).until(() -> gnss.latestFix().isPresent());
            assertThat(gnss.badLines()).isEqualTo(1);
        }
    }

    @Test
    void noFixReportClearsTheFix() throws Exception {
        try (FakeGpsd gpsd = new FakeGpsd();
                GpsdGnss gnss = connect(gpsd)) {
            Socket client = gpsd.nextClient();
            FakeGpsd.send(client, TPV);
            await().atMost(WAIT).until(() -> gnss.latestFix().isPresent());
            FakeGpsd.send(client, "{\"class\":\"TPV\",\"mode\":1,\"time\":\"2025-03-14T09:00:05Z\"}");
            await().atMost(WAIT).until(() -> gnss.latestFix().isEmpty());
        }
    }

    @Test
    void reconnectsAfterTheServerDropsAndKeepsTheLastFixMeanwhile() throws Exception {
        try (FakeGpsd gpsd = new FakeGpsd();
                GpsdGnss gnss = connect(gpsd)) {
            Socket first = gpsd.nextClient();
            FakeGpsd.send(first, TPV);
            await().atMost(WAIT).until(() -> gnss.latestFix().isPresent());
            first.close();

            Socket second = gpsd.nextClient();
            assertThat(gnss.latestFix()).isPresent();
            FakeGpsd.send(second, TPV.replace("52.521280", "52.530000"));
            await().atMost(WAIT).until(() -> gnss.latestFix().orElseThrow().lat() == 52.53);
            assertThat(gnss.connections()).isEqualTo(2);
            assertThat(gpsd.commands).hasSize(2).allMatch(c -> c.startsWith("?WATCH="));
        }
    }

    @Test
    void keepsRetryingWhileGpsdIsDownAndConnectsWhenItComesUp() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        GpsdGnss gnss = GpsdGnss.start(
                "unit-1", "127.0.0.1", port, Duration.ofMillis(20), Duration.ofMillis(100), InstantSource.system());
        try {
            await().during(Duration.ofMillis(300)).atMost(WAIT).until(() -> gnss.connections() == 0);
            assertThat(gnss.latestFix()).isEmpty();

            try (ServerSocket late = new ServerSocket(port)) {
                late.setSoTimeout(5_000);
                late.accept().close();
                await().atMost(WAIT).until(() -> gnss.connections() >= 1);
            }
        } finally {
            long start = System.nanoTime();
            gnss.close();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
        }
    }

    @Test
    void rejectsBadAddresses() {
        assertThatThrownBy(() -> GpsdGnss.connect("unit-1", "127.0.0.1", 0)).hasMessageContaining("port 0");
        assertThatThrownBy(() -> GpsdGnss.connect("unit-1", " ", 2947)).hasMessageContaining("host");
    }

    @Test
    void tpvWithoutTimeUsesTheClock() {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");
        GpsdGnss gnss =
                GpsdGnss.start("unit-1", "127.0.0.1", 9, Duration.ofSeconds(10), Duration.ofSeconds(10), () -> now);
        try {
            gnss.handleLine("{\"class\":\"TPV\",\"mode\":2,\"lat\":52.5,\"lon\":13.4}");
            assertThat(gnss.latestFix().orElseThrow().fixTime()).isEqualTo(now);
            assertThat(gnss.latestFix().orElseThrow().lat()).isCloseTo(52.5, within(1e-12));
        } finally {
            gnss.close();
        }
    }
}
