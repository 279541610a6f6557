package org.openbwc.device.media;

import java.util.Objects;

/**
 * The fMP4 init segment (ftyp + moov) that every segment file and every live viewer needs before any fragment.
 *
 * @param codecs RFC 6381 codecs string for MSE, e.g. {@code avc1.42C01F,mp4a.40.2}
 * @param timescaleVideo the video track's timescale, to turn tfdt decode times into seconds
 */
public record InitSegment(byte[] bytes, String codecs, int width, int height, long timescaleVideo) {
    public InitSegment {
        Objects.requireNonNull(bytes, "init segment bytes are required");
        if (bytes.length < 8)
            throw new IllegalArgumentException("init segment of " + bytes.length + " bytes is too short");
    }
}
