package org.openbwc.device.core;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.openbwc.protocol.RemoteCommand;

/**
 * A command from an operator, already parsed from the wire.
 *
 * @param requestedBy who asked (gateway or operator id); becomes the events' cause, a {@link Cause.Remote}
 * @param args command arguments (e.g. a marker {@code label}); null entries are dropped
 */
public record RemoteCommandInput(RemoteCommand command, String requestedBy, Map<String, String> args)
        implements ControllerInput {
    public RemoteCommandInput {
        Objects.requireNonNull(command, "command is required");
        requestedBy = requestedBy == null || requestedBy.isBlank() ? "unknown" : requestedBy;
        args = withoutNulls(args);
    }

    public RemoteCommandInput(RemoteCommand command, String requestedBy) {
        this(command, requestedBy, Map.of());
    }

    // Arguments come from JSON, where a null value is legal; Map.copyOf would reject it.
    private static Map<String, String> withoutNulls(Map<String, String> args) {
        if (args == null) return Map.of();
        Map<String, String> kept = new LinkedHashMap<>();
        args.forEach((k, v) -> {
            if (k != null && v != null) kept.put(k, v);
        });
        return Map.copyOf(kept);
    }
}
