package org.openbwc.hal.pi4j;

import com.pi4j.context.Context;
import com.pi4j.io.gpio.digital.DigitalInput;
import org.openbwc.config.ButtonConfig;
import org.openbwc.hal.Button;
import org.openbwc.hal.EdgeListener;

/** A push button on a GPIO line read through Pi4J; the same class runs on the board (gpiod) and the laptop (mock). */
final class Pi4jButton implements Button {
    private final ActiveLevelLine line;

    Pi4jButton(String unitId, String name, DigitalInput input, boolean activeLow) {
        this.line = new ActiveLevelLine(unitId, name, input, activeLow);
    }

    /** Creates the Pi4J input with Pi4J id {@code name}; an active-low button is wired to ground, so it gets a pull-up. */
    static Pi4jButton create(String unitId, Context ctx, String name, ButtonConfig config) {
        DigitalInput input = ActiveLevelLine.open(
                ctx, name, name + " button", config.pin(), config.debounceMicros(), config.activeLow());
        return new Pi4jButton(unitId, name, input, config.activeLow());
    }

    @Override
    public String name() {
        return line.name();
    }

    @Override
    public boolean isPressed() {
        return line.isActive();
    }

    @Override
    public void addListener(EdgeListener listener) {
        line.addListener(listener);
    }

    @Override
    public String toString() {
        return "Pi4jButton[" + name() + "]";
    }
}
