package org.openbwc.protocol;

import java.time.Instant;

/** Retained live-video handle on {@code bwc/v1/<unit>/stream}: whether a unit is streaming and where to watch. */
public record StreamHandle(
        int version, String unitId, String state, String url, String codec, int width, int height, Instant since)
        implements Payload {
    public StreamHandle {
        Payload.checkVersion(version);
        Topics.requireId(unitId, "unitId");
        if (state == null || state.isBlank()) throw new IllegalArgumentException("stream state is required");
    }
}
