package org.openbwc.gateway.dispatch;

import java.time.Instant;
import java.util.List;

/**
 * A dispatch as the room sees it ({@code GET /api/dispatches/{id}} and the event stream's {@code dispatch} frames).
 *
 * @param status {@code open}, {@code arrived} (every unit sent arrived) or {@code cancelled}
 */
public record DispatchView(
        String id,
        Instant createdAt,
        String createdBy,
        double lat,
        double lon,
        String note,
        String priority,
        String status,
        Instant cancelledAt,
        String cancelledBy,
        List<UnitProgress> units) {

    /**
     * One unit's progress on the dispatch; a step's time is null until the gateway learned of it.
     *
     * @param distanceAtSendMeters its distance when it was sent; null when its position was unknown
     * @param distanceMeters its distance now, from its latest position; null when unknown
     * @param sent when the gateway sent the dispatch command
     * @param delivered when the unit answered that it has it (it alerts the officer from then on)
     * @param acknowledged when the officer acknowledged it on the unit
     * @param arrived when the unit reported being within 30 m of the incident
     * @param problem why it did not reach the unit or the unit refused it; null otherwise
     */
    public record UnitProgress(
            String unitId,
            String officerId,
            Double distanceAtSendMeters,
            Double distanceMeters,
            Instant sent,
            String sentBy,
            Instant delivered,
            Instant acknowledged,
            Instant arrived,
            String problem) {}
}
