package org.openbwc.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLContext;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.junit.jupiter.api.Test;
import org.openbwc.gateway.fleet.FleetRegistry;
import org.openbwc.gateway.fleet.UnitView;
import org.openbwc.gateway.web.ApiClient;
import org.openbwc.pki.IdentityRole;
import org.openbwc.protocol.Battery;
import org.openbwc.protocol.CommandRequest;
import org.openbwc.protocol.EventType;
import org.openbwc.protocol.Payload;
import org.openbwc.protocol.Storage;
import org.openbwc.protocol.Topics;
import org.openbwc.protocol.UnitEvent;
import org.openbwc.protocol.UnitState;
import org.openbwc.protocol.UnitStatus;

/**
 * The fleet contract on a broker locked down as docs/security.md says, plus what an attacker must not be able to do
 * there. The attacker holds a real unit certificate (of the unit "thief", enrolled but stolen); "victim" and
 * "bystander" are real units. Every "nothing happened" is checked after a later message that would have come after
 * it (the same broker routes one client's messages in order), so a broker that let the attack through fails the test.
 */
abstract class LockedBrokerContract extends FleetContract {

    /** Whether the broker refuses a client id that is not the certificate's CN (else it replaces it by the CN). */
    abstract boolean refusesForeignClientIds();

    /** Refusals the broker reported to the gateway, or null when it cannot report them (an external broker). */
    List<String> refusals() {
        return null;
    }

    String id(String name) {
        String id = "u-" + suffix + "-" + name;
        unitIds.add(id);
        return id;
    }

    @Test
    void aClientWithoutACertificateOrWithAForeignOneGetsNothing() {
        String id = id("anon");
        assertThatThrownBy(() -> new FakeUnit(
                        brokerUrl(), id, UNIT_KEEPALIVE_SECONDS, identities().anonymous()))
                .as("no client certificate")
                .isInstanceOf(MqttException.class);
        assertThatThrownBy(() -> new FakeUnit(
                        brokerUrl(), id, UNIT_KEEPALIVE_SECONDS, identities().foreign(id, IdentityRole.UNIT, dataDir)))
                .as("a unit certificate from another CA")
                .isInstanceOf(MqttException.class);
        assertThatThrownBy(() -> new FakeUnit(
                        brokerUrl(),
                        config.gatewayId(),
                        UNIT_KEEPALIVE_SECONDS,
                        identities().foreign(config.gatewayId(), IdentityRole.GATEWAY, dataDir)))
                .as("a gateway certificate from another CA")
                .isInstanceOf(MqttException.class);
        assertThatThrownBy(() -> new FakeUnit(brokerUrl().replace("ssl://", "tcp://"), id, UNIT_KEEPALIVE_SECONDS))
                .as("plain MQTT on the TLS port")
                .isInstanceOf(MqttException.class);
        assertThat(gateway.registry().unit(id)).isEmpty();
    }

    @Test
    void aUnitCannotConnectUnderAnotherUnitsClientId() throws Exception {
        FakeUnit victim = unit("victim");
        victim.status(UnitState.BUFFERING, 80);
        awaitUnit(victim.id, UnitState.BUFFERING, true);
        SSLContext stolen = tls(id("thief"), IdentityRole.UNIT);

        if (refusesForeignClientIds()) {
            assertThatThrownBy(() -> new FakeUnit(brokerUrl(), victim.id, UNIT_KEEPALIVE_SECONDS, stolen))
                    .isInstanceOf(MqttException.class);
        } else {
            // The broker names the client after its certificate: the impostor (if let in at all) becomes the thief.
            try (FakeUnit impostor = new FakeUnit(brokerUrl(), victim.id, UNIT_KEEPALIVE_SECONDS, stolen)) {
                assertThat(impostor.connected()).isTrue();
            } catch (MqttException refused) {
                // Refusing is as good.
            }
        }
        // A taken-over session would have dropped the victim: its next publish would fail.
        victim.status(UnitState.RECORDING, 79);
        awaitUnit(victim.id, UnitState.RECORDING, true);
        assertThat(victim.connected()).isTrue();
        if (refusals() != null) {
            assertThat(refusals()).anyMatch(r -> r.startsWith(victim.id + ":") && r.contains("differs"));
        }
        fleetStillWorks(victim);
    }

