package org.openbwc.device.evidence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.openbwc.device.media.Fragment;

class PreEventBufferTest {
    private static final long BIG = 64L << 20;

    @ParameterizedTest(name = "{0} s with {1} fragments of {2} µs per GOP")
    @CsvSource({"1, 5, 200000", "3, 5, 200000", "10, 5, 200000", "5, 10, 100000", "2, 1, 500000", "7, 20, 200000"})
    void keepsAtLeastThePreEventTimeAndLessThanOneGopMoreAlwaysFromAKeyframe(int seconds, int perGop, long fragmentMicros) {
        PreEventBuffer buffer = new PreEventBuffer(seconds, BIG);
        SyntheticStream stream = new SyntheticStream(perGop, fragmentMicros, 1000);
        buffer.onInit(SyntheticStream.init("a"));
        long gopMicros = perGop * fragmentMicros;
        long streamed = 0;
        for (int i = 0; i < 400; i++) {
            Fragment f = stream.next();
            buffer.onFragment(f);
            streamed += f.durationMicros();
            PreEventSnapshot snapshot = buffer.snapshot();
            assertThat(snapshot.fragments().getFirst().keyframeStart()).isTrue();
            assertThat(snapshot.durationMicros()).isEqualTo(buffer.bufferedMicros());
            if (streamed >= seconds * 1_000_000L) {
                assertThat(snapshot.durationMicros()).isGreaterThanOrEqualTo(seconds * 1_000_000L)
                        .isLessThan(seconds * 1_000_000L + gopMicros);
            } else {
                assertThat(snapshot.durationMicros()).isEqualTo(streamed);
            }
            assertContiguous(snapshot.fragments());
        }
        assertThat(buffer.snapshot().init()).isEqualTo(SyntheticStream.init("a"));
    }

    @Test
    void fragmentsBeforeTheFirstKeyframeAreNotKept() {
        PreEventBuffer buffer = new PreEventBuffer(5, BIG);
        SyntheticStream stream = SyntheticStream.standard();
        stream.next(); // the keyframe, never seen by the buffer
        for (Fragment f : stream.next(4)) buffer.onFragment(f);
        assertThat(buffer.snapshot().fragments()).isEmpty();

        Fragment keyframe = stream.next();
        buffer.onFragment(keyframe);
        assertThat(buffer.snapshot().fragments()).containsExactly(keyframe);
    }

    @Test
    void byteCapIsHonouredByEvictingWholeGopsFromTheHead() {
        long cap = 1L << 20;
        PreEventBuffer buffer = new PreEventBuffer(60, cap);
        SyntheticStream stream = new SyntheticStream(5, 200_000, 30_000); // 150 kB per GOP, 60 s would be 9 MB
        long peak = 0;
        for (int i = 0; i < 500; i++) {
            buffer.onFragment(stream.next());
            peak = Math.max(peak, buffer.bufferedBytes());
            PreEventSnapshot snapshot = buffer.snapshot();
            assertThat(snapshot.bytes()).isEqualTo(buffer.bufferedBytes()).isLessThanOrEqualTo(cap);
            if (!snapshot.fragments().isEmpty()) assertThat(snapshot.fragments().getFirst().keyframeStart()).isTrue();
        }
        assertThat(peak).isLessThanOrEqualTo(cap).isGreaterThan(cap - 150_000);
        assertThat(buffer.evictedForMemory()).isPositive();
        assertThat(buffer.bufferedMicros()).isLessThan(60_000_000L);
    }

    @Test
    void aSingleGopOverTheCapIsDroppedAndBufferingResumesAtTheNextKeyframe() {
        PreEventBuffer buffer = new PreEventBuffer(10, 1L << 20);
        SyntheticStream huge = new SyntheticStream(5, 200_000, 300_000); // 1.5 MB per GOP
        List<Fragment> gop = huge.next(5);
        for (Fragment f : gop) {
            buffer.onFragment(f);
            assertThat(buffer.bufferedBytes()).isLessThanOrEqualTo(1L << 20);
        }
        assertThat(buffer.snapshot().fragments()).isEmpty();
        Fragment nextKeyframe = huge.next();
        buffer.onFragment(nextKeyframe);
        assertThat(buffer.snapshot().fragments()).containsExactly(nextKeyframe);
    }

