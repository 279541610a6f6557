package org.openbwc.config;

import java.util.Map;

/** The vibration motor, driven by hardware PWM. */
public record HapticConfig(
        @Doc("BCM GPIO number carrying the PWM signal; it must match pwmChip and pwmChannel in the device tree"
                + " (GPIO 18 is PWM0 channel 0 on a Raspberry Pi).")
        @DefaultValue("18")
        @IntRange(min = 0, max = 27)
        int pin,

        @Doc("Linux PWM chip number (/sys/class/pwm/pwmchipN).") @DefaultValue("0") @IntRange(min = 0, max = 15)
        int pwmChip,

        @Doc("Channel on the PWM chip.") @DefaultValue("0") @IntRange(min = 0, max = 3)
        int pwmChannel,

        @Doc("PWM frequency; around the motor's resonance it buzzes strongest.")
        @DefaultValue("175")
        @IntRange(min = 50, max = 1000)
        int frequencyHz,

        @Doc("PWM duty cycle, i.e. vibration strength.") @DefaultValue("60") @IntRange(min = 1, max = 100)
        int dutyPercent) {

    public HapticConfig {
        Constraints.check(HapticConfig.class, pin, pwmChip, pwmChannel, frequencyHz, dutyPercent);
    }

    /** All documented defaults. */
    public static HapticConfig defaults() {
        return (HapticConfig) RecordSpec.of(HapticConfig.class).defaults(Map.of());
    }
}
