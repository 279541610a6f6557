package org.openbwc.protocol;

import java.util.Optional;

/** Commands a unit accepts on {@code bwc/v1/<unit>/cmd/<name>}, with their wire names. */
public enum RemoteCommand {
    RECORD_START("record.start"),
    RECORD_STOP("record.stop"),
    MARKER("marker"),
    LOCATE("locate"),
    STEALTH_ON("stealth.on"),
    STEALTH_OFF("stealth.off"),
    PING("ping"),
    /** Start sending the live fragment stream to the gateway: args {@code url} (a WebSocket URL with a one-time ticket). */
    LIVE_START("live.start"),
    /** Stop the live stream (the last viewer left, or policy). */
    LIVE_STOP("live.stop");

    private final String wire;

    RemoteCommand(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    /** Whether an operator may send it through the gateway's generic command API (live.* go through the live API). */
    public boolean operatorCommand() {
        return this != LIVE_START && this != LIVE_STOP;
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
