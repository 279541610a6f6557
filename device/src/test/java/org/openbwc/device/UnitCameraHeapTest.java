package org.openbwc.device;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.openbwc.config.UnitConfig;

/** The pre-event buffer's cap against the heap ./bwc gives a unit. */
class UnitCameraHeapTest {
    static final long MIB = 1L << 20;
    final UnitConfig defaults = UnitConfig.defaults("bwc-heap");

    @Test
    void aHeapThatHoldsTheConfiguredCapKeepsIt() {
        long cap = defaults.evidence().preEventMaxMegabytes() * MIB;
        assertThat(UnitCamera.preEventCap(defaults, cap + UnitCamera.HEAP_BESIDES_PRE_EVENT)).isEqualTo(cap);
        assertThat(UnitCamera.preEventCap(defaults, 4096 * MIB)).isEqualTo(cap);
    }

    @Test
    void aSmallerHeapLowersTheCapToWhatItHolds() {
        // ./bwc device with the defaults: 30 s at 2564 kb/s (9.2 MiB), a fifth more, plus 32 MiB -> -Xmx44m
        assertThat(UnitCamera.preEventCap(defaults, 44 * MIB)).isEqualTo(12 * MIB);
        assertThat(UnitCamera.preEventCap(defaults, 44 * MIB))
                .isGreaterThan(defaults.recording().preEventSeconds() * (2500L + 64) * 1000 / 8);
    }

    @Test
    void theCapNeverDropsBelowOneMebibyte() {
        assertThat(UnitCamera.preEventCap(defaults, 8 * MIB)).isEqualTo(MIB);
    }
}
