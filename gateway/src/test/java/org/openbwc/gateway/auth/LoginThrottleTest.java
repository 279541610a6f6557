package org.openbwc.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openbwc.gateway.auth.Authenticator.Outcome;
import org.openbwc.testsupport.MovableClock;

/**
 * Sign-in throttling on a clock the test moves: growing delays per (account, address) and per address, a short bound
 * on the account-wide delay, and the real user never kept out by an attacker elsewhere.
 */
class LoginThrottleTest {

    static final int MAX = 5;
    static final String ATTACKER = "203.0.113.66";
    static final String DESK = "10.20.0.5";
    static final String OTHER_DESK = "10.20.0.6";

    final MovableClock clock = new MovableClock(Instant.parse("2026-11-29T10:00:00Z"));

    @TempDir
    Path dataDir;

    @Test
    void anAttackerAtOneAddressCannotLockOutTheRealUserAtAnother() {
        Authenticator auth = TestOperators.authenticator(dataDir, clock);
        String sam = TestOperators.SUPERVISOR;
        String password = TestOperators.password(sam);
        assertThat(auth.login(sam, password, DESK)).isInstanceOf(Outcome.Accepted.class);

        // The attacker hammers sam's name for ten minutes, as fast as it is let through (and never waits otherwise).
        int refused = 0;
        int throttled = 0;
        for (int i = 0; i < 1200; i++) {
            switch (auth.login(sam, "guess-" + i, ATTACKER)) {
                case Outcome.Refused r -> refused++;
                case Outcome.Throttled t -> throttled++;
                case Outcome other -> throw new AssertionError("unexpected " + other);
            }
            clock.advance(Duration.ofMillis(500));
        }
        assertThat(throttled).as("most of the attacker's tries are turned away").isGreaterThan(1000);
        assertThat(refused).as("the attacker got few guesses").isLessThan(40);

        // Right now, mid-attack (the attacker's latest guess just went through, so it must wait a full delay now):
        // sam at the usual desk is let in at once.
        int tries = 0;
        while (!(auth.login(sam, "guess-x" + tries, ATTACKER) instanceof Outcome.Refused) && tries++ < 1000) {
            clock.advance(Duration.ofMillis(500));
        }
        assertThat(auth.login(sam, "guess-x", ATTACKER)).isInstanceOf(Outcome.Throttled.class);
        assertThat(auth.login(sam, password, DESK)).isInstanceOf(Outcome.Accepted.class);

        // At a desk sam never used, the account-wide delay may hold sam briefly, never longer than its bound.
        Outcome elsewhere = auth.login(sam, password, OTHER_DESK);
        if (elsewhere instanceof Outcome.Throttled t) {
            assertThat(t.retryAfter()).isLessThanOrEqualTo(LoginThrottle.MAX_ACCOUNT_DELAY);
            clock.advance(t.retryAfter());
            elsewhere = auth.login(sam, password, OTHER_DESK);
        }
        assertThat(elsewhere).isInstanceOf(Outcome.Accepted.class);

        // The attacker is still held: the real user's sign-ins cleared nothing of its count.
        assertThat(auth.login(sam, "guess-y", ATTACKER)).isInstanceOf(Outcome.Throttled.class);
    }

    @Test
    void delaysStartAfterMaxFailuresThenDoubleUpToSixtySeconds() {
        LoginThrottle throttle = new LoginThrottle(MAX, clock);
        for (int i = 0; i < MAX - 1; i++) {
            throttle.failed("sam", ATTACKER);
            assertThat(throttle.waitFor("sam", ATTACKER))
                    .as("failure " + (i + 1))
                    .isEmpty();
        }
        long[] expected = {1, 2, 4, 8, 16, 32, 60, 60};
        for (long seconds : expected) {
            throttle.failed("sam", ATTACKER);
            Optional<Duration> wait = throttle.waitFor("sam", ATTACKER);
            assertThat(wait).hasValue(Duration.ofSeconds(seconds));
            clock.advance(wait.orElseThrow());
            assertThat(throttle.waitFor("sam", ATTACKER))
                    .as("after waiting " + seconds + " s")
                    .isEmpty();
        }
        // Five minutes without a failure: all forgotten.
        clock.advance(LoginThrottle.WINDOW);
        throttle.failed("sam", ATTACKER);
        assertThat(throttle.waitFor("sam", ATTACKER)).isEmpty();
    }

    @Test
    void oneAddressSprayingManyNamesIsThrottledAcrossAllOfThem() {
        LoginThrottle throttle = new LoginThrottle(MAX, clock);
        for (int i = 0; i < MAX; i++) throttle.failed("name-" + i, ATTACKER);
        assertThat(throttle.waitFor("a-fresh-name", ATTACKER))
                .as("a name it never tried")
                .hasValue(LoginThrottle.FIRST_DELAY);
        assertThat(throttle.waitFor("a-fresh-name", DESK))
                .as("the same name elsewhere")
                .isEmpty();
        assertThat(throttle.waitFor("name-0", DESK))
                .as("a name it tried, elsewhere")
                .isEmpty();
    }

    @Test
    void manyAddressesOnOneNameMeetOnlyTheShortAccountDelay() {
        LoginThrottle throttle = new LoginThrottle(MAX, clock);
        // One failure from each of many addresses: no address reaches its own threshold.
        for (int i = 0; i < 200; i++) throttle.failed("sam", "198.51.100." + i);
        Optional<Duration> wait = throttle.waitFor("sam", "192.0.2.1");
        assertThat(wait).isPresent();
        assertThat(wait.orElseThrow()).isLessThanOrEqualTo(LoginThrottle.MAX_ACCOUNT_DELAY);
        throttle.succeeded("sam", DESK);
        assertThat(throttle.waitFor("sam", DESK))
                .as("the address sam signed in from")
                .isEmpty();
        clock.advance(LoginThrottle.KNOWN_ADDRESS_TTL);
        for (int i = 0; i < 200; i++) throttle.failed("sam", "198.51.100." + i);
        assertThat(throttle.waitFor("sam", DESK)).as("known only for a while").isPresent();
    }

    @Test
    void memoryStaysBoundedUnderASprayOfNamesAndAddresses() {
        LoginThrottle throttle = new LoginThrottle(MAX, clock);
        for (int i = 0; i < 5 * LoginThrottle.MAX_ENTRIES; i++) throttle.failed("name-" + i, "addr-" + i);
        assertThat(throttle.entries()).isLessThanOrEqualTo(4 * LoginThrottle.MAX_ENTRIES);
    }
}
