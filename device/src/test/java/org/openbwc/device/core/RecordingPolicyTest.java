package org.openbwc.device.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RecordingPolicyTest {
    @Test
    void locateDefaultsTo15Seconds() {
        assertThat(new RecordingPolicy(1, 2, 3, 4, 5, 6, 7).locateMillis()).isEqualTo(15_000);
        assertThat(RecordingPolicy.defaults().locateMillis()).isEqualTo(15_000);
    }

    @Test
    void holdThresholdFollowsTheButton() {
        RecordingPolicy p = new RecordingPolicy(0, 500, 1_111, 5_000, 0, 3_333, 2_222);
        assertThat(p.holdMillis(ButtonName.RECORD)).isEqualTo(1_111);
        assertThat(p.holdMillis(ButtonName.FUNCTION)).isEqualTo(2_222);
        assertThat(p.holdMillis(ButtonName.SOS)).isEqualTo(3_333);
    }

    @Test
    void zeroIsAllowedOnlyForPostEventAndReminder() {
        assertThat(new RecordingPolicy(0, 1, 1, 1, 0, 1, 1, 1)).isNotNull();
    }

    @Test
    void everyProblemIsReportedAtOnceWithItsValue() {
        assertThatThrownBy(() -> new RecordingPolicy(-1, 0, 0, 0, -5, 0, 0, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("postEventMillis: -1 is out of range 0..86400000")
                .hasMessageContaining("doublePressMillis: 0")
                .hasMessageContaining("stopHoldMillis: 0")
                .hasMessageContaining("stopConfirmMillis: 0")
                .hasMessageContaining("reminderIntervalMillis: -5")
                .hasMessageContaining("sosHoldMillis: 0")
                .hasMessageContaining("stealthHoldMillis: 0")
                .hasMessageContaining("locateMillis: 0");
    }

    @Test
    void absurdlyLongDurationsAreRejected() {
        assertThatThrownBy(() -> new RecordingPolicy(Long.MAX_VALUE, 1, 1, 1, 0, 1, 1, 1))
                .hasMessageContaining("postEventMillis");
    }
}
