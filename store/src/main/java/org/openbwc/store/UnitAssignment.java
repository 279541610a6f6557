package org.openbwc.store;

import java.time.Instant;

/**
 * One assignment of an officer to a unit, open ({@code unassignedAt} null) or ended.
 *
 * @param assignedBy who assigned (an operator's name, or the CLI's account)
 * @param unassignedBy who or what ended it; null while open
 * @param endReason why it ended: {@code unassigned}, {@code docked}, {@code replaced}; null while open
 */
public record UnitAssignment(
        long id,
        String unitId,
        String officerId,
        Instant assignedAt,
        String assignedBy,
        Instant unassignedAt,
        String unassignedBy,
        String endReason) {
    /** Whether the unit still carries the officer. */
    public boolean open() {
        return unassignedAt == null;
    }
}
