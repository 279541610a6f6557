package org.openbwc.config;

import java.util.Map;

/** Behaviour of the simulated hardware when hal is mock. */
public record MockConfig(
        @Doc("Battery charge of the simulated unit at start.") @DefaultValue("100") @IntRange(min = 0, max = 100)
        int batteryStartPercent,

        @Doc("How fast the simulated battery drains; demos raise it to show low-battery behaviour in minutes.")
        @DefaultValue("12.0")
        @DecimalRange(min = 0, max = 10000)
        double batteryDrainPercentPerHour,

        @Doc("Whether the simulated real-time clock is set; false simulates a unit that lost its time and must not"
                + " trust its timestamps.")
        @DefaultValue("true")
        boolean clockSet,

        @Doc("Replay speed of the GPX track: 2.0 plays it twice as fast as it was recorded.")
        @DefaultValue("1.0")
        @DecimalRange(min = 0.1, max = 100)
        double gpxSpeedFactor) {

    public MockConfig {
        Constraints.check(MockConfig.class, batteryStartPercent, batteryDrainPercentPerHour, clockSet, gpxSpeedFactor);
    }

    /** All documented defaults. */
    public static MockConfig defaults() {
        return (MockConfig) RecordSpec.of(MockConfig.class).defaults(Map.of());
    }

    /** Copy with another starting charge. */
    public MockConfig withBatteryStartPercent(int percent) {
        return new MockConfig(percent, batteryDrainPercentPerHour, clockSet, gpxSpeedFactor);
    }

    /** Copy with another drain rate. */
    public MockConfig withBatteryDrainPercentPerHour(double percentPerHour) {
        return new MockConfig(batteryStartPercent, percentPerHour, clockSet, gpxSpeedFactor);
    }

    /** Copy with the clock set or unset. */
    public MockConfig withClockSet(boolean set) {
        return new MockConfig(batteryStartPercent, batteryDrainPercentPerHour, set, gpxSpeedFactor);
    }

    /** Copy with another GPX replay speed. */
    public MockConfig withGpxSpeedFactor(double factor) {
        return new MockConfig(batteryStartPercent, batteryDrainPercentPerHour, clockSet, factor);
    }
}
