package org.openbwc.hal;

/** One battery measurement. */
public record BatteryReading(int percent, double volts, boolean charging) {
    public BatteryReading {
        if (percent < 0 || percent > 100) throw new IllegalArgumentException("battery percent " + percent + " is out of range 0..100");
    }
}
