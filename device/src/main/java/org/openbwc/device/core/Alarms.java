package org.openbwc.device.core;

/** The alarm conditions currently active, as the indicators show them. */
public record Alarms(boolean batteryLow, boolean storageLow, boolean clockUnset) {
    public static final Alarms NONE = new Alarms(false, false, false);

    public boolean any() { return batteryLow || storageLow || clockUnset; }
}
