package org.openbwc.gateway.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openbwc.protocol.EventAck;
import org.openbwc.protocol.EventType;
import org.openbwc.protocol.Topics;
import org.openbwc.protocol.UnitEvent;
import org.openbwc.protocol.UnitState;
import org.openbwc.protocol.WireCodec;

@Timeout(60)
class EventReceiptsTest {

    private final WireCodec codec = new WireCodec();
    private final List<String> topics = new ArrayList<>();
    private final List<EventAck> sent = new ArrayList<>();
    private final List<Runnable> unsettled = new ArrayList<>();
    private boolean linkUp = true;
    // A timer that refuses every task, so nothing flushes on its own: the test calls flush().
    private final ScheduledExecutorService timer = stopped();
    private final EventReceipts receipts = new EventReceipts(codec, this::send, timer);

    private static ScheduledExecutorService stopped() {
        ScheduledExecutorService t = Executors.newSingleThreadScheduledExecutor();
        t.shutdownNow();
        return t;
    }

    private synchronized boolean send(String topic, byte[] payload, Runnable settled) {
        if (!linkUp) return false;
        try {
            topics.add(topic);
            sent.add(codec.decode(payload, EventAck.class));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        unsettled.add(settled);
        return true;
    }

    @Test
    void aCopyOfAnEventIsNotAppliedTwiceButEveryCopyIsAcknowledged() {
        UnitEvent e1 = event("bwc-001", "boot-a", 1);
        assertThat(receipts.isFirst(e1)).isTrue();
        receipts.acknowledge(e1);
        assertThat(receipts.isFirst(e1))
                .as("sent again by a unit that missed the receipt")
                .isFalse();
        receipts.acknowledge(e1);
        UnitEvent other = event("bwc-001", "boot-b", 1);
        assertThat(receipts.isFirst(other))
                .as("the same number in another run is another event")
                .isTrue();
        receipts.acknowledge(other);

        flushSettling();

        assertThat(topics).containsOnly(Topics.eventAck("bwc-001"));
        assertThat(sent)
                .extracting(EventAck::bootId, EventAck::seqs)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("boot-a", List.of(1L)),
                        org.assertj.core.groups.Tuple.tuple("boot-b", List.of(1L)));
        assertThat(receipts.duplicates()).isEqualTo(1);
        assertThat(receipts.acknowledged())
                .as("copies waiting together share one receipt")
                .isEqualTo(2);
    }

    @Test
    void eventsOfOlderUnitsWithoutABootIdAreAppliedAndNeverAcknowledged() {
        UnitEvent old = new UnitEvent(
                1, "bwc-001", EventType.MARKER, Instant.EPOCH, UnitState.RECORDING, "button", Map.of(), 5);
        assertThat(receipts.isFirst(old)).isTrue();
        receipts.acknowledge(old);
        assertThat(receipts.isFirst(old)).isTrue();
        receipts.flush();
        assertThat(sent).isEmpty();
    }

    @Test
    void receiptsThatCannotGoOutWaitAndGoLaterAndTheWindowIsKept() {
        linkUp = false;
        for (int i = 1; i <= 3; i++) {
            UnitEvent e = event("u" + i, "b", 1);
            receipts.isFirst(e);
            receipts.acknowledge(e);
        }
        receipts.flush();
        assertThat(sent).isEmpty();
        assertThat(receipts.pending()).isEqualTo(3);

        linkUp = true;
        for (int i = 4; i <= 8; i++) receipts.acknowledge(event("u" + i, "b", 1));
        receipts.flush();
        assertThat(sent).as("at most %d in flight", EventReceipts.MAX_IN_FLIGHT).hasSize(EventReceipts.MAX_IN_FLIGHT);
        flushSettling();
        assertThat(sent).hasSize(8);
        assertThat(receipts.pending()).isZero();
    }

    @Test
    void aLongBacklogIsSplitIntoAcknowledgementsOfAtMostTheLimit() {
        for (int i = 1; i <= EventAck.MAX_SEQS + 5; i++) receipts.acknowledge(event("bwc-001", "b", i));
        flushSettling();
        assertThat(sent).extracting(a -> a.seqs().size()).containsExactly(EventAck.MAX_SEQS, 5);
    }

    @Test
    void theWindowOfSeenNumbersStaysSmallAndNeverForgetsWhatItHolds() {
        EventReceipts.SeqWindow w = new EventReceipts.SeqWindow();
        for (long s = 500; s <= 2000; s++) assertThat(w.add(s)).isTrue();
        assertThat(w.ranges())
                .as("a gateway that started mid-run sees one range")
                .isEqualTo(1);
        assertThat(w.add(499)).as("an older event re-sent later").isTrue();
        assertThat(w.add(1000)).isFalse();
        assertThat(w.ranges()).isEqualTo(1);
        for (long s = 3000; s < 3000 + 2 * (EventReceipts.MAX_RANGES + 10); s += 2) w.add(s);
        assertThat(w.ranges()).isLessThanOrEqualTo(EventReceipts.MAX_RANGES);
        assertThat(w.contains(2000)).isTrue();
        assertThat(w.contains(3000 + 2 * (EventReceipts.MAX_RANGES + 9))).isTrue();
    }

    /** Flushes, settling what went out, until nothing waits. */
    private void flushSettling() {
        for (int round = 0; round < 100 && (receipts.pending() > 0 || !unsettled.isEmpty()); round++) {
            receipts.flush();
            List<Runnable> settle = new ArrayList<>(unsettled);
            unsettled.clear();
            settle.forEach(Runnable::run);
        }
        receipts.flush();
    }

    private static UnitEvent event(String unit, String boot, long seq) {
        return new UnitEvent(
                1,
                unit,
                EventType.MARKER,
                Instant.EPOCH,
                UnitState.RECORDING,
                "button",
                Map.of("label", "x"),
                seq,
                boot);
    }
}
