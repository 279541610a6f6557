package org.openbwc.protocol;

import java.time.Instant;
import java.util.Objects;

/** A unit's answer to a command: ok, or an error with a reason an operator can read. */
public record CommandReply(
        int version, String unitId, String command, boolean ok, String reason, UnitState state, Instant time)
        implements Payload {
    public CommandReply {
        Payload.checkVersion(version);
        Topics.requireId(unitId, "unitId");
        Objects.requireNonNull(command, "command is required");
        Objects.requireNonNull(time, "time is required");
        reason = reason == null ? "" : reason;
    }

    public static CommandReply ok(String unitId, String command, String reason, UnitState state, Instant time) {
        return new CommandReply(Payload.VERSION, unitId, command, true, reason, state, time);
    }

    public static CommandReply error(String unitId, String command, String reason, UnitState state, Instant time) {
        return new CommandReply(Payload.VERSION, unitId, command, false, reason, state, time);
    }
}
