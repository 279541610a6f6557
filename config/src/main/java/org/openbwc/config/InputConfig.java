package org.openbwc.config;

import java.util.Map;

/** An optional digital input, such as an external trigger or the dock sense line. */
public record InputConfig(
        @Doc("Whether the input is wired; a disabled input is ignored and its pin stays free.")
        boolean enabled,

        @Doc("BCM GPIO number (the GPIOnn name, not the physical header pin number).") @IntRange(min = 0, max = 27)
        int pin,

        @Doc("Time the input must be stable before a change counts, to ignore contact bounce.")
        @DefaultValue("10000")
        @IntRange(min = 0, max = 1_000_000)
        long debounceMicros,

        @Doc("true when the input reads low while active (switch to ground with the internal pull-up).")
        @DefaultValue("true")
        boolean activeLow) {

    public InputConfig {
        Constraints.check(InputConfig.class, enabled, pin, debounceMicros, activeLow);
    }

    /** An input on {@code pin} with default debounce and polarity; inputs have no common default pin. */
    public static InputConfig defaults(boolean enabled, int pin) {
        return (InputConfig) RecordSpec.of(InputConfig.class).defaults(Map.of("enabled", enabled, "pin", pin));
    }
}
