package org.openbwc.protocol;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * Something that happened on a unit, published QoS 1 on {@code bwc/v1/<unit>/event}.
 *
 * @param time when it happened on the unit (events raised offline are delivered later with their original time)
 * @param state the unit's state right after the event
 * @param cause what caused it: a gesture, a remote command, a trigger, a policy (e.g. "button", "remote:gw-1")
 * @param details free-form extra facts (marker label, recording id, battery percent, ...)
 */
public record UnitEvent(
        int version,
        String unitId,
        EventType type,
        Instant time,
        UnitState state,
        String cause,
        Map<String, String> details,
        long seq)
        implements Payload {
    public UnitEvent {
        Payload.checkVersion(version);
        Topics.requireId(unitId, "unitId");
        Objects.requireNonNull(type, "type is required");
        Objects.requireNonNull(time, "time is required");
        Objects.requireNonNull(state, "state is required");
        cause = cause == null ? "" : cause;
        details = details == null ? Map.of() : Map.copyOf(details);
    }
}
