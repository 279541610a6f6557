package org.openbwc.hal;

import java.time.Instant;

/** A position fix; optional measurements are null when the receiver does not provide them. */
public record GnssFix(
        double lat,
        double lon,
        Double accuracyMeters,
        Double altitudeMeters,
        Double speedMps,
        Double courseDegrees,
        Instant fixTime) {
    public GnssFix {
        if (!(lat >= -90 && lat <= 90)) throw new IllegalArgumentException("lat " + lat + " is out of range -90..90");
        if (!(lon >= -180 && lon <= 180))
            throw new IllegalArgumentException("lon " + lon + " is out of range -180..180");
        if (fixTime == null) throw new IllegalArgumentException("fixTime is required");
    }
}
