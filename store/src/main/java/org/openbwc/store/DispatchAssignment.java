package org.openbwc.store;

import java.time.Instant;
import java.util.Objects;

/**
 * One unit sent to a dispatch, with the times it went through each step (null until it did).
 *
 * @param distanceMeters the unit's distance from the incident when it was sent; null when its position was unknown
 * @param problem why the dispatch did not reach the unit or the unit refused it; null when delivered or still on its
 *     way
 */
public record DispatchAssignment(
        String dispatchId,
        String unitId,
        String officerId,
        Double distanceMeters,
        Instant sentAt,
        String sentBy,
        Instant deliveredAt,
        Instant acknowledgedAt,
        Instant arrivedAt,
        String problem) {
    public DispatchAssignment {
        Objects.requireNonNull(dispatchId, "dispatchId is required");
        Objects.requireNonNull(unitId, "unitId is required");
        Objects.requireNonNull(sentAt, "sentAt is required");
        Objects.requireNonNull(sentBy, "sentBy is required");
    }

    /** The steps a unit goes through after it was sent, each recorded once, at its first time. */
    public enum Step {
        DELIVERED("delivered_at"),
        ACKNOWLEDGED("acknowledged_at"),
        ARRIVED("arrived_at");

        final String column;

        Step(String column) {
            this.column = column;
        }
    }
}
