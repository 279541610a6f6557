package org.openbwc.device.media;

import java.time.Instant;
import java.util.Objects;

/**
 * One moof+mdat pair of the fMP4 stream: independently appendable after the init segment, and independently
 * decodable when {@code keyframeStart} (its first video sample is a keyframe, i.e. a GOP begins here).
 *
 * @param sequence the muxer's fragment sequence number (mfhd), increasing by one
 * @param mediaStartMicros decode time of its first video sample, from the stream start
 * @param durationMicros media duration it covers
 * @param wallClock when the fragment was cut (the device clock), so evidence can map media time to UTC
 */
public record Fragment(
        long sequence,
        byte[] bytes,
        boolean keyframeStart,
        long mediaStartMicros,
        long durationMicros,
        Instant wallClock) {
    public Fragment {
        Objects.requireNonNull(bytes, "fragment bytes are required");
        Objects.requireNonNull(wallClock, "wallClock is required");
        if (durationMicros < 0) throw new IllegalArgumentException("durationMicros " + durationMicros + " is negative");
    }
}
