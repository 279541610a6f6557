package org.openbwc.device.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BackoffTest {

    private final Backoff backoff = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30), new Random(42));

    @Test
    void startsAtAboutOneSecondAndDoublesUpToTheMaximum() {
        for (int i = 0; i < 100; i++) {
            assertThat(backoff.delay(0).toMillis()).isBetween(750L, 1000L);
            assertThat(backoff.delay(1).toMillis()).isBetween(1500L, 2000L);
            assertThat(backoff.delay(4).toMillis()).isBetween(12_000L, 16_000L);
            assertThat(backoff.delay(5).toMillis()).isBetween(22_500L, 30_000L);
            assertThat(backoff.delay(5000).toMillis()).isBetween(22_500L, 30_000L);
        }
    }

    @Test
    void delaysAreJitteredSoAFleetDoesNotReconnectInLockstep() {
        Set<Long> seen = new HashSet<>();
        for (int i = 0; i < 50; i++) seen.add(backoff.delay(3).toMillis());

        assertThat(seen).hasSizeGreaterThan(20);
    }
}
