package org.openbwc.gateway.dispatch;

import org.openbwc.protocol.UnitState;

/**
 * A unit that could go to an incident, as the room's list shows it.
 *
 * @param distanceMeters great-circle distance from its last position to the incident
 * @param etaSeconds the distance at its recent speed, or at the default speed when it moves slower than that
 * @param speedMps the speed the ETA assumed
 * @param batteryPercent null when the unit has not reported its battery
 */
public record Candidate(
        String unitId,
        String officerId,
        double distanceMeters,
        long etaSeconds,
        double speedMps,
        UnitState state,
        Integer batteryPercent,
        boolean recording,
        boolean stealth) {}
