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
 * @param seq the event's number within its boot, from 1; with {@code bootId} it names the event, which is what the
 *     gateway acknowledges ({@link EventAck}) and how it drops a re-sent duplicate
 * @param bootId random id of the run that raised the event (as on {@link UnitStatus}); null from units that predate
 *     acknowledgements, whose events are then never acknowledged
 */
public record UnitEvent(
        int version,
        String unitId,
        EventType type,
        Instant time,
        UnitState state,
        String cause,
        Map<String, String> details,
        long seq,
        String bootId)
        implements Payload {
    public UnitEvent {
        Payload.checkVersion(version);
        Topics.requireId(unitId, "unitId");
        Objects.requireNonNull(type, "type is required");
        Objects.requireNonNull(time, "time is required");
        Objects.requireNonNull(state, "state is required");
        cause = cause == null ? "" : cause;
        details = details == null ? Map.of() : Map.copyOf(details);
        Payload.checkBootId(bootId);
    }

    /** An event without a boot id: it cannot be acknowledged. */
    public UnitEvent(
            int version,
            String unitId,
            EventType type,
            Instant time,
            UnitState state,
            String cause,
            Map<String, String> details,
            long seq) {
        this(version, unitId, type, time, state, cause, details, seq, null);
    }
}