    @Test
    void zeroSecondsKeepsOnlyTheInitSoTheRecordingStartsAtTheNextKeyframe() {
        PreEventBuffer buffer = new PreEventBuffer(0, BIG);
        buffer.onInit(SyntheticStream.init("a"));
        for (Fragment f : SyntheticStream.standard().next(12)) buffer.onFragment(f);
        PreEventSnapshot snapshot = buffer.snapshot();
        assertThat(snapshot.fragments()).isEmpty();
        assertThat(snapshot.init()).isEqualTo(SyntheticStream.init("a"));
    }

    @Test
    void aDifferentInitDropsTheFragmentsOfTheOldStream() {
        PreEventBuffer buffer = new PreEventBuffer(10, BIG);
        SyntheticStream stream = SyntheticStream.standard();
        buffer.onInit(SyntheticStream.init("a"));
        for (Fragment f : stream.next(7)) buffer.onFragment(f);
        buffer.onInit(SyntheticStream.init("a"));
        assertThat(buffer.snapshot().fragments()).hasSize(7);

        buffer.onInit(SyntheticStream.init("b"));
        assertThat(buffer.snapshot().fragments()).isEmpty();
        assertThat(buffer.snapshot().init()).isEqualTo(SyntheticStream.init("b"));
    }

    @Test
    void theSameInitFollowedByARestartedSequenceDropsTheOldStream() {
        PreEventBuffer buffer = new PreEventBuffer(10, BIG);
        SyntheticStream stream = SyntheticStream.standard();
        buffer.onInit(SyntheticStream.init("a"));
        for (Fragment f : stream.next(7)) buffer.onFragment(f);
        buffer.onInit(SyntheticStream.init("a"));
        buffer.onFragment(stream.next()); // 8 continues 7: a repeated init, not a restart
        assertThat(buffer.snapshot().fragments()).hasSize(8);

        buffer.onInit(SyntheticStream.init("a"));
        Fragment restarted = SyntheticStream.standard().next(); // numbered 1 again
        buffer.onFragment(restarted);
        assertThat(buffer.snapshot().fragments()).containsExactly(restarted);
    }

    @Test
    void snapshotsTakenWhileTheMuxerFeedsAlwaysStartOnAKeyframeAndAreContiguous() throws Exception {
        PreEventBuffer buffer = new PreEventBuffer(2, BIG);
        SyntheticStream stream = new SyntheticStream(3, 10_000, 100);
        AtomicBoolean running = new AtomicBoolean(true);
        Thread muxer = new Thread(() -> {
            while (running.get()) buffer.onFragment(stream.next());
        });
        muxer.start();
        List<String> problems = new ArrayList<>();
        try {
            for (int i = 0; i < 2_000; i++) {
                List<Fragment> fragments = buffer.snapshot().fragments();
                if (!fragments.isEmpty() && !fragments.getFirst().keyframeStart()) problems.add("non-keyframe head");
                for (int k = 1; k < fragments.size(); k++) {
                    if (fragments.get(k).sequence() != fragments.get(k - 1).sequence() + 1) problems.add("hole");
                }
            }
        } finally {
            running.set(false);
            muxer.join();
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void rejectsSettingsOutOfRange() {
        assertThatThrownBy(() -> new PreEventBuffer(121, BIG)).hasMessageContaining("preEventSeconds 121 is out of range 0..120");
        assertThatThrownBy(() -> new PreEventBuffer(-1, BIG)).hasMessageContaining("-1");
        assertThatThrownBy(() -> new PreEventBuffer(5, 1000)).hasMessageContaining("maxBytes 1000");
    }

    private static void assertContiguous(List<Fragment> fragments) {
        for (int i = 1; i < fragments.size(); i++) {
            assertThat(fragments.get(i).sequence()).isEqualTo(fragments.get(i - 1).sequence() + 1);
        }
    }
}
