package org.openbwc.device.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.openbwc.protocol.EventType;

/**
 * Turns battery, storage and clock readings into alarm crossings, with hysteresis so a reading hovering at the
 * threshold does not flood the fleet with events.
 *
 * <ul>
 *   <li>Battery low when {@code batteryPercent <= batteryLowPercent} and not charging; clears when charging or at
 *       {@code batteryLowPercent + 5} or more.</li>
 *   <li>Storage low when {@code storageFreePercent <= storageLowPercent}; clears at {@code storageLowPercent + 5} or
 *       more.</li>
 *   <li>Clock unset while {@code clockSet} is false; clears when it is set.</li>
 *   <li>Each crossing is reported once, into alarm or ({@code cleared}) out of it. A percent outside 0..100 is taken
 *       as "unknown" (a HAL that cannot read the gauge) and leaves that alarm as it was.</li>
 * </ul>
 * Not thread-safe: the runtime calls it from its telemetry loop.
 */
public final class AlarmPolicy {
    public static final int HYSTERESIS_PERCENT = 5;

    private final int batteryLowPercent;
    private final int storageLowPercent;
    private boolean batteryLow;
    private boolean storageLow;
    private boolean clockUnset;

    public AlarmPolicy(int batteryLowPercent, int storageLowPercent) {
        if (batteryLowPercent < 0 || batteryLowPercent > 100) {
            throw new IllegalArgumentException("batteryLowPercent: " + batteryLowPercent + " is out of range 0..100");
        }
        if (storageLowPercent < 0 || storageLowPercent > 100) {
            throw new IllegalArgumentException("storageLowPercent: " + storageLowPercent + " is out of range 0..100");
        }
        this.batteryLowPercent = batteryLowPercent;
        this.storageLowPercent = storageLowPercent;
    }

    /** Applies one set of readings; returns the crossings they cause (usually none). */
    public List<AlarmChange> update(
            int batteryPercent, boolean charging, int storageFreePercent, boolean clockSet, long nowMillis) {
        List<AlarmChange> changes = new ArrayList<>(0);
        boolean batteryKnown = isPercent(batteryPercent);
        Map<String, String> battery = Map.of(
                "batteryPercent", Integer.toString(batteryPercent),
                "charging", Boolean.toString(charging),
                "thresholdPercent", Integer.toString(batteryLowPercent));
        if (!batteryLow && batteryKnown && !charging && batteryPercent <= batteryLowPercent) {
            batteryLow = true;
            changes.add(new AlarmChange(EventType.BATTERY_LOW, false, battery, nowMillis));
        } else if (batteryLow
                && (charging || batteryKnown && batteryPercent >= batteryLowPercent + HYSTERESIS_PERCENT)) {
            batteryLow = false;
            changes.add(new AlarmChange(EventType.BATTERY_LOW, true, battery, nowMillis));
        }

        if (isPercent(storageFreePercent)) {
            Map<String, String> storage = Map.of(
                    "storageFreePercent", Integer.toString(storageFreePercent),
                    "thresholdPercent", Integer.toString(storageLowPercent));
            if (!storageLow && storageFreePercent <= storageLowPercent) {
                storageLow = true;
                changes.add(new AlarmChange(EventType.STORAGE_LOW, false, storage, nowMillis));
            } else if (storageLow && storageFreePercent >= storageLowPercent + HYSTERESIS_PERCENT) {
                storageLow = false;
                changes.add(new AlarmChange(EventType.STORAGE_LOW, true, storage, nowMillis));
            }
        }

        if (clockUnset == clockSet) {
            clockUnset = !clockSet;
            changes.add(new AlarmChange(EventType.CLOCK_UNSET, clockSet, Map.of(), nowMillis));
        }
        return changes;
    }

    /** The alarms active after the last update. */
    public Alarms alarms() {
        return new Alarms(batteryLow, storageLow, clockUnset);
    }

    private static boolean isPercent(int value) {
        return value >= 0 && value <= 100;
    }
}
