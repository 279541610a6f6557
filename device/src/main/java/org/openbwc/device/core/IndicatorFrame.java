package org.openbwc.device.core;

/** What the LEDs and the vibration motor should do at one instant. */
public record IndicatorFrame(boolean green, boolean red, boolean amber, boolean haptic) {
    public static final IndicatorFrame OFF = new IndicatorFrame(false, false, false, false);
}