    @Test
    void aUnitCannotPublishAsAnotherUnitNorForgeARetainedSos() throws Exception {
        FakeUnit victim = unit("victim");
        victim.status(UnitState.BUFFERING, 80);
        awaitUnit(victim.id, UnitState.BUFFERING, true);
        List<UnitView> seen = watch(victim.id);
        FakeUnit thief = unit("thief");

        MqttMessage forged = new MqttMessage(codec.encode(sosStatus(victim.id)));
        forged.setQos(1);
        forged.setRetained(true);
        thief.attempt(Topics.status(victim.id), forged);
        MqttMessage sosEvent = new MqttMessage(codec.encode(new UnitEvent(
                Payload.VERSION,
                victim.id,
                EventType.SOS_RAISED,
                Instant.now(),
                UnitState.RECORDING,
                "button",
                Map.of(),
                1_000_000)));
        sosEvent.setQos(1);
        thief.attempt(Topics.event(victim.id), sosEvent);

        // What a gateway connecting now gets as the victim's retained status is still the victim's own.
        UnitStatus retained = retainedStatus(victim.id);
        assertThat(retained.sos()).isFalse();
        assertThat(retained.battery().percent()).isEqualTo(80);

        victim.status(UnitState.RECORDING, 77);
        awaitUnit(victim.id, UnitState.RECORDING, true);
        assertThat(seen).isNotEmpty().noneMatch(UnitView::sos);
        assertThat(gateway.registry().events(victim.id)).noneMatch(e -> e.type() == EventType.SOS_RAISED);
        // The thief itself may have been disconnected for trying (HiveMQ does that); the real fleet goes on.
        fleetStillWorks(victim);
    }

    @Test
    void aUnitCannotSubscribeToOtherUnitsTopicsNorToTheWholeTree() throws Exception {
        FakeUnit victim = unit("victim");
        FakeUnit bystander = unit("bystander");
        FakeUnit thief = unit("thief");
        thief.status(UnitState.BUFFERING, 60);
        awaitUnit(thief.id, UnitState.BUFFERING, true);
        for (String filter : List.of(
                Topics.commandFilter(victim.id),
                Topics.status(victim.id),
                Topics.ALL_STATUS,
                Topics.ALL_UNIT_TOPICS,
                Topics.ROOT + "/#",
                "#",
                Topics.repliesFilter(config.gatewayId()),
                Topics.REPLIES_ROOT + "/+/+")) {
            thief.trySubscribe(filter);
        }

        victim.status(UnitState.RECORDING, 70);
        bystander.status(UnitState.BUFFERING, 71);
        awaitUnit(victim.id, UnitState.RECORDING, true);
        assertThat(command(victim.id, "ping").status()).isEqualTo(200);
        // The marker: a command to the thief itself comes after everything above on its one connection.
        assertThat(command(thief.id, "ping").status()).isEqualTo(200);
        assertThat(thief.received)
                .as("everything the thief received")
                .isNotEmpty()
                .allMatch(t -> t.startsWith(Topics.ROOT + "/" + thief.id + "/cmd/"));
        fleetStillWorks(victim, bystander, thief);
    }

    @Test
    void aUnitCannotSendCommands() throws Exception {
        FakeUnit victim = unit("victim");
        victim.status(UnitState.BUFFERING, 90);
        awaitUnit(victim.id, UnitState.BUFFERING, true);
        FakeUnit thief = unit("thief");

        MqttProperties props = new MqttProperties();
        props.setResponseTopic(Topics.replies(config.gatewayId(), thief.id));
        props.setCorrelationData(new byte[] {1, 2, 3});
        MqttMessage order =
                new MqttMessage(codec.encode(CommandRequest.of("record.start", Map.of(), "thief", Instant.now())));
        order.setQos(1);
        order.setProperties(props);
        thief.attempt(Topics.command(victim.id, "record.start"), order);

        assertThat(command(victim.id, "ping").status()).isEqualTo(200);
        assertThat(victim.commands).extracting(CommandRequest::command).containsExactly("ping");
        assertThat(thief.commands).isEmpty();
        fleetStillWorks(victim);
    }

