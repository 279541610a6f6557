package org.openbwc.device.core;

import java.util.Map;
import java.util.Objects;
import org.openbwc.protocol.EventType;
import org.openbwc.protocol.UnitState;

/**
 * Something the controller decided that the outside world should hear about; maps one-to-one to a wire event.
 *
 * @param state the unit's state right after this event
 * @param cause what caused it: "button", "sos", "trigger", "dock", "post-event", "remote:&lt;requestedBy&gt;"
 * @param atMillis monotonic time of the decision
 */
public record ControllerEvent(
        EventType type, UnitState state, String cause, Map<String, String> details, long atMillis) {
    public ControllerEvent {
        Objects.requireNonNull(type, "type is required");
        Objects.requireNonNull(state, "state is required");
        cause = cause == null ? "" : cause;
        details = details == null ? Map.of() : Map.copyOf(details);
    }
}
