package org.openbwc.hal.mock;

import java.time.Instant;
import java.time.InstantSource;
import org.openbwc.hal.DeviceClock;

/** The emulator's clock: real (or test) time, with a switch to play an RTC that lost its time (the clock alarm). */
final class MockClock implements DeviceClock {
    private final InstantSource time;
    private volatile boolean set;

    MockClock(InstantSource time, boolean set) {
        this.time = time;
        this.set = set;
    }

    @Override
    public Instant now() {
        return time.instant();
    }

    @Override
    public boolean isSet() {
        return set;
    }

    void setSet(boolean set) {
        this.set = set;
    }

    @Override
    public long monotonicMillis() {
        return System.nanoTime() / 1_000_000L;
    }
}
