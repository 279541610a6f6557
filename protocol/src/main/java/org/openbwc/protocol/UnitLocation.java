package org.openbwc.protocol;

import java.time.Instant;

/**
 * Retained position of a unit on {@code bwc/v1/<unit>/location}; field meanings follow OwnTracks.
 * Optional measurements are null when the receiver does not provide them.
 *
 * @param bootId random id of the unit's current run, as in {@link UnitStatus}: positions are ordered by {@code seq}
 *     within a run; null from units before it existed
 */
public record UnitLocation(
        int version,
        String unitId,
        double lat,
        double lon,
        Double accuracyMeters,
        Double altitudeMeters,
        Double speedMps,
        Double courseDegrees,
        Instant fixTime,
        long seq,
        String bootId)
        implements Payload {
    public UnitLocation {
        Payload.checkVersion(version);
        Topics.requireId(unitId, "unitId");
        if (!(lat >= -90 && lat <= 90)) throw new IllegalArgumentException("lat " + lat + " is out of range -90..90");
        if (!(lon >= -180 && lon <= 180))
            throw new IllegalArgumentException("lon " + lon + " is out of range -180..180");
        if (accuracyMeters != null && !(accuracyMeters >= 0))
            throw new IllegalArgumentException("accuracyMeters " + accuracyMeters + " must be >= 0");
        if (courseDegrees != null && !(courseDegrees >= 0 && courseDegrees < 360.0001))
            throw new IllegalArgumentException("courseDegrees " + courseDegrees + " is out of range 0..360");
        if (fixTime == null) throw new IllegalArgumentException("fixTime is required");
        Payload.checkBootId(bootId);
    }

    /** A position without a boot id (a payload from before it existed). */
    public UnitLocation(
            int version,
            String unitId,
            double lat,
            double lon,
            Double accuracyMeters,
            Double altitudeMeters,
            Double speedMps,
            Double courseDegrees,
            Instant fixTime,
            long seq) {
        this(version, unitId, lat, lon, accuracyMeters, altitudeMeters, speedMps, courseDegrees, fixTime, seq, null);
    }
}
