package org.openbwc.config;

import java.util.Map;

/** How often a unit reports status and location, and when it warns about battery and storage. */
public record TelemetryConfig(
        @Doc("Interval of status reports (battery, storage, recording state).")
        @DefaultValue("30")
        @IntRange(min = 5, max = 3600)
        int statusIntervalSeconds,

        @Doc("Interval of location reports while idle. While recording or in SOS the unit always reports its location"
                + " every second, whatever this says.")
        @DefaultValue("30")
        @IntRange(min = 1, max = 3600)
        int locationIntervalSeconds,

        @Doc("Battery charge at or below which the unit warns the officer and the gateway.")
        @DefaultValue("15")
        @IntRange(min = 1, max = 50)
        int batteryLowPercent,

        @Doc("Free storage at or below which the unit warns the officer and the gateway.")
        @DefaultValue("10")
        @IntRange(min = 1, max = 50)
        int storageLowPercent) {

    public TelemetryConfig {
        Constraints.check(
                TelemetryConfig.class,
                statusIntervalSeconds,
                locationIntervalSeconds,
                batteryLowPercent,
                storageLowPercent);
    }

    /** All documented defaults. */
    public static TelemetryConfig defaults() {
        return (TelemetryConfig) RecordSpec.of(TelemetryConfig.class).defaults(Map.of());
    }

    /** Copy with another status interval. */
    public TelemetryConfig withStatusIntervalSeconds(int seconds) {
        return new TelemetryConfig(seconds, locationIntervalSeconds, batteryLowPercent, storageLowPercent);
    }

    /** Copy with another idle location interval. */
    public TelemetryConfig withLocationIntervalSeconds(int seconds) {
        return new TelemetryConfig(statusIntervalSeconds, seconds, batteryLowPercent, storageLowPercent);
    }
}
