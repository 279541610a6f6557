package org.openbwc.device;

import org.openbwc.device.core.IndicatorFrame;
import org.openbwc.hal.Hardware;

/** Sets the LEDs and the haptic motor to the indicator policy's frames, touching only what changed. */
final class IndicatorDriver {
    private final Hardware hw;
    private IndicatorFrame lastFrame = IndicatorFrame.OFF;

    IndicatorDriver(Hardware hw) {
        this.hw = hw;
    }

    void show(IndicatorFrame f) {
        if (f.equals(lastFrame)) return;
        if (f.green() != lastFrame.green()) hw.greenLed().set(f.green());
        if (f.red() != lastFrame.red()) hw.redLed().set(f.red());
        if (f.amber() != lastFrame.amber()) hw.amberLed().set(f.amber());
        if (f.haptic() != lastFrame.haptic()) hw.haptics().set(f.haptic());
        lastFrame = f;
    }

    /** All dark and still, whatever was shown (the unit shuts down). */
    void off() {
        hw.greenLed().set(false);
        hw.redLed().set(false);
        hw.amberLed().set(false);
        hw.haptics().set(false);
    }
}
