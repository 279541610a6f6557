package org.openbwc.hal;

/**
 * One battery measurement.
 *
 * @param minutesLeft the gauge's estimate of the time to empty while discharging; null while charging or unknown
 */
public record BatteryReading(int percent, double volts, boolean charging, Integer minutesLeft) {
    public BatteryReading {
        if (percent < 0 || percent > 100)
            throw new IllegalArgumentException("battery percent " + percent + " is out of range 0..100");
        if (minutesLeft != null && minutesLeft < 0)
            throw new IllegalArgumentException("battery minutesLeft " + minutesLeft + " must be >= 0");
    }

    /** A reading without a time-to-empty estimate. */
    public BatteryReading(int percent, double volts, boolean charging) {
        this(percent, volts, charging, null);
    }
}
