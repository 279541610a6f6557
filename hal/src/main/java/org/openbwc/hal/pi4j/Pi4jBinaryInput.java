package org.openbwc.hal.pi4j;

import com.pi4j.context.Context;
import com.pi4j.io.gpio.digital.DigitalInput;
import org.openbwc.config.InputConfig;
import org.openbwc.hal.BinaryInput;
import org.openbwc.hal.EdgeListener;

/** A two-state sensor line (external trigger, dock sense) read through Pi4J. */
final class Pi4jBinaryInput implements BinaryInput {
    private final ActiveLevelLine line;

    Pi4jBinaryInput(String unitId, String name, DigitalInput input, boolean activeLow) {
        this.line = new ActiveLevelLine(unitId, name, input, activeLow);
    }

    /** Creates the Pi4J input with Pi4J id {@code name}; callers handle {@code enabled == false} themselves. */
    static Pi4jBinaryInput create(String unitId, Context ctx, String name, InputConfig config) {
        DigitalInput input = ActiveLevelLine.open(
                ctx, name, name + " input", config.pin(), config.debounceMicros(), config.activeLow());
        return new Pi4jBinaryInput(unitId, name, input, config.activeLow());
    }

    @Override
    public String name() {
        return line.name();
    }

    @Override
    public boolean isActive() {
        return line.isActive();
    }

    @Override
    public void addListener(EdgeListener listener) {
        line.addListener(listener);
    }

    @Override
    public String toString() {
        return "Pi4jBinaryInput[" + name() + "]";
    }
}
