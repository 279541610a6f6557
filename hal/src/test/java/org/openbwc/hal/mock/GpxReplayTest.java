package org.openbwc.hal.mock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.openbwc.hal.GnssFix;

class GpxReplayTest {
    private static final Instant START = Instant.parse("2026-01-01T12:00:00Z");
    /** 100 m north in 20 s (5 m/s), then 100 m east in 10 s (10 m/s), then standing 10 s. */
    private static final String TRACK = """
            <gpx version="1.1" xmlns="http://www.topografix.com/GPX/1/1"><trk><trkseg>
            <trkpt lat="52.520000" lon="13.400000"><ele>30</ele><time>2025-03-14T09:00:00Z</time></trkpt>
            <trkpt lat="52.520899" lon="13.400000"><ele>40</ele><time>2025-03-14T09:00:20Z</time></trkpt>
            <trkpt lat="52.520899" lon="13.401474"><time>2025-03-14T09:00:30Z</time></trkpt>
            <trkpt lat="52.520899" lon="13.401474"><time>2025-03-14T09:00:40Z</time></trkpt>
            </trkseg></trk></gpx>
            """;

    private final FakeTime time = new FakeTime(START);

    private GpxReplay replay(double speedFactor) {
        GpxTrack track = GpxTrack.parse(new ByteArrayInputStream(TRACK.getBytes(StandardCharsets.UTF_8)), "test.gpx");
        return new GpxReplay(track, speedFactor, time);
    }

    @Test
    void interpolatesHalfWayBetweenTwoPointsAtHalfTime() {
        GpxReplay replay = replay(1.0);
        time.advance(Duration.ofSeconds(10));
        GnssFix fix = replay.latestFix().orElseThrow();
        assertThat(fix.lat()).isCloseTo(52.5204495, within(1e-7));
        assertThat(fix.lon()).isCloseTo(13.4, within(1e-9));
        assertThat(fix.altitudeMeters()).isCloseTo(35.0, within(1e-9));
        assertThat(fix.speedMps()).isCloseTo(5.0, within(0.05));
        assertThat(fix.courseDegrees()).isCloseTo(0.0, within(0.5));
        assertThat(fix.accuracyMeters()).isBetween(3.0, 8.0);
        assertThat(fix.fixTime()).isEqualTo(START.plusSeconds(10));
    }

    @Test
    void speedAndCourseFollowTheSegmentAndStandingHasNoCourse() {
        GpxReplay replay = replay(1.0);
        time.advance(Duration.ofSeconds(25));
        GnssFix east = replay.latestFix().orElseThrow();
        assertThat(east.speedMps()).isCloseTo(10.0, within(0.1));
        assertThat(east.courseDegrees()).isCloseTo(90.0, within(0.5));
        assertThat(east.altitudeMeters()).isEqualTo(40.0);

        time.advance(Duration.ofSeconds(10));
        GnssFix standing = replay.latestFix().orElseThrow();
        assertThat(standing.speedMps()).isZero();
        assertThat(standing.courseDegrees()).isNull();
    }

    @Test
    void loopsAtTheEnd() {
        GpxReplay replay = replay(1.0);
        time.advance(Duration.ofSeconds(40 + 10));
        GnssFix fix = replay.latestFix().orElseThrow();
        assertThat(fix.lat()).isCloseTo(52.5204495, within(1e-7));
        assertThat(fix.fixTime()).isEqualTo(START.plusSeconds(50));

        time.advance(Duration.ofSeconds(40 * 100));
        assertThat(replay.latestFix().orElseThrow().lat()).isCloseTo(52.5204495, within(1e-7));
    }

    @Test
    void speedFactorMovesFasterAndReportsRealTimeSpeed() {
        GpxReplay replay = replay(2.0);
        time.advance(Duration.ofSeconds(5));
        GnssFix fix = replay.latestFix().orElseThrow();
        assertThat(fix.lat()).isCloseTo(52.5204495, within(1e-7));
        assertThat(fix.speedMps()).isCloseTo(10.0, within(0.1));
        assertThatThrownBy(() -> replay(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void bundledTrackReplaysWithSaneSpeedAndCourse() {
        GpxReplay replay = new GpxReplay(GpxTrack.bundled(2), 1.0, time);
        for (int i = 0; i < 200; i++) {
            time.advance(Duration.ofSeconds(7));
            GnssFix fix = replay.latestFix().orElseThrow();
            assertThat(fix.speedMps()).isBetween(0.0, 16.0);
            if (fix.courseDegrees() != null) assertThat(fix.courseDegrees()).isBetween(0.0, 360.0);
            assertThat(fix.accuracyMeters()).isBetween(3.0, 8.0);
        }
    }
}
