package org.openbwc.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openbwc.config.BrokerConfig;
import org.openbwc.config.GatewayConfig;
import org.openbwc.config.HttpConfig;
import org.openbwc.config.MapConfig;
import org.openbwc.config.MqttConfig;
import org.openbwc.device.mqtt.EventJournal;
import org.openbwc.device.mqtt.UnitLink;
import org.openbwc.gateway.Gateway;
import org.openbwc.gateway.auth.TestOperators;
import org.openbwc.gateway.identity.TestEnrolment;
import org.openbwc.protocol.CommandReply;
import org.openbwc.protocol.EventType;
import org.openbwc.protocol.Payload;
import org.openbwc.protocol.UnitEvent;
import org.openbwc.protocol.UnitState;
import org.openbwc.protocol.UnitStatus;
import org.openbwc.protocol.WireCodec;
import org.openbwc.testsupport.TcpProxy;

/**
 * Events reach the agency across a broker restarted without persistence, whichever of the unit and the gateway comes
 * back first: a real gateway and a unit's real MQTT link, each through its own proxy to a {@link TestMosquitto} that
 * the test kills and starts again on the same port.
 */
@Timeout(180)
class EventDeliveryTest {

    private static final Duration WAIT = Duration.ofSeconds(40);
    private static final String UNIT = "bwc-ack";

    private final WireCodec codec = new WireCodec();
    private final String bootId = UUID.randomUUID().toString();
    private Path dir;
    private TestMosquitto broker;
    private TcpProxy gatewayProxy;
    private TcpProxy unitProxy;
    private Gateway gateway;
    private UnitLink link;
    private long seq;

    @BeforeEach
    void startFleet() throws Exception {
        dir = TempDirs.create("bwc-events");
        broker = TestMosquitto.start(dir.resolve("mosquitto"));
        gatewayProxy = new TcpProxy(broker.url());
        unitProxy = new TcpProxy(broker.url());
        GatewayConfig config = GatewayConfig.defaults("gw-events")
                .withBroker(BrokerConfig.defaults().withEmbedded(false))
                .withMqtt(new MqttConfig(gatewayProxy.url(), null, null, null, 2, 5, 1))
                .withHttp(HttpConfig.defaults()
                        .withPort(PortCheck.freePort("127.0.0.1"))
                        .withUnitPort(PortCheck.freePort("127.0.0.1")))
                .withDataDir(dir.resolve("gateway").toString())
                .withMap(MapConfig.defaults().withTileUrl(""));
        TestOperators.write(config.usersFile());
        gateway = Gateway.start(config, Gateway.CaPolicy.CREATE_IF_MISSING);
        // The gateway takes in only enrolled units; the link itself runs over plain TCP here.
        TestEnrolment.enrol(gateway.enrolment(), UNIT, dir.resolve("unit-keys"));
        link = startLink();
        await("unit and gateway connected").atMost(WAIT).until(() -> link.isConnected() && gateway.brokerConnected());
    }

    @AfterEach
    void stopFleet() {
        if (link != null) link.kill();
        if (gateway != null) gateway.close();
        if (gatewayProxy != null) gatewayProxy.close();
        if (unitProxy != null) unitProxy.close();
        if (broker != null) broker.close();
        if (dir != null) TempDirs.delete(dir);
    }

    @Test
    void eventsSentWhileTheGatewayIsStillAwayArriveWhenItReturnsEvenAfterTheUnitRestarted() throws Exception {
        marker("before");
        awaitMarkers("before");
        await("the receipt").atMost(WAIT).until(() -> link.unacknowledgedEvents() == 0);

        broker.stop();
        gatewayProxy.cut();
        marker("one");
        marker("two");
        marker("three");
        broker.restart();
        // The unit is back first and hands its events to a broker that has no session for the gateway any more.
        await("the broker took the events")
                .atMost(WAIT)
                .until(() -> link.stats().awaitingGateway() == 3);
        assertThat(markers()).as("the gateway is still away").containsExactly("before");

        // Power cut on the unit: what the gateway has not acknowledged is in its journal.
        link.kill();
        link = startLink();
        await().atMost(WAIT).until(() -> link.isConnected());
        assertThat(link.unacknowledgedEvents()).isEqualTo(3);

        gatewayProxy.restore();
        awaitMarkers("before", "one", "two", "three");
        await("every event acknowledged").atMost(WAIT).until(() -> link.unacknowledgedEvents() == 0);
        assertThat(markers())
                .as("each once, though sent more than once")
                .containsExactly("before", "one", "two", "three");
    }

    @Test
    void eventsRaisedWhileTheUnitIsCutOffArriveOnceWhenItReturnsAfterTheGateway() throws Exception {
        broker.stop();
        unitProxy.cut();
        marker("one");
        marker("two");
        broker.restart();
        await("the gateway is back first").atMost(WAIT).until(() -> gateway.brokerConnected());
        unitProxy.restore();

        awaitMarkers("one", "two");
        await("every event acknowledged").atMost(WAIT).until(() -> link.unacknowledgedEvents() == 0);
        assertThat(link.stats().acknowledgedEvents()).isEqualTo(2);
        Thread.sleep(1500); // past a resend period: nothing goes again once acknowledged
        assertThat(markers()).containsExactly("one", "two");
    }

    private UnitLink startLink() {
        UnitLink l = new UnitLink(
                UNIT,
                new MqttConfig(unitProxy.url(), UNIT, null, null, 2, 5, 1),
                null,
                codec,
                UnitStatus.offline(UNIT, "4711", "test", Instant.now()),
                (name, request) ->
                        CommandReply.error(UNIT, name, "not in this test", UnitState.BUFFERING, Instant.now()),
                EventJournal.open(dir.resolve("unit").resolve("link"), UnitLink.QUEUE_CAPACITY),
                Duration.ofSeconds(1));
        l.start();
        return l;
    }

    private void marker(String label) {
        link.publishEvent(new UnitEvent(
                Payload.VERSION,
                UNIT,
                EventType.MARKER,
                Instant.now(),
                UnitState.RECORDING,
                "button",
                Map.of("label", label),
                ++seq,
                bootId));
    }

    private List<String> markers() {
        List<String> labels = new ArrayList<>();
        for (UnitEvent e : gateway.registry().events(UNIT)) {
            if (e.type() == EventType.MARKER) labels.add(e.details().get("label"));
        }
        return labels;
    }

    private void awaitMarkers(String... labels) {
        await("markers " + List.of(labels) + " at the gateway")
                .atMost(WAIT)
                .untilAsserted(() -> assertThat(markers()).containsExactly(labels));
    }
}
