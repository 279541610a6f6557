package org.openbwc.config;

import java.util.Map;

/** Where the MAX17048 battery fuel gauge sits on I2C. */
public record BatteryGaugeConfig(
        @Doc("I2C bus number (/dev/i2c-N); bus 1 uses BCM GPIO 2 and 3, bus 0 uses GPIO 0 and 1.")
        @DefaultValue("1")
        @IntRange(min = 0, max = 15)
        int i2cBus,

        @Doc("7-bit I2C address of the gauge; the MAX17048 answers at 0x36.")
        @DefaultValue("0x36")
        @IntRange(min = 0x03, max = 0x77, hex = true)
        int i2cAddress) {

    public BatteryGaugeConfig {
        Constraints.check(BatteryGaugeConfig.class, i2cBus, i2cAddress);
    }

    /** All documented defaults. */
    public static BatteryGaugeConfig defaults() {
        return (BatteryGaugeConfig) RecordSpec.of(BatteryGaugeConfig.class).defaults(Map.of());
    }
}
