package org.openbwc.store;

import java.time.Instant;
import java.util.Objects;

/** A GNSS fix taken during a recording; {@code accuracyMeters} null when the receiver gave none. */
public record TrackPoint(Instant at, double lat, double lon, Double accuracyMeters) {
    public TrackPoint {
        at = Times.micros(Objects.requireNonNull(at, "a track point needs a time"));
        if (!(lat >= -90 && lat <= 90)) throw new IllegalArgumentException("latitude " + lat + " is out of -90..90");
        if (!(lon >= -180 && lon <= 180)) {
            throw new IllegalArgumentException("longitude " + lon + " is out of -180..180");
        }
        if (accuracyMeters != null && !(accuracyMeters >= 0)) {
            throw new IllegalArgumentException("accuracy " + accuracyMeters + " m is negative");
        }
    }
}
