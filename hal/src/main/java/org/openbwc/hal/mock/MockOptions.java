package org.openbwc.hal.mock;

import java.time.Duration;
import java.time.InstantSource;

/**
 * Emulator settings that are not part of a unit's config.
 *
 * @param timeSource     time for the battery, GPX replay and device clock; a fake one makes tests deterministic
 *                       (button timing always runs on real time)
 * @param pressDuration  how long {@code press} holds a button down
 * @param doublePressGap time between release and the second press of {@code doublePress}
 * @param trackNumber    which bundled GPX track a unit without a gpxFile replays ({@link GpxTrack#bundled(int)});
 *                       null takes the last number in the unit id, so "unit-2" gets track 2
 */
public record MockOptions(
        InstantSource timeSource, Duration pressDuration, Duration doublePressGap, Integer trackNumber) {
    public MockOptions {
        if (timeSource == null) throw new IllegalArgumentException("timeSource is required");
        if (pressDuration == null || pressDuration.isNegative() || pressDuration.isZero()) {
            throw new IllegalArgumentException("pressDuration " + pressDuration + " must be > 0");
        }
        if (doublePressGap == null || doublePressGap.isNegative() || doublePressGap.isZero()) {
            throw new IllegalArgumentException("doublePressGap " + doublePressGap + " must be > 0");
        }
    }

    public static MockOptions defaults() {
        return new MockOptions(InstantSource.system(), Duration.ofMillis(120), Duration.ofMillis(150), null);
    }

    public MockOptions withTimeSource(InstantSource timeSource) {
        return new MockOptions(timeSource, pressDuration, doublePressGap, trackNumber);
    }

    public MockOptions withTrackNumber(Integer trackNumber) {
        return new MockOptions(timeSource, pressDuration, doublePressGap, trackNumber);
    }

    public MockOptions withPressTiming(Duration pressDuration, Duration doublePressGap) {
        return new MockOptions(timeSource, pressDuration, doublePressGap, trackNumber);
    }
}
