package org.openbwc.hal.pi4j;

import com.pi4j.context.Context;
import com.pi4j.io.gpio.digital.DigitalInput;
import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.io.gpio.digital.PullResistance;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.openbwc.hal.EdgeListener;
import org.tinylog.Logger;

/** A Pi4J digital input seen as active/inactive, with the wiring polarity applied and edges fanned out to listeners. */
final class ActiveLevelLine {
    private final String unitId;
    private final String name;
    private final DigitalInput input;
    private final boolean activeLow;
    private final List<EdgeListener> listeners = new CopyOnWriteArrayList<>();
    private boolean lastActive;

    /**
     * Creates the Pi4J input with Pi4J id {@code name}. An active-low line is wired to ground when active, so it gets a
     * pull-up; an active-high one a pull-down.
     */
    static DigitalInput open(Context ctx, String name, String label, int pin, long debounceMicros, boolean activeLow) {
        return ctx.create(DigitalInput.newConfigBuilder(ctx)
                .id(name)
                .name(label)
                .address(pin)
                .pull(activeLow ? PullResistance.PULL_UP : PullResistance.PULL_DOWN)
                .debounce(debounceMicros));
    }

    ActiveLevelLine(String unitId, String name, DigitalInput input, boolean activeLow) {
        this.unitId = unitId;
        this.name = name;
        this.input = input;
        this.activeLow = activeLow;
        this.lastActive = isActive(input.state());
        input.addListener(event -> onState(event.state()));
    }

    String name() {
        return name;
    }

    boolean isActive() {
        return isActive(input.state());
    }

    void addListener(EdgeListener listener) {
        if (listener == null) throw new IllegalArgumentException("listener for input " + name + " is null");
        listeners.add(listener);
    }

    private boolean isActive(DigitalState state) {
        // UNKNOWN (line not read yet) counts as inactive so a fresh line never reports a phantom press.
        return activeLow ? state == DigitalState.LOW : state == DigitalState.HIGH;
    }

    private void onState(DigitalState state) {
        boolean active = isActive(state);
        synchronized (this) {
            // Providers may report a level twice (e.g. after debounce); listeners want edges only.
            if (active == lastActive) return;
            lastActive = active;
        }
        Logger.trace("{}: input {} {}", unitId, name, active ? "active" : "inactive");
        for (EdgeListener listener : listeners) {
            try {
                listener.onEdge(active);
            } catch (RuntimeException e) {
                // One faulty listener must not starve the others or kill the Pi4J event thread.
                Logger.error(e, "{}: listener of input {} failed", unitId, name);
            }
        }
    }
}
