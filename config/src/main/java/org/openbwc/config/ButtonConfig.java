package org.openbwc.config;

import java.util.Map;

/** A push button on a GPIO input. */
public record ButtonConfig(
        @Doc("BCM GPIO number (the GPIOnn name, not the physical header pin number).") @IntRange(min = 0, max = 27)
        int pin,

        @Doc("Time the input must be stable before a change counts, to ignore contact bounce.")
        @DefaultValue("10000")
        @IntRange(min = 0, max = 1_000_000)
        long debounceMicros,

        @Doc("true when the input reads low while pressed (button to ground with the internal pull-up).")
        @DefaultValue("true")
        boolean activeLow) {

    public ButtonConfig {
        Constraints.check(ButtonConfig.class, pin, debounceMicros, activeLow);
    }

    /** A button on {@code pin} with default debounce and polarity; buttons have no common default pin. */
    public static ButtonConfig defaults(int pin) {
        return (ButtonConfig) RecordSpec.of(ButtonConfig.class).defaults(Map.of("pin", pin));
    }
}
