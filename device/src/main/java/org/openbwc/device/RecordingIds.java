package org.openbwc.device;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.function.Supplier;
import org.openbwc.hal.DeviceClock;

/** Names recordings {@code <unit>-<UTC yyyyMMdd'T'HHmmss'Z'>}, with a counter if two start within one second. */
final class RecordingIds implements Supplier<String> {
    private static final DateTimeFormatter UTC =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    private final String unitId;
    private final DeviceClock clock;
    private String last = "";
    private int repeat;

    RecordingIds(String unitId, DeviceClock clock) {
        this.unitId = unitId;
        this.clock = clock;
    }

    @Override
    public String get() {
        String id = unitId + "-" + UTC.format(clock.now());
        if (id.equals(last)) return id + "-" + (++repeat);
        last = id;
        repeat = 0;
        return id;
    }
}
