package org.openbwc.device.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.openbwc.device.mqtt.Outbox.Kind;
import org.openbwc.device.mqtt.Outbox.Outgoing;

class OutboxTest {

    private final Outbox outbox = new Outbox(3);

    @Test
    void snapshotsKeepOnlyTheNewestAndGoBeforeTheBacklog() {
        offer(Kind.STATUS, "status-1");
        offer(Kind.EVENT, "event-1");
        offer(Kind.STATUS, "status-2");
        offer(Kind.LOCATION, "location-1");

        assertThat(outbox.waiting()).isEqualTo(3);
        assertThat(drain(10)).containsExactly("status-2", "location-1", "event-1");
    }

    @Test
    void eventsBeyondCapacityPushOutTheOldestAndAreCounted() {
        List<Outbox.Overflow> overflows = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            Outbox.Overflow overflow = offer(Kind.EVENT, "event-" + i);
            if (overflow != null) overflows.add(overflow);
        }

        assertThat(overflows).extracting(o -> text(o.dropped())).containsExactly("event-1", "event-2");
        assertThat(overflows).extracting(Outbox.Overflow::droppedSoFar).containsExactly(1L, 2L);
        assertThat(outbox.dropped()).isEqualTo(2);
        assertThat(drain(10)).containsExactly("event-3", "event-4", "event-5");
    }

    @Test
    void takeStopsAtTheInFlightWindowUntilSomethingIsSettled() {
        for (int i = 1; i <= 3; i++) offer(Kind.EVENT, "event-" + i);

        Outgoing first = outbox.take(2);
        assertThat(outbox.take(2)).isNotNull();
        assertThat(outbox.take(2)).isNull();
        assertThat(outbox.settle(first.seq(), true)).isTrue();
        assertThat(text(outbox.take(2))).isEqualTo("event-3");
        assertThat(outbox.peakInFlight()).isEqualTo(2);
        assertThat(outbox.published()).isEqualTo(1);
    }

    @Test
    void messagesPutBackAfterALostConnectionKeepTheirOriginalOrder() {
        Outbox roomy = new Outbox(100);
        for (int i = 1; i <= 4; i++)
            roomy.offer(Kind.EVENT, "t", ("event-" + i).getBytes(StandardCharsets.UTF_8), 1, false, null);
        roomy.take(10);
        Outgoing second = roomy.take(10);
        roomy.take(10);

        roomy.putBack(second);
        roomy.putBackAllInFlight();

        List<String> order = new ArrayList<>();
        for (Outgoing o; (o = roomy.take(10)) != null; ) order.add(text(o));
        assertThat(order).containsExactly("event-1", "event-2", "event-3", "event-4");
    }

    @Test
    void aStatusPutBackDoesNotReplaceANewerOne() {
        offer(Kind.STATUS, "status-1");
        outbox.take(10);
        offer(Kind.STATUS, "status-2");

        outbox.putBackAllInFlight();

        assertThat(drain(10)).containsExactly("status-2");
    }

    @Test
    void aLateAcknowledgementSettlesAMessageThatWasPutBackAndCountsOnce() {
        offer(Kind.EVENT, "event-1");
        Outgoing sent = outbox.take(10);
        outbox.putBackAllInFlight();

        assertThat(outbox.settle(sent.seq(), true)).isTrue();
        assertThat(outbox.settle(sent.seq(), true)).isFalse();
        assertThat(outbox.isEmpty()).isTrue();
        assertThat(outbox.published()).isEqualTo(1);
    }

    @Test
    void aPublishTheBrokerRefusedCountsAsDropped() {
        offer(Kind.EVENT, "event-1");
        Outgoing sent = outbox.take(10);

        outbox.settle(sent.seq(), false);

        assertThat(outbox.dropped()).isEqualTo(1);
        assertThat(outbox.published()).isZero();
    }

    @Test
    void awaitEmptyReturnsOnceEverythingIsAcknowledged() throws Exception {
        offer(Kind.EVENT, "event-1");
        Outgoing sent = outbox.take(10);
        CompletableFuture<Boolean> emptied = CompletableFuture.supplyAsync(() -> {
            try {
                return outbox.awaitEmpty(Duration.ofSeconds(5));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });

        outbox.settle(sent.seq(), true);

        assertThat(emptied.get()).isTrue();
        assertThat(outbox.awaitEmpty(Duration.ofMillis(1))).isTrue();
    }

    @Test
    void awaitEmptyGivesUpAfterTheTimeout() throws Exception {
        offer(Kind.EVENT, "event-1");

        assertThat(outbox.awaitEmpty(Duration.ofMillis(50))).isFalse();
    }

    @Test
    void anEventTheBrokerTookWaitsForTheGatewayAndGoesAgainAfterAReconnectUntilAcknowledged() {
        long[] now = {0};
        Outbox acking = new Outbox(10, () -> now[0]);
        EventJournal.EventKey k1 = new EventJournal.EventKey("boot-1", 1);
        EventJournal.EventKey k2 = new EventJournal.EventKey("boot-1", 2);
        acking.offer(Kind.EVENT, "t", bytes("event-1"), 1, false, null, k1);
        acking.offer(Kind.EVENT, "t", bytes("event-2"), 1, false, null, k2);
        acking.offer(Kind.EVENT, "t", bytes("event-1"), 1, false, null, k1);
        assertThat(acking.waiting()).as("the same event is queued once").isEqualTo(2);

        for (Outgoing o; (o = acking.take(10)) != null; ) acking.settle(o.seq(), true);
        assertThat(acking.isEmpty()).as("nothing waits for the broker").isTrue();
        assertThat(acking.unacknowledged()).as("both wait for the gateway").isEqualTo(2);

        assertThat(acking.acknowledge(List.of(k1, new EventJournal.EventKey("boot-0", 9))))
                .isEqualTo(1);
        assertThat(acking.resend(0))
                .as("after a reconnect, what the gateway has not got goes again")
                .isEqualTo(1);
        Outgoing again = acking.take(10);
        assertThat(text(again)).isEqualTo("event-2");
        assertThat(acking.acknowledge(List.of(k2)))
                .as("acknowledged while in flight again")
                .isEqualTo(1);
        assertThat(acking.settle(again.seq(), true)).isFalse();
        assertThat(acking.unacknowledged()).isZero();
        assertThat(acking.resend(0)).isZero();
        assertThat(acking.acknowledged()).isEqualTo(2);
        assertThat(acking.resent()).isEqualTo(1);
    }

    @Test
    void onlyEventsWaitingLongerThanTheGivenTimeAreSentAgain() {
        long[] now = {0};
        Outbox acking = new Outbox(10, () -> now[0]);
        acking.offer(Kind.EVENT, "t", bytes("old"), 1, false, null, new EventJournal.EventKey("b", 1));
        acking.settle(acking.take(10).seq(), true);
        now[0] = 20;
        acking.offer(Kind.EVENT, "t", bytes("new"), 1, false, null, new EventJournal.EventKey("b", 2));
        acking.settle(acking.take(10).seq(), true);
        now[0] = 35;

        assertThat(acking.oldestUnacknowledgedNanos(now[0])).isEqualTo(35);
        assertThat(acking.resend(30)).isEqualTo(1);
        assertThat(text(acking.take(10))).isEqualTo("old");
        assertThat(acking.take(10)).isNull();
    }

    @Test
    void eventsWaitingForTheGatewayCountAgainstTheCapacityAndTheOldestGoesFirst() {
        Outbox small = new Outbox(2);
        small.offer(Kind.EVENT, "t", bytes("sent"), 1, false, null, new EventJournal.EventKey("b", 1));
        small.settle(small.take(10).seq(), true);
        small.offer(Kind.EVENT, "t", bytes("two"), 1, false, null, new EventJournal.EventKey("b", 2));
        Outbox.Overflow overflow =
                small.offer(Kind.EVENT, "t", bytes("three"), 1, false, null, new EventJournal.EventKey("b", 3));

        assertThat(text(overflow.dropped())).isEqualTo("sent");
        assertThat(small.unacknowledged()).isZero();
        assertThat(small.resend(0)).isZero();
        assertThat(small.acknowledge(List.of(new EventJournal.EventKey("b", 1))))
                .isZero();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private Outbox.Overflow offer(Kind kind, String text) {
        return outbox.offer(kind, "t", text.getBytes(StandardCharsets.UTF_8), 1, kind != Kind.EVENT, null);
    }

    private List<String> drain(int limit) {
        List<String> out = new ArrayList<>();
        for (Outgoing o; (o = outbox.take(limit)) != null; ) {
            out.add(text(o));
            outbox.settle(o.seq(), true);
        }
        return out;
    }

    private static String text(Outgoing o) {
        return new String(o.payload(), StandardCharsets.UTF_8);
    }
}
