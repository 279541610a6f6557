package org.openbwc.device.core;

/**
 * The alarm conditions currently active, as the indicators show them.
 *
 * @param cameraFailed the camera or encoder could not start or stopped: the unit cannot record evidence
 */
public record Alarms(boolean batteryLow, boolean storageLow, boolean clockUnset, boolean cameraFailed) {
    public static final Alarms NONE = new Alarms(false, false, false, false);

    /** Alarms of a unit whose camera works. */
    public Alarms(boolean batteryLow, boolean storageLow, boolean clockUnset) {
        this(batteryLow, storageLow, clockUnset, false);
    }

    public boolean any() {
        return batteryLow || storageLow || clockUnset || cameraFailed;
    }

    /** A copy with the camera alarm set or cleared. */
    public Alarms withCameraFailed(boolean failed) {
        return new Alarms(batteryLow, storageLow, clockUnset, failed);
    }
}
