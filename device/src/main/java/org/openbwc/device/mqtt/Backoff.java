package org.openbwc.device.mqtt;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Delay before the next connection attempt: doubles from {@code initial} up to {@code max}, each drawn at random
 * from 75-100 % of that value, so a fleet that lost the broker at the same moment does not come back in lockstep.
 */
final class Backoff {
    private final long initialMillis;
    private final long maxMillis;
    private final RandomGenerator random;

    Backoff(Duration initial, Duration max, RandomGenerator random) {
        if (initial.isNegative() || initial.isZero())
            throw new IllegalArgumentException("initial backoff " + initial + " must be > 0");
        if (max.compareTo(initial) < 0)
            throw new IllegalArgumentException("max backoff " + max + " is below the initial " + initial);
        this.initialMillis = initial.toMillis();
        this.maxMillis = max.toMillis();
        this.random = random;
    }

    /** Delay before attempt number {@code failures + 1}, where {@code failures} counts attempts since the last success. */
    Duration delay(int failures) {
        int doublings = Math.min(Math.max(failures, 0), 30);
        long ceiling = Math.min(maxMillis, initialMillis << doublings);
        long floor = ceiling * 3 / 4;
        return Duration.ofMillis(floor + random.nextLong(ceiling - floor + 1));
    }
}
