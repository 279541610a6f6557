package org.openbwc.hal.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SystemDeviceClockTest {
    @TempDir
    Path dir;

    private SystemDeviceClock at(String instant) {
        return new SystemDeviceClock(Clock.fixed(Instant.parse(instant), ZoneOffset.UTC), dir.resolve("synchronized"));
    }

    @Test
    void setWhenTheYearIsPlausible() {
        assertThat(at("2026-05-01T10:00:00Z").isSet()).isTrue();
        assertThat(at("2025-01-01T00:00:00Z").isSet()).isTrue();
    }

    @Test
    void unsetAfterABootIntoThePastUnlessTimesyncSaysSynchronized() throws Exception {
        SystemDeviceClock clock = at("1970-01-01T00:01:00Z");
        assertThat(clock.isSet()).isFalse();
        assertThat(at("2024-12-31T23:59:59Z").isSet()).isFalse();
        Files.createFile(dir.resolve("synchronized"));
        assertThat(clock.isSet()).isTrue();
    }

    @Test
    void monotonicMillisNeverGoesBack() {
        SystemDeviceClock clock = SystemDeviceClock.create();
        long first = clock.monotonicMillis();
        assertThat(clock.monotonicMillis()).isGreaterThanOrEqualTo(first);
        assertThat(clock.now()).isAfter(Instant.parse("2020-01-01T00:00:00Z"));
    }
}
