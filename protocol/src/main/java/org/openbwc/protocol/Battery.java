package org.openbwc.protocol;

/** Battery part of a unit status. */
public record Battery(int percent, boolean charging, boolean docked) {
    public Battery {
        if (percent < 0 || percent > 100) throw new IllegalArgumentException("battery.percent " + percent + " is out of range 0..100");
    }
}
