package org.openbwc.device.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.stream.LongStream;
import org.openbwc.protocol.Topics;
import org.openbwc.protocol.UnitLocation;
import org.openbwc.protocol.UnitState;
import org.openbwc.protocol.UnitStatus;

/** What the gateway sees of a unit's status, location and events, through outages, floods and power loss. */
class UnitLinkDeliveryTest {

    /**
     * MQTT says a broker gives up 1.5 keepalives after the last packet. HiveMQ does (about 3.0 s for 2 s here);
     * Mosquitto 2.0.11 was measured at 2.8 keepalives for a silent client (5.6 s for 2 s, 11.2 s for 4 s), so the
     * deadline allows 3 keepalives plus slack for a shared machine.
     */
    private static final Duration WILL_DEADLINE = Duration.ofMillis(LinkTestBench.KEEPALIVE_SECONDS * 3000L + 4000);

    @OnEachBroker
    void statusAndLocationAreRetainedAndEventsArriveInOrderAtQos1(TestBroker broker) throws Exception {
        try (LinkTestBench bench = new LinkTestBench(broker)) {
            UnitLink link = bench.link();
            link.start();
            await().until(link::isConnected);

            UnitStatus status = bench.status(UnitState.BUFFERING, 1);
            UnitLocation location = bench.location(1);
            link.publishStatus(status);
            link.publishLocation(location);
            for (long seq = 1; seq <= 3; seq++) link.publishEvent(bench.event(seq));

            await().untilAsserted(() -> assertThat(bench.eventSeqs()).containsExactly(1L, 2L, 3L));
            assertThat(bench.probe.on(Topics.event(bench.unitId)))
                    .allSatisfy(r -> assertThat(r.qos()).isEqualTo(1));
            GatewayProbe.Received retainedStatus = bench.probe.retained(Topics.status(bench.unitId));
            assertThat(retainedStatus).isNotNull();
            assertThat(bench.decode(retainedStatus, UnitStatus.class)).isEqualTo(status);
            assertThat(retainedStatus.qos()).isEqualTo(1);
            GatewayProbe.Received retainedLocation = bench.probe.retained(Topics.location(bench.unitId));
            assertThat(retainedLocation).isNotNull();
            assertThat(bench.decode(retainedLocation, UnitLocation.class)).isEqualTo(location);
            assertThat(bench.probe.retained(Topics.event(bench.unitId)))
                    .as("events are not retained")
                    .isNull();
            await().untilAsserted(() -> assertThat(link.stats().published()).isEqualTo(5));
            assertThat(link.stats().dropped()).isZero();
        }
    }

    @OnEachBroker
    void killMakesTheBrokerPublishTheWillAndNothingIsSentAfterwards(TestBroker broker) throws Exception {
        try (LinkTestBench bench = new LinkTestBench(broker)) {
            UnitLink link = bench.link();
            link.start();
            await().until(link::isConnected);
            link.publishStatus(bench.status(UnitState.RECORDING, 5));
            await().until(() -> lastSeq(bench.liveStatuses()) == 5);

            link.kill();

            await().atMost(WILL_DEADLINE).until(() -> last(bench.liveStatuses()).state() == UnitState.OFFLINE);
            assertThat(last(bench.liveStatuses())).isEqualTo(bench.will);
            assertThat(bench.decode(bench.probe.retained(Topics.status(bench.unitId)), UnitStatus.class))
                    .isEqualTo(bench.will);
            assertThat(link.isConnected()).isFalse();
            link.publishEvent(bench.event(99));
            link.publishStatus(bench.status(UnitState.BUFFERING, 6));
            await().during(Duration.ofMillis(500))
                    .atMost(Duration.ofSeconds(1))
                    .until(() -> bench.eventSeqs().isEmpty() && lastSeq(bench.liveStatuses()) == 0);
            assertThat(bench.proxy.openConnections()).isZero();
        }
    }

    @OnEachBroker
    void cleanCloseLeavesTheFinalOfflineStatusRetainedAndNoWill(TestBroker broker) throws Exception {
        try (LinkTestBench bench = new LinkTestBench(broker)) {
            UnitLink link = bench.link();
            link.start();
            await().until(link::isConnected);
            link.publishStatus(bench.status(UnitState.BUFFERING, 1));
            UnitStatus goodbye = bench.status(UnitState.OFFLINE, 2);

            link.publishStatus(goodbye);
            link.close();

            assertThat(link.isConnected()).isFalse();
            await().until(() -> lastSeq(bench.liveStatuses()) == 2);
            // A connection left open would bring the Will after 1.5 keepalives; one closed without DISCONNECT, at once.
            await().atMost(Duration.ofSeconds(1)).until(() -> bench.proxy.openConnections() == 0);
            await().during(Duration.ofSeconds(1))
                    .atMost(Duration.ofSeconds(2))
                    .until(() -> last(bench.liveStatuses()).equals(goodbye));
            assertThat(bench.decode(bench.probe.retained(Topics.status(bench.unitId)), UnitStatus.class))
                    .isEqualTo(goodbye);
        }
    }

