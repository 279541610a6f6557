package org.openbwc.device.core;

/** The controller's answer to a remote command, with a reason an operator can read. */
public record CommandOutcome(boolean ok, String reason) {
    public CommandOutcome {
        reason = reason == null ? "" : reason;
    }

    public static CommandOutcome ok(String reason) {
        return new CommandOutcome(true, reason);
    }

    public static CommandOutcome refused(String reason) {
        return new CommandOutcome(false, reason);
    }
}
