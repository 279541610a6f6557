package org.openbwc.device.core;

import java.util.Map;
import java.util.Objects;
import org.openbwc.protocol.EventType;

/**
 * An alarm crossing its threshold, into alarm or (with {@code cleared}) back out of it.
 *
 * @param type BATTERY_LOW, STORAGE_LOW or CLOCK_UNSET
 * @param details the reading that caused the crossing (percent, charging, threshold)
 */
public record AlarmChange(EventType type, boolean cleared, Map<String, String> details, long atMillis) {
    public AlarmChange {
        Objects.requireNonNull(type, "type is required");
        details = details == null ? Map.of() : Map.copyOf(details);
    }
}