    @OnEachBroker
    void stateChangesWhileOfflineAreDeliveredWhenBack(TestBroker broker) throws Exception {
        try (LinkTestBench bench = new LinkTestBench(broker)) {
            UnitLink link = bench.link();
            link.start();
            await().until(link::isConnected);
            link.publishStatus(bench.status(UnitState.BUFFERING, 1));
            await().until(() -> lastSeq(bench.liveStatuses()) == 1);

            bench.proxy.cut();
            await().until(() -> !link.isConnected());
            link.publishEvent(bench.event(1));
            link.publishStatus(bench.status(UnitState.RECORDING, 2));
            link.publishEvent(bench.event(2));
            link.publishStatus(bench.status(UnitState.POST_EVENT, 3));
            link.publishEvent(bench.event(3));
            assertThat(link.stats().queued())
                    .as("3 events and only the newest status")
                    .isEqualTo(4);
            bench.proxy.restore();

            await().untilAsserted(() -> assertThat(bench.eventSeqs()).containsExactly(1L, 2L, 3L));
            await().until(() -> lastSeq(bench.liveStatuses()) == 3);
            assertThat(bench.liveStatuses()).extracting(UnitStatus::seq).doesNotContain(2L);
            assertThat(bench.decode(bench.probe.retained(Topics.status(bench.unitId)), UnitStatus.class)
                            .seq())
                    .isEqualTo(3);
            assertThat(link.stats().reconnects()).isEqualTo(1);
        }
    }

    @OnEachBroker
    void publishesLostInADeadZoneAreSentAgainInOrder(TestBroker broker) throws Exception {
        try (LinkTestBench bench = new LinkTestBench(broker)) {
            UnitLink link = bench.link();
            link.start();
            await().until(link::isConnected);
            link.publishStatus(bench.status(UnitState.BUFFERING, 1));
            await().until(() -> lastSeq(bench.liveStatuses()) == 1);

            bench.proxy.freeze();
            // The link still believes it is connected: these leave as publishes that are never acknowledged.
            for (long seq = 1; seq <= 3; seq++) link.publishEvent(bench.event(seq));
            link.publishStatus(bench.status(UnitState.RECORDING, 2));
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> last(bench.liveStatuses()).state() == UnitState.OFFLINE);
            await().atMost(Duration.ofSeconds(10)).until(() -> !link.isConnected());
            // A reconnect attempt gets through to the proxy but its CONNECT is lost: it must give up and try again.
            await().atMost(Duration.ofSeconds(10)).until(() -> bench.proxy.swallowedHandshakes() >= 1);
            assertThat(bench.eventSeqs()).isEmpty();
            bench.proxy.restore();

            // Well before HiveMQ would drop the silent connection itself (10 s without CONNECT).
            await().atMost(Duration.ofSeconds(7))
                    .untilAsserted(() -> assertThat(bench.eventSeqs()).containsExactly(1L, 2L, 3L));
            await().until(() -> lastSeq(bench.liveStatuses()) == 2);
            assertThat(link.stats().reconnects()).isEqualTo(1);
        }
    }

    @OnEachBroker
    void aFloodOfEventsStaysWithinTheBrokersReceiveMaximumAndArrivesInOrder(TestBroker broker) throws Exception {
        try (LinkTestBench bench = new LinkTestBench(broker)) {
            UnitLink link = bench.link();
            link.start();
            await().until(link::isConnected);

            for (long seq = 1; seq <= 200; seq++) link.publishEvent(bench.event(seq));

            List<Long> expected = LongStream.rangeClosed(1, 200).boxed().toList();
            await().atMost(Duration.ofSeconds(20))
                    .untilAsserted(() -> assertThat(bench.eventSeqs()).isEqualTo(expected));
            // "published" counts acknowledged publishes; the last PUBACKs may land after the subscriber has the
            // messages.
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(link.stats().published()).isEqualTo(200));
            LinkStats stats = link.stats();
            assertThat(stats.dropped()).isZero();
            assertThat(stats.peakInFlight()).isBetween(1, stats.inFlightLimit());
            if (broker == TestBroker.EMBEDDED_HIVEMQ) {
                assertThat(stats.inFlightLimit())
                        .as("HiveMQ's receive maximum is 10")
                        .isLessThan(10);
            }
        }
    }

    @OnEachBroker
    void bootsWithNoBrokerReachableAndConnectsWhenOneAppears(TestBroker broker) throws Exception {
        try (LinkTestBench bench = new LinkTestBench(broker)) {
            bench.proxy.cut();
            UnitLink link = bench.link();
            link.publishStatus(bench.status(UnitState.BUFFERING, 1));

            long startedAt = System.nanoTime();
            link.start();
            assertThat(Duration.ofNanos(System.nanoTime() - startedAt)).isLessThan(Duration.ofMillis(500));
            link.publishEvent(bench.event(1));
            await().during(Duration.ofMillis(1500))
                    .atMost(Duration.ofSeconds(3))
                    .until(() -> !link.isConnected());
            bench.proxy.restore();

            await().atMost(Duration.ofSeconds(LinkTestBench.RECONNECT_MAX_SECONDS + 5))
                    .until(link::isConnected);
            await().untilAsserted(() -> assertThat(bench.eventSeqs()).containsExactly(1L));
            await().until(() -> lastSeq(bench.liveStatuses()) == 1);
            assertThat(link.stats().reconnects())
                    .as("the first connection is not a reconnect")
                    .isZero();
        }
    }

    private static UnitStatus last(List<UnitStatus> statuses) {
        return statuses.isEmpty() ? null : statuses.getLast();
    }

    private static long lastSeq(List<UnitStatus> statuses) {
        return statuses.isEmpty() ? -1 : statuses.getLast().seq();
    }
}