    @Test
    void aMessageOverTheSizeLimitDropsTheConnection() throws Exception {
        FakeUnit victim = unit("victim");
        victim.status(UnitState.BUFFERING, 90);
        awaitUnit(victim.id, UnitState.BUFFERING, true);
        String thiefId = id("thief");
        long oversizedBefore = dropped().get("oversized");

        try (RawMqtt raw = RawMqtt.connect(brokerUrl(), tls(thiefId, IdentityRole.UNIT), thiefId)) {
            try {
                raw.publish(Topics.status(thiefId), new byte[1024 * 1024]);
            } catch (IOException closedWhileSending) {
                // The broker may hang up before the last byte.
            }
            assertThat(raw.closedByBroker(Duration.ofSeconds(15)))
                    .as("the broker closed the connection")
                    .isTrue();
        }
        // The marker on the same topic, from the same identity, after the big one.
        FakeUnit thief = unit("thief");
        thief.status(UnitState.SLEEP, 33);
        awaitUnit(thief.id, UnitState.SLEEP, true);
        assertThat(dropped().get("oversized")).isEqualTo(oversizedBefore);
        fleetStillWorks(victim, thief);
    }

    /** The real units and the gateway are still connected, and a command still round-trips. */
    void fleetStillWorks(FakeUnit... units) throws Exception {
        assertThat(gateway.brokerConnected()).isTrue();
        for (FakeUnit u : units) {
            assertThat(u.connected()).as("%s connected", u.id).isTrue();
            u.status(UnitState.BUFFERING, 50);
        }
        ApiClient.Reply r = command(units[0].id, "ping");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().get("ok").asBoolean()).isTrue();
        assertThat(r.json().get("unitId").asText()).isEqualTo(units[0].id);
    }

    ApiClient.Reply command(String unitId, String name) throws Exception {
        return api.post("/api/units/" + unitId + "/commands/" + name, null);
    }

    /** Every view of the unit the gateway's registry publishes from now on. */
    List<UnitView> watch(String unitId) {
        List<UnitView> seen = new CopyOnWriteArrayList<>();
        gateway.registry().listen(new FleetRegistry.Listener() {
            @Override
            public void unitChanged(UnitView unit) {
                if (unit.id().equals(unitId)) seen.add(unit);
            }
        });
        return seen;
    }

    /** The retained status a gateway that subscribes now receives for the unit. */
    UnitStatus retainedStatus(String unitId) throws Exception {
        String spy = config.gatewayId() + "-spy";
        MqttClient client = new MqttClient(brokerUrl(), spy, new MemoryPersistence());
        try {
            MqttConnectionOptions o = new MqttConnectionOptions();
            o.setSocketFactory(tls(spy, IdentityRole.GATEWAY).getSocketFactory());
            client.connect(o);
            List<byte[]> got = new CopyOnWriteArrayList<>();
            client.subscribe(
                    new org.eclipse.paho.mqttv5.common.MqttSubscription[] {
                        new org.eclipse.paho.mqttv5.common.MqttSubscription(Topics.status(unitId), 1)
                    },
                    new org.eclipse.paho.mqttv5.client.IMqttMessageListener[] {(t, m) -> got.add(m.getPayload())});
            await().atMost(WAIT).until(() -> !got.isEmpty());
            return codec.decode(got.getFirst(), UnitStatus.class);
        } finally {
            if (client.isConnected()) client.disconnect();
            client.close();
        }
    }

    static UnitStatus sosStatus(String unitId) {
        return new UnitStatus(
                Payload.VERSION,
                unitId,
                UnitState.RECORDING,
                true,
                false,
                true,
                "officer-" + unitId,
                new Battery(5, false, false),
                new Storage(1_000, 2_000),
                "rec-forged",
                Instant.now(),
                false,
                true,
                "fw-1",
                Long.MAX_VALUE / 2,
                Instant.now().plusSeconds(3600));
    }
}
