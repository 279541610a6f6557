package org.openbwc.hal.pi4j;

import com.pi4j.context.Context;
import java.util.List;
import org.openbwc.config.GpioConfig;
import org.openbwc.config.InputConfig;
import org.openbwc.hal.BinaryInput;
import org.openbwc.hal.Button;
import org.openbwc.hal.Haptics;
import org.openbwc.hal.Led;

/**
 * The GPIO and PWM peripherals of one unit, created in a given Pi4J context from the unit's GPIO config.
 * The board and the laptop emulator both build them here, so they share one code path and differ only in
 * the providers of the context. Each I/O is registered in the context under the id constants below, which is
 * how the emulator finds the mock lines to drive.
 */
public record Pi4jPeripherals(
        Button recordButton,
        Button functionButton,
        Button sosButton,
        BinaryInput trigger,
        BinaryInput dock,
        Led greenLed,
        Led redLed,
        Led amberLed,
        Haptics haptics) {
    public static final String RECORD = "record";
    public static final String FUNCTION = "function";
    public static final String SOS = "sos";
    public static final List<String> BUTTONS = List.of(RECORD, FUNCTION, SOS);
    public static final String TRIGGER = "trigger";
    public static final String DOCK = "dock";
    public static final String HAPTIC = Pi4jHaptics.IO_ID;
    public static final List<String> LEDS = List.of("green", "red", "amber");

    /** Pi4J id of the LED output named green, red or amber. */
    public static String ledId(String ledName) {
        return "led-" + ledName;
    }

    /**
     * Creates every I/O in {@code ctx}; inputs disabled in the config become inputs that are never active.
     * {@code softwarePwm} tells whether the context's PWM provider can dim LEDs on plain GPIO pins.
     */
    public static Pi4jPeripherals create(String unitId, Context ctx, GpioConfig gpio, boolean softwarePwm) {
        return new Pi4jPeripherals(
                Pi4jButton.create(unitId, ctx, RECORD, gpio.recordButton()),
                Pi4jButton.create(unitId, ctx, FUNCTION, gpio.functionButton()),
                Pi4jButton.create(unitId, ctx, SOS, gpio.sosButton()),
                input(unitId, ctx, TRIGGER, gpio.trigger()),
                input(unitId, ctx, DOCK, gpio.dockSense()),
                Pi4jLed.create(unitId, ctx, "green", ledId("green"), gpio.greenLed(), softwarePwm),
                Pi4jLed.create(unitId, ctx, "red", ledId("red"), gpio.redLed(), softwarePwm),
                Pi4jLed.create(unitId, ctx, "amber", ledId("amber"), gpio.amberLed(), softwarePwm),
                Pi4jHaptics.create(unitId, ctx, gpio.haptic()));
    }

    private static BinaryInput input(String unitId, Context ctx, String name, InputConfig config) {
        return config.enabled() ? Pi4jBinaryInput.create(unitId, ctx, name, config) : new AbsentInput(name);
    }
}
