package org.openbwc.device.evidence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.openbwc.device.evidence.StoragePolicy.Level;

class StoragePolicyTest {
    private static final long GB = 1L << 30;
    private final StoragePolicy policy = new StoragePolicy(10, 100L << 20);

    @Test
    void okAboveTheLowMarkLowBelowItReserveBelowTheReserve() {
        assertThat(policy.assess(50 * GB, 100 * GB)).isEqualTo(Level.OK);
        assertThat(policy.assess(10 * GB, 100 * GB)).isEqualTo(Level.OK);
        assertThat(policy.assess(10 * GB - 1, 100 * GB)).isEqualTo(Level.LOW);
        assertThat(policy.assess(100L << 20, 100 * GB)).isEqualTo(Level.LOW);
        assertThat(policy.assess((100L << 20) - 1, 100 * GB)).isEqualTo(Level.RESERVE);
        assertThat(policy.assess(0, 100 * GB)).isEqualTo(Level.RESERVE);
        assertThat(policy.mayRecord(0, 100 * GB)).isFalse();
        assertThat(policy.mayRecord(5 * GB, 100 * GB)).isTrue();
    }

    @Test
    void theReserveWinsOnASmallCard() {
        assertThat(policy.assess(90L << 20, 100L << 20)).isEqualTo(Level.RESERVE);
    }

    @Test
    void rejectsNonsense() {
        assertThatThrownBy(() -> new StoragePolicy(101, 0)).hasMessageContaining("lowPercent 101");
        assertThatThrownBy(() -> new StoragePolicy(10, -1)).hasMessageContaining("reserveBytes -1");
        assertThatThrownBy(() -> policy.assess(2, 1)).hasMessageContaining("freeBytes 2 / totalBytes 1");
    }
}
