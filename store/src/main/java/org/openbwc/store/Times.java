package org.openbwc.store;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;

/** Instants as both databases keep them: TIMESTAMP WITH TIME ZONE, to the microsecond. */
final class Times {
    private Times() {}

    /** Cut to the microsecond, so that what comes back from the database equals what went in. */
    static Instant micros(Instant t) {
        return t == null ? null : t.truncatedTo(ChronoUnit.MICROS);
    }

    static OffsetDateTime toSql(Instant t) {
        return t == null ? null : OffsetDateTime.ofInstant(t, ZoneOffset.UTC);
    }

    static Instant fromSql(OffsetDateTime t) {
        return t == null ? null : t.toInstant();
    }
}
