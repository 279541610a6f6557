package org.openbwc.protocol;

/**
 * Battery part of a unit status.
 *
 * @param minutesLeft the unit's estimate of the time to empty; null while charging or when its gauge cannot tell
 */
public record Battery(int percent, boolean charging, boolean docked, Integer minutesLeft) {
    public Battery {
        if (percent < 0 || percent > 100)
            throw new IllegalArgumentException("battery.percent " + percent + " is out of range 0..100");
        if (minutesLeft != null && minutesLeft < 0)
            throw new IllegalArgumentException("battery.minutesLeft " + minutesLeft + " must be >= 0");
    }

    /** A battery report without a time-to-empty estimate. */
    public Battery(int percent, boolean charging, boolean docked) {
        this(percent, charging, docked, null);
    }
}
