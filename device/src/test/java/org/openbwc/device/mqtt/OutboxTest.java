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
