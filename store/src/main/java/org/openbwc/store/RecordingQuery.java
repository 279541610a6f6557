package org.openbwc.store;

import java.time.Instant;
import java.util.Objects;

/**
 * What the Evidence page searches for: any of unit, officer and category, a time window the recording overlaps, and
 * optionally a place (a track point within {@code radiusMeters} of it, taken inside the window). Nulls mean "any".
 *
 * @param limit at most this many recordings, newest first (1..10000)
 */
public record RecordingQuery(
        String unitId,
        String officerId,
        String category,
        Instant from,
        Instant to,
        Double lat,
        Double lon,
        Double radiusMeters,
        int limit) {

    public RecordingQuery {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        if (to.isBefore(from)) throw new IllegalArgumentException("time window ends at " + to + " before " + from);
        boolean anyPlace = lat != null || lon != null || radiusMeters != null;
        boolean wholePlace = lat != null && lon != null && radiusMeters != null;
        if (anyPlace && !wholePlace) {
            throw new IllegalArgumentException("a place needs latitude, longitude and radius together");
        }
        if (limit < 1 || limit > 10_000) throw new IllegalArgumentException("limit " + limit + " is not in 1..10000");
    }

    /** Whether the query names a place. */
    public boolean hasPlace() {
        return lat != null;
    }
}
