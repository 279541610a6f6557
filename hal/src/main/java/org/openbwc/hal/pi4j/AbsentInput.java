package org.openbwc.hal.pi4j;

import org.openbwc.hal.BinaryInput;
import org.openbwc.hal.EdgeListener;

/** Stands in for an input that is disabled in the config (nothing wired): never active, never fires. */
record AbsentInput(String name) implements BinaryInput {
    @Override
    public boolean isActive() {
        return false;
    }

    @Override
    public void addListener(EdgeListener listener) {
        if (listener == null) throw new IllegalArgumentException("listener for input " + name + " is null");
    }
}
