package org.openbwc.device;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openbwc.device.core.Cause;
import org.openbwc.evidence.EndReason;

@Timeout(30)
class EvidenceRecorderTest {

    @Test
    void theSignedEndReasonSaysWhyAPolicyStoppedTheRecording() {
        assertThat(EvidenceRecorder.endReasonOf(Cause.Local.STORAGE_RESERVE)).isEqualTo(EndReason.STORAGE_RESERVE);
        assertThat(EvidenceRecorder.endReasonOf(Cause.Local.BATTERY_CRITICAL)).isEqualTo(EndReason.BATTERY_LOW);
        assertThat(EndReason.BATTERY_LOW.wireName()).isEqualTo("battery-low");
        assertThat(EvidenceRecorder.endReasonOf(Cause.Local.BUTTON)).isEqualTo(EndReason.STOPPED);
        assertThat(EvidenceRecorder.endReasonOf(new Cause.Remote("gw-1"))).isEqualTo(EndReason.STOPPED);
        assertThat(EvidenceRecorder.triggerOf(Cause.Local.BATTERY_CRITICAL)).isEqualTo("other");
        assertThat(EvidenceRecorder.endReasonOf(Cause.Local.WRITE_FAILED)).isEqualTo(EndReason.WRITE_FAILED);
    }
}
