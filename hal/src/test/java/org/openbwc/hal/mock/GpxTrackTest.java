package org.openbwc.hal.mock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class GpxTrackTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3})
    void bundledTracksAreShortRealisticPatrolsInBerlinMitte(int n) {
        GpxTrack track = GpxTrack.bundled(n);
        List<GpxTrack.Point> points = track.points();
        assertThat(track.source()).isEqualTo("bundled:unit-" + n + ".gpx");
        assertThat(points).hasSizeBetween(60, 200);
        assertThat(track.duration()).isBetween(Duration.ofMinutes(10), Duration.ofMinutes(20));
        assertThat(points).allSatisfy(p -> {
            assertThat(p.lat()).isBetween(52.50, 52.54);
            assertThat(p.lon()).isBetween(13.37, 13.44);
            assertThat(p.elevationMeters()).isBetween(30.0, 45.0);
        });
        for (int i = 1; i < points.size(); i++) {
            GpxTrack.Point a = points.get(i - 1);
            GpxTrack.Point b = points.get(i);
            long seconds = Duration.between(a.time(), b.time()).toSeconds();
            assertThat(seconds).isBetween(3L, 10L);
            double speed = GpxReplay.distanceMeters(a.lat(), a.lon(), b.lat(), b.lon()) / seconds;
            // Walking, cycling or city driving; nothing teleports.
            assertThat(speed).isLessThan(16.0);
        }
        // Loops end where they start, so replay wraps around without a jump.
        assertThat(GpxReplay.distanceMeters(
                        points.getFirst().lat(),
                        points.getFirst().lon(),
                        points.getLast().lat(),
                        points.getLast().lon()))
                .isLessThan(30);
    }

    @Test
    void bundledWrapsModuloThreeAndDifferentUnitsGetDifferentStreets() {
        assertThat(GpxTrack.bundled(4).source()).isEqualTo(GpxTrack.bundled(1).source());
        assertThat(GpxTrack.bundled(0).source()).isEqualTo(GpxTrack.bundled(3).source());
        assertThat(GpxTrack.bundled(-1).source()).isEqualTo(GpxTrack.bundled(2).source());
        assertThat(GpxTrack.bundled(1).points().get(10))
                .isNotEqualTo(GpxTrack.bundled(2).points().get(10));
        assertThat(GpxTrack.load("bundled:2", 1).source()).isEqualTo("bundled:unit-2.gpx");
        assertThat(GpxTrack.load("bundled", 3).source()).isEqualTo("bundled:unit-3.gpx");
    }

    @Test
    void parsesGpx11WithAndWithoutElevationAcrossSegments() throws Exception {
        Path file = write("""
                <?xml version="1.0" encoding="UTF-8"?>
                <gpx version="1.1" creator="test" xmlns="http://www.topografix.com/GPX/1/1">
                  <trk><trkseg>
                    <trkpt lat="52.5200" lon="13.4000"><ele>35.0</ele><time>2025-03-14T09:00:00Z</time></trkpt>
                    <trkpt lat="52.5210" lon="13.4010"><time>2025-03-14T09:00:10Z</time></trkpt>
                  </trkseg><trkseg>
                    <trkpt lat="52.5220" lon="13.4020"><ele>36.5</ele><time>2025-03-14T09:00:20.500Z</time></trkpt>
                  </trkseg></trk>
                </gpx>
                """);
        GpxTrack track = GpxTrack.parse(file);
        assertThat(track.points()).hasSize(3);
        assertThat(track.points().get(0).elevationMeters()).isEqualTo(35.0);
        assertThat(track.points().get(1).elevationMeters()).isNull();
        assertThat(track.points().get(2).lon()).isEqualTo(13.4020);
        assertThat(track.duration()).isEqualTo(Duration.ofMillis(20_500));
    }

    @Test
    void badFilesNameTheFileLineAndProblem() throws Exception {
        assertBad(
                "<gpx><trk><trkseg><trkpt lat=\"52.5\" lon=\"13.4\"><time>2025-03-14T09:00:00Z</time></trkpt>\n</trkseg></trk>",
                "not well-formed XML");
        assertBad("<kml></kml>", "root element is <kml>, expected <gpx>");
        assertBad(
                gpx("<trkpt lat=\"north\" lon=\"13.4\"><time>2025-03-14T09:00:00Z</time></trkpt>"),
                ":2: <trkpt> lat 'north' is not a number");
        assertBad(
                gpx("<trkpt lat=\"95\" lon=\"13.4\"><time>2025-03-14T09:00:00Z</time></trkpt>"),
                "lat 95 is out of range");
        assertBad(gpx("<trkpt lon=\"13.4\"><time>2025-03-14T09:00:00Z</time></trkpt>"), "without lat attribute");
        assertBad(gpx("<trkpt lat=\"52.5\" lon=\"13.4\"></trkpt>"), "track point 1 has no <time>");
        assertBad(
                gpx("<trkpt lat=\"52.5\" lon=\"13.4\"><time>yesterday</time></trkpt>"),
                "<time> 'yesterday' is not an ISO-8601");
        assertBad(
                gpx("<trkpt lat=\"52.5\" lon=\"13.4\"><time>2025-03-14T09:00:00Z</time></trkpt>"),
                "has 1 track points");
        assertBad(gpx("""
                <trkpt lat="52.5" lon="13.4"><time>2025-03-14T09:00:10Z</time></trkpt>
                <trkpt lat="52.5" lon="13.4"><time>2025-03-14T09:00:00Z</time></trkpt>"""), "track point 2 time");
        assertThatThrownBy(() -> GpxTrack.parse(dir.resolve("missing.gpx")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("missing.gpx")
                .hasMessageContaining("does not exist");
    }

    @Test
    void refusesExternalEntities() throws Exception {
        Path secret = Files.writeString(dir.resolve("secret.txt"), "52.5");
        String xxe = """
                <?xml version="1.0"?>
                <!DOCTYPE gpx [<!ENTITY lat SYSTEM "%s">]>
                <gpx><trk><trkseg>
                <trkpt lat="52.5" lon="13.4"><ele>&lat;</ele><time>2025-03-14T09:00:00Z</time></trkpt>
                <trkpt lat="52.5" lon="13.4"><time>2025-03-14T09:00:10Z</time></trkpt>
                </trkseg></trk></gpx>
                """.formatted(secret.toUri());
        assertThatThrownBy(
                        () -> GpxTrack.parse(new ByteArrayInputStream(xxe.getBytes(StandardCharsets.UTF_8)), "xxe.gpx"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("bad GPX file xxe.gpx");
    }

    private static String gpx(String points) {
        return "<gpx version=\"1.1\" xmlns=\"http://www.topografix.com/GPX/1/1\">\n<trk><trkseg>" + points
                + "</trkseg></trk></gpx>";
    }

    private void assertBad(String content, String expected) throws Exception {
        Path file = write(content);
        assertThatThrownBy(() -> GpxTrack.parse(file))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("bad GPX file " + file)
                .hasMessageContaining(expected);
    }

    private Path write(String content) throws Exception {
        return Files.writeString(Files.createTempFile(dir, "track", ".gpx"), content);
    }
}
