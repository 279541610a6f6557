package org.openbwc.device.live;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openbwc.device.live.GopDropQueue.Admission;
import org.openbwc.device.media.Fragment;

class GopDropQueueTest {
    static final Instant T0 = Instant.parse("2025-03-01T09:00:00Z");

    final GopDropQueue<byte[]> queue = new GopDropQueue<>(1_000, bytes -> bytes.length);

    static Fragment fragment(long sequence, boolean keyframe, int bytes) {
        return new Fragment(sequence, new byte[bytes], keyframe, sequence * 200_000, 200_000, T0);
    }

    /** Admits {@code f} and, when admitted, queues its bytes as the push does. */
    Admission offer(Fragment f) {
        Admission a = queue.admit(f);
        if (a == Admission.SEND) queue.add(f, f.bytes());
        return a;
    }

    List<byte[]> drain() {
        List<byte[]> out = new ArrayList<>();
        while (!queue.isEmpty()) out.add(queue.remove());
        return out;
    }

    @Test
    void fragmentsFlowInOrderAndTheirBytesAreCounted() {
        assertThat(offer(fragment(1, true, 100))).isEqualTo(Admission.SEND);
        assertThat(offer(fragment(2, false, 200))).isEqualTo(Admission.SEND);
        assertThat(queue.queuedBytes()).isEqualTo(300);
        assertThat(drain()).extracting(b -> b.length).containsExactly(100, 200);
        assertThat(queue.queuedBytes()).isZero();
        assertThat(queue.skippedFragments()).isZero();
    }

    @Test
    void aFragmentAlreadyQueuedFromThePreEventGopIsNotQueuedAgain() {
        queue.add(new byte[10]); // the init segment
        queue.add(fragment(7, true, 100), new byte[100]);
        queue.add(fragment(8, false, 100), new byte[100]);
        assertThat(offer(fragment(7, true, 100))).isEqualTo(Admission.REPEAT);
        assertThat(offer(fragment(8, false, 100))).isEqualTo(Admission.REPEAT);
        assertThat(offer(fragment(9, false, 100))).isEqualTo(Admission.SEND);
        assertThat(drain()).extracting(b -> b.length).containsExactly(10, 100, 100, 100);
        assertThat(queue.skippedFragments()).isZero();
    }

    @Test
    void whileAwaitingAKeyframeFragmentsAreSkippedAndTheStreamResumesOnOne() {
        queue.awaitKeyframe(true);
        assertThat(offer(fragment(1, false, 100))).isEqualTo(Admission.AWAIT_KEYFRAME);
        assertThat(offer(fragment(2, false, 100))).isEqualTo(Admission.AWAIT_KEYFRAME);
        assertThat(queue.isEmpty()).isTrue();
        assertThat(offer(fragment(3, true, 100))).isEqualTo(Admission.SEND);
        assertThat(offer(fragment(4, false, 100))).isEqualTo(Admission.SEND);
        assertThat(queue.skippedFragments()).isEqualTo(2);
    }

    @Test
    void aFullQueueDropsEverythingWaitingAndResumesAtTheNextKeyframe() {
        assertThat(offer(fragment(1, true, 300))).isEqualTo(Admission.SEND);
        assertThat(offer(fragment(2, false, 300))).isEqualTo(Admission.SEND);
        assertThat(offer(fragment(3, false, 300))).isEqualTo(Admission.SEND);
        // 900 waiting + 300 is over the 1000-byte bound: the whole GOP goes, this fragment with it
        assertThat(offer(fragment(4, false, 300))).isEqualTo(Admission.DROP_GOP);
        assertThat(queue.isEmpty()).isTrue();
        assertThat(queue.queuedBytes()).isZero();
        assertThat(queue.skippedFragments()).isEqualTo(4);
        // the rest of that GOP is skipped, the next one is sent from its keyframe on
        assertThat(offer(fragment(5, false, 300))).isEqualTo(Admission.AWAIT_KEYFRAME);
        assertThat(offer(fragment(6, true, 300))).isEqualTo(Admission.SEND);
        assertThat(offer(fragment(7, false, 300))).isEqualTo(Admission.SEND);
        assertThat(queue.skippedFragments()).isEqualTo(5);
        List<byte[]> sent = drain();
        assertThat(sent).hasSize(2);
    }

    @Test
    void theFragmentsWaitingNeverExceedTheBound() {
        int[] sizes = {400, 350, 90, 500, 10, 999, 1, 600, 300, 300, 300, 120};
        long sequence = 0;
        for (int round = 0; round < 5; round++) {
            for (int i = 0; i < sizes.length; i++) {
                offer(fragment(++sequence, i % 4 == 0, sizes[i]));
                assertThat(queue.queuedBytes()).isLessThanOrEqualTo(1_000);
            }
            if (round % 2 == 0 && !queue.isEmpty()) queue.remove();
        }
    }

    @Test
    void aMessageBeingSentStaysCountedUntilRemovedAndADroppedOneIsNotRemovedTwice() {
        offer(fragment(1, true, 600));
        byte[] inFlight = queue.peek();
        assertThat(queue.queuedBytes()).isEqualTo(600);
        // the send is slow: the next fragment overflows, dropping the message being sent too
        assertThat(offer(fragment(2, false, 600))).isEqualTo(Admission.DROP_GOP);
        assertThat(offer(fragment(3, true, 500))).isEqualTo(Admission.SEND);
        queue.removeIfFirst(inFlight);
        assertThat(queue.queuedBytes()).isEqualTo(500);
        queue.removeIfFirst(queue.peek());
        assertThat(queue.isEmpty()).isTrue();
        assertThat(queue.queuedBytes()).isZero();
    }

    @Test
    void aRestartedStreamNumbersItsFragmentsAfreshAndKeepsTheSkipCount() {
        queue.awaitKeyframe(true);
        offer(fragment(40, false, 100));
        offer(fragment(41, true, 100));
        queue.restart();
        assertThat(queue.isEmpty()).isTrue();
        assertThat(offer(fragment(1, true, 100))).isEqualTo(Admission.SEND);
        assertThat(queue.skippedFragments()).isEqualTo(1);
    }
}
