package org.openbwc.config;

import java.util.Map;

/** A status LED on a GPIO output. */
public record LedConfig(
        @Doc("BCM GPIO number (the GPIOnn name, not the physical header pin number).") @IntRange(min = 0, max = 27)
        int pin,

        @Doc("Dim the LED with software PWM instead of switching it fully on.") @DefaultValue("false")
        boolean pwm,

        @Doc("Brightness when pwm is true; ignored otherwise.") @DefaultValue("100") @IntRange(min = 1, max = 100)
        int brightnessPercent) {

    public LedConfig {
        Constraints.check(LedConfig.class, pin, pwm, brightnessPercent);
    }

    /** An LED on {@code pin} at full brightness; LEDs have no common default pin. */
    public static LedConfig defaults(int pin) {
        return (LedConfig) RecordSpec.of(LedConfig.class).defaults(Map.of("pin", pin));
    }
}
