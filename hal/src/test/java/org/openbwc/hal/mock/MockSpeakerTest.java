package org.openbwc.hal.mock;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openbwc.hal.Speaker;

@Timeout(30)
class MockSpeakerTest {
    private final FakeTime time = new FakeTime(Instant.parse("2026-12-07T10:00:00Z"));
    private final MockSpeaker speaker = new MockSpeaker(time);

    /** 20 ms of sound. */
    private static short[] chunk() {
        return new short[Speaker.SAMPLE_RATE / 50];
    }

    @Test
    void chunksPlayOneAfterAnotherFromNow() {
        long t0 = time.millis();
        assertThat(speaker.play(chunk())).isZero();
        assertThat(speaker.play(chunk())).isZero();
        assertThat(speaker.playedAfter(0))
                .extracting(MockSpeaker.Played::startMillis)
                .containsExactly(t0, t0 + 20);
        assertThat(speaker.queuedMillis()).isEqualTo(40);
        time.advance(Duration.ofSeconds(1));
        assertThat(speaker.queuedMillis()).isZero();
        speaker.play(chunk());
        assertThat(speaker.playedAfter(2)).singleElement().satisfies(p -> {
            assertThat(p.seq()).isEqualTo(3);
            assertThat(p.startMillis()).isEqualTo(t0 + 1000);
        });
    }

    @Test
    void aBacklogBeyondTheLimitIsDroppedNotDelayed() {
        int accepted = 0;
        for (int i = 0; i < 100; i++) if (speaker.play(chunk()) == 0) accepted++;
        // 500 ms of queue at 20 ms a chunk: the 26th chunk would start 520 ms late
        assertThat(accepted).isEqualTo(26);
        assertThat(speaker.droppedSamples()).isEqualTo(74L * chunk().length);
    }

    @Test
    void silenceDropsWhatHasNotSoundedYet() {
        speaker.play(chunk());
        speaker.play(chunk());
        time.advance(Duration.ofMillis(10));
        speaker.silence();
        assertThat(speaker.playedAfter(0)).hasSize(1);
        assertThat(speaker.queuedMillis()).isZero();
    }

    @Test
    void playedSoundIsKeptForABoundedTime() {
        speaker.play(chunk());
        time.advance(Duration.ofMillis(MockSpeaker.KEPT_MILLIS + 1_000));
        speaker.play(chunk());
        assertThat(speaker.playedAfter(0)).extracting(MockSpeaker.Played::seq).containsExactly(2L);
    }
}
