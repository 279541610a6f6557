package org.openbwc.gateway.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Refuses sign-ins for a user name after too many recent failures, to slow down password guessing. */
final class LoginThrottle {

    static final Duration WINDOW = Duration.ofMinutes(5);
    /** Bounds memory when someone sprays random user names. */
    static final int MAX_TRACKED_NAMES = 10_000;

    private final int maxFailures;
    private final Clock clock;
    private final Map<String, Deque<Instant>> failures = new ConcurrentHashMap<>();

    LoginThrottle(int maxFailures, Clock clock) {
        this.maxFailures = maxFailures;
        this.clock = clock;
    }

    /** How long the name must wait before trying again, or empty when it may try now. */
    Optional<Duration> lockedFor(String username) {
        Deque<Instant> recent = failures.get(key(username));
        if (recent == null) return Optional.empty();
        synchronized (recent) {
            Instant now = clock.instant();
            prune(recent, now);
            if (recent.size() < maxFailures) return Optional.empty();
            return Optional.of(Duration.between(now, recent.peekFirst().plus(WINDOW)));
        }
    }

    void failed(String username) {
        if (failures.size() >= MAX_TRACKED_NAMES) failures.clear();
        Deque<Instant> recent = failures.computeIfAbsent(key(username), k -> new ArrayDeque<>());
        synchronized (recent) {
            Instant now = clock.instant();
            prune(recent, now);
            recent.addLast(now);
        }
    }

    void succeeded(String username) {
        failures.remove(key(username));
    }

    private static void prune(Deque<Instant> recent, Instant now) {
        while (!recent.isEmpty() && !recent.peekFirst().plus(WINDOW).isAfter(now)) recent.removeFirst();
    }

    private static String key(String username) {
        return username == null ? "" : username.strip().toLowerCase(Locale.ROOT);
    }
}
