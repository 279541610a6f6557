package org.openbwc.gateway.identity;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Limits enrolment attempts per source address: at most {@code maxAttempts} in a fixed window, so a token cannot be
 * guessed at line speed. Remembers at most {@code maxSources} addresses (the least recently seen are forgotten), so an
 * attacker with many addresses costs bounded memory; each of them is still limited on its own.
 */
public final class EnrolmentThrottle {
    public static final int DEFAULT_MAX_ATTEMPTS = 10;
    public static final Duration DEFAULT_WINDOW = Duration.ofMinutes(1);
    public static final int DEFAULT_MAX_SOURCES = 4096;

    private record Window(Instant start, int attempts) {}

    private final int maxAttempts;
    private final Duration window;
    private final Clock clock;
    private final Map<String, Window> sources;

    public EnrolmentThrottle(int maxAttempts, Duration window, int maxSources, Clock clock) {
        if (maxAttempts < 1) throw new IllegalArgumentException("maxAttempts " + maxAttempts + " must be >= 1");
        this.maxAttempts = maxAttempts;
        this.window = window;
        this.clock = clock;
        this.sources = new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Window> eldest) {
                return size() > maxSources;
            }
        };
    }

    public static EnrolmentThrottle defaults(Clock clock) {
        return new EnrolmentThrottle(DEFAULT_MAX_ATTEMPTS, DEFAULT_WINDOW, DEFAULT_MAX_SOURCES, clock);
    }

    /** Counts an attempt from {@code source}; false when it is over the limit (the attempt is not to be served). */
    public synchronized boolean allow(String source) {
        Instant now = clock.instant();
        Window w = sources.get(source);
        if (w == null || !now.isBefore(w.start().plus(window))) w = new Window(now, 0);
        if (w.attempts() >= maxAttempts) {
            sources.put(source, w);
            return false;
        }
        sources.put(source, new Window(w.start(), w.attempts() + 1));
        return true;
    }

    /** How long {@code source} has to wait, for a Retry-After header. */
    public synchronized Duration retryAfter(String source) {
        Window w = sources.get(source);
        if (w == null) return Duration.ZERO;
        Duration left = Duration.between(clock.instant(), w.start().plus(window));
        return left.isNegative() ? Duration.ZERO : left;
    }
}
