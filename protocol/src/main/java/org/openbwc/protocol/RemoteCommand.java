package org.openbwc.protocol;

import java.util.Optional;

/** Commands a unit accepts on {@code bwc/v1/<unit>/cmd/<name>}, with their wire names. */
public enum RemoteCommand {
    RECORD_START("record.start", true),
    RECORD_STOP("record.stop", true),
    MARKER("marker", true),
    LOCATE("locate", true),
    STEALTH_ON("stealth.on", true),
    STEALTH_OFF("stealth.off", true),
    PING("ping", true),
    /** Start sending the live fragment stream to the gateway: args {@code url} (a WebSocket URL with a one-time ticket). */
    LIVE_START("live.start", false),
    /** Stop the live stream (the last viewer left, or policy). */
    LIVE_STOP("live.stop", false),
    /**
     * The officer now carrying the unit (the shift's check-out): args {@code officerId}, {@code name},
     * {@code callsign}; an empty {@code officerId} unassigns. Sent by the gateway's officer directory.
     */
    OFFICER_ASSIGN("officer.assign", false),
    /**
     * An incident for the officer: args {@code id}, {@code lat}, {@code lon}, {@code note}, {@code priority}; the unit
     * alerts until the officer acknowledges it. Sent by the gateway's dispatch service; the ok reply means delivered.
     */
    DISPATCH("dispatch", false),
    /** The room withdrew the dispatch with args {@code id}: the alert stops and the 1 s positions end. */
    DISPATCH_CANCEL("dispatch.cancel", false),
    /**
     * Open a voice call from the control room: args {@code callId}, {@code by} (the supervisor). The room's voice then
     * arrives as {@link TalkFrame}s on the live uplink's downlink; the microphone is on while the call lasts.
     */
    TALK_START("talk.start", false),
    /** End the voice call: args {@code callId}. */
    TALK_STOP("talk.stop", false);

    private final String wire;
    private final boolean operatorCommand;

    RemoteCommand(String wire, boolean operatorCommand) {
        this.wire = wire;
        this.operatorCommand = operatorCommand;
    }

    public String wire() {
        return wire;
    }

    /**
     * Whether an operator may send it through the gateway's generic command API; the others are sent by the gateway's
     * own services (live.* by the live API), which check and audit them there.
     */
    public boolean operatorCommand() {
        return operatorCommand;
    }

    public static Optional<RemoteCommand> fromWire(String wire) {
        for (RemoteCommand c : values()) if (c.wire.equals(wire)) return Optional.of(c);
        return Optional.empty();
    }

    /** Wire names joined for error messages ("allowed: ..."). */
    public static String allowed() {
        StringBuilder b = new StringBuilder();
        for (RemoteCommand c : values()) b.append(b.isEmpty() ? "" : ", ").append(c.wire);
        return b.toString();
    }
}
