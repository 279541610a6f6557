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
 * @param capturedAt when its last picture was captured (the device clock), so the delay from the camera to durable
 *     storage, and what a power cut costs, can be measured from capture, not from the cut; null where not known
 *     (fragments read back from the pre-event buffer's files)
 */
public record Fragment(
        long sequence,
        byte[] bytes,
        boolean keyframeStart,
        long mediaStartMicros,
        long durationMicros,
        Instant wallClock,
        Instant capturedAt) {
    public Fragment {
        Objects.requireNonNull(bytes, "fragment bytes are required");
        Objects.requireNonNull(wallClock, "wallClock is required");
        if (durationMicros < 0) throw new IllegalArgumentException("durationMicros " + durationMicros + " is negative");
    }

    /** A fragment whose capture time is not known. */
    public Fragment(
            long sequence,
            byte[] bytes,
            boolean keyframeStart,
            long mediaStartMicros,
            long durationMicros,
            Instant wallClock) {
        this(sequence, bytes, keyframeStart, mediaStartMicros, durationMicros, wallClock, null);
    }
}
