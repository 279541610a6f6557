package org.openbwc.config;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Wiring of a unit's buttons, inputs, LEDs, vibration motor and battery gauge; all pins are BCM GPIO numbers. */
@CrossCheck(GpioConfig.DistinctPins.class)
public record GpioConfig(
        @Doc("Starts a recording (press), or requests a stop (hold for recording.stopHoldMillis).")
        @DefaultValue("{pin: 17}")
        ButtonConfig recordButton,

        @Doc("Marks an event (double press) or toggles stealth mode (hold for recording.stealthHoldMillis).")
        @DefaultValue("{pin: 27}")
        ButtonConfig functionButton,

        @Doc("Raises an SOS when held for recording.sosHoldMillis.") @DefaultValue("{pin: 22}")
        ButtonConfig sosButton,

        @Doc("External trigger input, e.g. a holster or light-bar switch, that starts a recording when it becomes"
                + " active.")
        @DefaultValue("{enabled: false, pin: 23}")
        InputConfig trigger,

        @Doc("Dock sense input: active while the unit sits in its charging and upload dock.")
        @DefaultValue("{enabled: true, pin: 24}")
        InputConfig dockSense,

        @Doc("Green LED: ready / charging state.") @DefaultValue("{pin: 5}")
        LedConfig greenLed,

        @Doc("Red LED: recording.") @DefaultValue("{pin: 6}")
        LedConfig redLed,

        @Doc("Amber LED: warnings such as low battery, low storage or no gateway connection.")
        @DefaultValue("{pin: 13}")
        LedConfig amberLed,

        @Doc("Vibration motor for silent feedback.") HapticConfig haptic,
        @Doc("MAX17048 battery fuel gauge on I2C.") BatteryGaugeConfig batteryGauge) {

    public GpioConfig {
        Constraints.check(
                GpioConfig.class,
                recordButton,
                functionButton,
                sosButton,
                trigger,
                dockSense,
                greenLed,
                redLed,
                amberLed,
                haptic,
                batteryGauge);
    }

    /** The reference wiring of the openbwc board. */
    public static GpioConfig defaults() {
        return (GpioConfig) RecordSpec.of(GpioConfig.class).defaults(Map.of());
    }

    /**
     * No BCM pin may serve two inputs or outputs; the clash is reported on the later key. A disabled input claims no
     * pin, and the gauge's I2C bus claims its two data pins, which cannot double as GPIO.
     */
    static final class DistinctPins implements CrossRule {

        private static final List<String> PIN_USERS = List.of(
                "recordButton",
                "functionButton",
                "sosButton",
                "trigger",
                "dockSense",
                "greenLed",
                "redLed",
                "amberLed",
                "haptic");

        @Override
        public void check(ValueLookup values, List<Violation> out) {
            Map<Integer, String> owners = new HashMap<>();
            String i2cAllowed = null;
            if (values.get("batteryGauge.i2cBus") instanceof Integer bus && (bus == 0 || bus == 1)) {
                owners.put(bus * 2, "batteryGauge");
                owners.put(bus * 2 + 1, "batteryGauge");
                i2cAllowed =
                        "a pin other than " + bus * 2 + " and " + (bus * 2 + 1) + ", which I2C bus " + bus + " needs";
            }
            for (String user : PIN_USERS) {
                if (Boolean.FALSE.equals(values.get(user + ".enabled"))) {
                    continue;
                }
                if (values.get(user + ".pin") instanceof Integer pin) {
                    String owner = owners.putIfAbsent(pin, user);
                    if (owner != null) {
                        String allowed = owner.equals("batteryGauge") ? i2cAllowed : null;
                        out.add(new Violation(
                                user + ".pin", String.valueOf(pin), "is already used by", allowed, owner));
                    }
                }
            }
        }
    }
}
