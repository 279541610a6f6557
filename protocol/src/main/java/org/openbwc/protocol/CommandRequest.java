package org.openbwc.protocol;

import java.time.Instant;
import java.util.Map;

/**
 * Body of a command request; the MQTT 5 response topic and correlation data travel as message properties.
 *
 * @param requestedBy who asked (gateway id, operator), recorded in the unit's event for the audit trail
 */
public record CommandRequest(int version, String command, Map<String, String> args, String requestedBy, Instant sentAt)
        implements Payload {
    public CommandRequest {
        Payload.checkVersion(version);
        Topics.requireCommandName(command);
        args = args == null ? Map.of() : Map.copyOf(args);
        requestedBy = requestedBy == null ? "" : requestedBy;
    }

    public static CommandRequest of(String command, Map<String, String> args, String requestedBy, Instant sentAt) {
        return new CommandRequest(Payload.VERSION, command, args, requestedBy, sentAt);
    }
}
