package org.openbwc.device.core;

import java.util.Objects;

/**
 * The dispatch a unit is on, as the controller holds it: from its arrival until the officer reaches the incident or the
 * room cancels it. Times are monotonic milliseconds.
 *
 * @param acknowledgedAtMillis when the officer acknowledged it; meaningful only when {@code acknowledged}
 */
public record ActiveDispatch(
        DispatchOrder order, long receivedAtMillis, boolean acknowledged, long acknowledgedAtMillis) {
    public ActiveDispatch {
        Objects.requireNonNull(order, "order is required");
    }

    /** Received and not yet acknowledged: the unit alerts, and a FUNCTION double press acknowledges. */
    public boolean pending() {
        return !acknowledged;
    }

    ActiveDispatch acknowledgedAt(long nowMillis) {
        return new ActiveDispatch(order, receivedAtMillis, true, nowMillis);
    }
}
