package org.openbwc.device.offload;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openbwc.protocol.Backlog;

/** Whose turn it is to offload, what the backlog says, and how the bandwidth cap paces parts. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class OffloadOrderTest {
    static final Instant T = Instant.parse("2026-12-01T10:00:00Z");

    static OffloadCandidate c(String id, int minutes, boolean urgent, long bytes) {
        return new OffloadCandidate(id, Path.of(id), T.plusSeconds(60L * minutes), urgent, bytes);
    }

    @Test
    void sosAndFlaggedGoFirstThenTheOldest() {
        List<OffloadCandidate> list = new ArrayList<>(List.of(
                c("late", 30, false, 1), c("sos", 20, true, 1), c("early", 0, false, 1), c("flag", 10, true, 1)));
        list.sort(OffloadCandidate.TURN);
        assertThat(list).extracting(OffloadCandidate::recordingId).containsExactly("flag", "sos", "early", "late");
    }

    @Test
    void theBacklogCountsRecordingsBytesAndTheOldest() {
        Backlog b = OffloadCandidate.backlog(List.of(c("a", 5, false, 100), c("b", 1, true, 50)));
        assertThat(b).isEqualTo(new Backlog(2, 150, T.plusSeconds(60)));
        assertThat(OffloadCandidate.backlog(List.of())).isEqualTo(new Backlog(0, 0, null));
    }

    @Test
    void theCapHoldsTheAverageRateAndForgetsIdleTimeOnRestart() {
        BandwidthCap cap = new BandwidthCap(1_000_000); // 1 MB/s
        assertThat(cap.sent(500_000, 0)).isEqualTo(500_000_000L); // half a second's worth at once: wait 0.5 s
        assertThat(cap.sent(500_000, 1_000_000_000L)).isZero(); // a second later the budget covers it
        cap.restart();
        assertThat(cap.sent(1_000_000, 60_000_000_000L)).isEqualTo(1_000_000_000L);
    }
}
