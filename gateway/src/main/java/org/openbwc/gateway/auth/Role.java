package org.openbwc.gateway.auth;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** What an operator may do in the monitoring room; each role includes everything the ones before it may do. */
public enum Role {
    /** Sees the fleet, alerts and unit pages. */
    VIEWER,
    /** Also sends commands to units, acknowledges alerts and watches live video. */
    SUPERVISOR,
    /** Also manages operators and reads the audit log and configuration. */
    ADMIN;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean includes(Role other) {
        return compareTo(other) >= 0;
    }

    /** @throws IllegalArgumentException naming the allowed roles */
    public static Role fromWire(String text) {
        for (Role r : values())
            if (r.wire().equals(text == null ? "" : text.strip().toLowerCase(Locale.ROOT))) return r;
        throw new IllegalArgumentException("unknown role '" + text + "' (allowed: " + allowed() + ")");
    }

    public static String allowed() {
        return Arrays.stream(values()).map(Role::wire).collect(Collectors.joining(", "));
    }
}
