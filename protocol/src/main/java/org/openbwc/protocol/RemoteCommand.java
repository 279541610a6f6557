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
    PING("ping");

    private final String wire;

    RemoteCommand(String wire) { this.wire = wire; }

    public String wire() { return wire; }

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
