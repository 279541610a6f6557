package org.openbwc.hal;

import java.time.Instant;

/** Wall clock plus whether it is trustworthy; evidence timestamps come from here. */
public interface DeviceClock {
    Instant now();

    /** False when the RTC lost power and no time sync happened: timestamps cannot be trusted (clock alarm). */
    boolean isSet();

    /** Monotonic milliseconds for measuring durations (gestures, timeouts); unaffected by clock changes. */
    long monotonicMillis();
}
