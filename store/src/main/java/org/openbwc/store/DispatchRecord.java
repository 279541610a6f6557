package org.openbwc.store;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A dispatch as the database keeps it: the incident the room placed and the units sent to it.
 *
 * @param cancelledAt when the room cancelled it, or null
 * @param units the units sent, in the order they were sent
 */
public record DispatchRecord(
        String id,
        Instant createdAt,
        String createdBy,
        double lat,
        double lon,
        String note,
        String priority,
        Instant cancelledAt,
        String cancelledBy,
        List<DispatchAssignment> units) {
    public DispatchRecord {
        Objects.requireNonNull(id, "id is required");
        Objects.requireNonNull(createdAt, "createdAt is required");
        Objects.requireNonNull(createdBy, "createdBy is required");
        note = note == null ? "" : note;
        Objects.requireNonNull(priority, "priority is required");
        units = units == null ? List.of() : List.copyOf(units);
    }

    /** The same dispatch with {@code units} as its units. */
    public DispatchRecord withUnits(List<DispatchAssignment> assigned) {
        return new DispatchRecord(
                id, createdAt, createdBy, lat, lon, note, priority, cancelledAt, cancelledBy, assigned);
    }
}
