package org.openbwc.hal.system;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.openbwc.hal.DeviceClock;

/**
 * The board's system clock. It counts as set when systemd-timesyncd has synchronised it (it creates
 * {@value #SYNC_FLAG}) or, failing that, when the year is at least {@value #PLAUSIBLE_YEAR}: a Pi without RTC
 * battery boots at its last saved time or 1970, never in the future, so a plausible year means an RTC or a
 * previous sync set it. The heuristic can be fooled by a stale fake-hwclock; the sync flag cannot.
 */
public final class SystemDeviceClock implements DeviceClock {
    static final String SYNC_FLAG = "/run/systemd/timesync/synchronized";
    static final int PLAUSIBLE_YEAR = 2025;

    private final Clock clock;
    private final Path syncFlag;

    SystemDeviceClock(Clock clock, Path syncFlag) {
        this.clock = clock;
        this.syncFlag = syncFlag;
    }

    public static SystemDeviceClock create() {
        return new SystemDeviceClock(Clock.systemUTC(), Path.of(SYNC_FLAG));
    }

    @Override
    public Instant now() {
        return clock.instant();
    }

    @Override
    public boolean isSet() {
        return Files.exists(syncFlag) || now().atOffset(ZoneOffset.UTC).getYear() >= PLAUSIBLE_YEAR;
    }

    @Override
    public long monotonicMillis() {
        return System.nanoTime() / 1_000_000L;
    }
}
