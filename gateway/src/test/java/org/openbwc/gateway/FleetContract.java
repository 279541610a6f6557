package org.openbwc.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import javax.net.ssl.SSLContext;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openbwc.config.GatewayConfig;
import org.openbwc.config.MqttConfig;
import org.openbwc.gateway.auth.TestOperators;
import org.openbwc.gateway.identity.TestEnrolment;
import org.openbwc.gateway.web.ApiClient;
import org.openbwc.gateway.web.CommandRoutes;
import org.openbwc.pki.IdentityRole;
import org.openbwc.protocol.EventType;
import org.openbwc.protocol.Topics;
import org.openbwc.protocol.UnitState;
import org.openbwc.protocol.UnitStatus;
import org.openbwc.protocol.WireCodec;
import org.openbwc.testsupport.TcpProxy;
import org.openbwc.testsupport.TestIdentities;
import org.tinylog.Logger;

/**
 * What the gateway promises the monitoring room, checked end to end: a real broker, the real gateway, units simulated
 * by plain Paho v5 clients, and the HTTP API read with java.net.http. Subclasses say which broker.
 */
abstract class FleetContract {

    static final int COMMAND_TIMEOUT_MS = 1000;
    static final int MAX_PAYLOAD_BYTES = 4096;
    static final int UNIT_KEEPALIVE_SECONDS = 2;
    static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dataDir;

    /** Unique per test: external brokers keep retained messages and sessions between runs. */
    final String suffix = Integer.toHexString(ThreadLocalRandom.current().nextInt(0x100000, 0x1000000));

    final WireCodec codec = new WireCodec();
    final List<AutoCloseable> cleanup = new ArrayList<>();
    final Set<String> unitIds = new LinkedHashSet<>();
    GatewayConfig config;
    Gateway gateway;
    ApiClient api;

    /** URL of the broker under test. */
    abstract String brokerUrl();

    /**
     * The agency CA of a TLS broker, whose certificates the gateway and the units present; null for a plain broker
     * (an external lab broker on tcp://).
     */
    TestIdentities identities() {
        return null;
    }

    /**
     * The client context of {@code id} for the broker under test, or null for a plain broker. A unit is enrolled at
     * the gateway under test first, the way a unit enrols (token, its own key, a certificate request), since the
     * gateway follows only enrolled units; its certificate is the one enrolment issued.
     */
    SSLContext tls(String id, IdentityRole role) {
        TestIdentities ids = identities();
        if (role == IdentityRole.UNIT && gateway != null) return enrol(id);
        return ids == null ? null : ids.client(id, role);
    }

    SSLContext enrol(String id) {
        return enrolAt(gateway, id);
    }

    /** Enrols {@code id} at {@code g}; its TLS context, or null for a plain broker. */
    SSLContext enrolAt(Gateway g, String id) {
        SSLContext tls = TestEnrolment.enrol(
                g.enrolment(),
                id,
                dataDir.resolve("unit-keys").resolve(g.gatewayId()).resolve(id));
        return identities() == null ? null : tls;
    }

    /**
     * Whether the broker enforces docs/security.md's topic rules (then a unit cannot even publish to a topic that is
     * not its own, and the gateway cannot see what such a publish would do).
     */
    boolean enforcesTopicRules() {
        return identities() != null;
    }

    @BeforeEach
    void startGateway() {
        String gatewayId = "gw-" + suffix;
        GatewayConfig base = GatewayConfig.defaults(gatewayId)
                .withMqtt(MqttConfig.defaults().withUrl(brokerUrl()))
                .withDataDir(dataDir.toString());
        config = new GatewayConfig(
                gatewayId,
                base.mqtt(),
                base.broker(),
                base.http(),
                COMMAND_TIMEOUT_MS,
                MAX_PAYLOAD_BYTES,
                base.dataDir(),
                base.auth(),
                base.map(),
                base.live(),
                base.pki(),
                base.alerts(),
                base.database(),
                base.evidence(),
                base.retention(),
                base.encryption(),
                base.officers(),
                base.dispatch());
        TestOperators.write(config.usersFile());
        if (identities() != null) identities().installCa(config.pkiDir());
        gateway = startGateway(config);
    }

    static ApiClient signIn(Gateway g) {
        try {
            return ApiClient.signedIn(g.httpUrl(), TestOperators.SUPERVISOR);
        } catch (Exception e) {
            throw new IllegalStateException("cannot sign in to " + g.httpUrl(), e);
        }
    }

    Gateway startGateway(GatewayConfig c) {
        // A short session expiry keeps an external broker from collecting sessions of test gateways.
        Gateway g = Gateway.start(c, 0, Duration.ofSeconds(60));
        assertThat(g.brokerConnected()).as("connected to %s", brokerUrl()).isTrue();
        api = signIn(g);
        return g;
    }

    @AfterEach
    void stopEverything() throws Exception {
        for (AutoCloseable c : cleanup.reversed()) c.close();
        if (gateway != null) gateway.close();
        // Clear what the units left retained (Wills included), so the next run on an external broker starts clean. A
        // TLS broker is the test's own and ends with it.
        if (identities() == null) {
            MqttClient janitor = new MqttClient(brokerUrl(), "janitor-" + suffix, new MemoryPersistence());
            janitor.connect(new MqttConnectionOptions());
            for (String id : unitIds) {
                for (String topic : List.of(Topics.status(id), Topics.location(id), Topics.stream(id))) {
                    janitor.publish(topic, new byte[0], 1, true);
                }
            }
            janitor.disconnect();
            janitor.close();
        }
        afterBrokerUse();
    }

    /** Called last after each test, when nothing uses the broker any more. */
    void afterBrokerUse() {}

    FakeUnit unit(String name) throws MqttException {
        return unit(name, brokerUrl());
    }

    FakeUnit unit(String name, String url) throws MqttException {
        String id = "u-" + suffix + "-" + name;
        unitIds.add(id);
        FakeUnit u = new FakeUnit(url, id, UNIT_KEEPALIVE_SECONDS, tls(id, IdentityRole.UNIT));
        cleanup.add(u);
        return u;
    }

    TcpProxy proxy() throws Exception {
        TcpProxy p = new TcpProxy(brokerUrl());
        cleanup.add(p);
        return p;
    }

    JsonNode unitJson(String id) throws Exception {
        ApiClient.Reply r = api.get("/api/units/" + id);
        assertThat(r.status()).as("GET /api/units/%s: %s", id, r.body()).isEqualTo(200);
        return r.json();
    }

    void awaitUnit(String id, UnitState state, boolean online) {
        await().atMost(WAIT).untilAsserted(() -> {
            ApiClient.Reply r = api.get("/api/units/" + id);
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            assertThat(r.json().get("state").asText()).isEqualTo(state.name());
            assertThat(r.json().get("online").asBoolean()).isEqualTo(online);
        });
    }

    Map<String, Long> dropped() throws Exception {
        JsonNode counts = api.get("/api/health").json().get("droppedMessages");
        Map<String, Long> out = new HashMap<>();
        counts.properties().forEach(e -> out.put(e.getKey(), e.getValue().asLong()));
        return out;
    }

    @Test
    void unitsThatPublishAppearInTheApiSortedById() throws Exception {
        FakeUnit b = unit("b");
        b.status(UnitState.RECORDING, 55);
        FakeUnit a = unit("a");
        a.status(UnitState.BUFFERING, 81);
        a.location(48.137, 11.575);

        await().atMost(WAIT).untilAsserted(() -> {
            JsonNode units = api.get("/api/units").json();
            List<String> ids = new ArrayList<>();
            units.forEach(u -> ids.add(u.get("id").asText()));
            assertThat(ids).isSorted().contains(a.id, b.id);
            assertThat(ids.indexOf(a.id)).isLessThan(ids.indexOf(b.id));
            assertThat(unitJson(a.id).get("location").isNull()).isFalse();
        });
        JsonNode ua = unitJson(a.id);
        assertThat(ua.get("state").asText()).isEqualTo("BUFFERING");
        assertThat(ua.get("online").asBoolean()).isTrue();
        assertThat(ua.get("battery").get("percent").asInt()).isEqualTo(81);
        assertThat(ua.get("location").get("lat").asDouble()).isEqualTo(48.137);
        assertThat(ua.get("officerId").asText()).isEqualTo("officer-" + a.id);
        assertThat(Instant.parse(ua.get("lastSeen").asText()))
                .isAfter(Instant.now().minusSeconds(60));
        JsonNode ub = unitJson(b.id);
        assertThat(ub.get("state").asText()).isEqualTo("RECORDING");
        assertThat(ub.get("recordingId").asText()).isEqualTo("rec-1");

        ApiClient.Reply unknown = api.get("/api/units/u-" + suffix + "-nobody");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.json().get("error").asText()).contains("not known");
        assertThat(unknown.json().get("unit").asText()).isEqualTo("u-" + suffix + "-nobody");
    }

    @Test
    void aUnitWhoseConnectionDiesIsMarkedOfflineByItsWill() throws Exception {
        TcpProxy silentProxy = proxy();
        TcpProxy resetProxy = proxy();
        FakeUnit outOfCoverage = unit("silent", silentProxy.url());
        FakeUnit crashed = unit("crashed", resetProxy.url());
        outOfCoverage.status(UnitState.BUFFERING, 60);
        crashed.status(UnitState.RECORDING, 60);
        awaitUnit(outOfCoverage.id, UnitState.BUFFERING, true);
        awaitUnit(crashed.id, UnitState.RECORDING, true);

        long start = System.nanoTime();
        silentProxy.freeze();
        resetProxy.reset();
        awaitUnit(crashed.id, UnitState.OFFLINE, false);
        Logger.info("Torn connection: unit offline after {} ms", (System.nanoTime() - start) / 1_000_000);
        // The broker notices silence after 1.5 x keepalive (3 s here). HiveMQ takes that; Mosquitto 2.0 checks
        // keepalives coarsely and took 6-9 s in our runs; the rest of the bound is slack for noisy machines.
        await().atMost(Duration.ofMillis(UNIT_KEEPALIVE_SECONDS * 1500L).plus(Duration.ofSeconds(12)))
                .untilAsserted(() -> {
                    JsonNode u = unitJson(outOfCoverage.id);
                    assertThat(u.get("state").asText()).isEqualTo("OFFLINE");
                    assertThat(u.get("online").asBoolean()).isFalse();
                });
        Logger.info(
                "Silent connection (keepalive {} s): unit offline after {} ms",
                UNIT_KEEPALIVE_SECONDS,
                (System.nanoTime() - start) / 1_000_000);
        assertThat(api.get("/api/health").json().get("units").get("offline").asInt())
                .isGreaterThanOrEqualTo(2);
    }

    @Test
    void aRestartedGatewaySeesTheFleetAtOnceAndGetsTheEventsItMissed() throws Exception {
        FakeUnit recording = unit("rec");
        recording.status(UnitState.RECORDING, 70);
        recording.location(52.52, 13.405);
        FakeUnit asleep = unit("sleep");
        asleep.status(UnitState.SLEEP, 100);
        TcpProxy proxy = proxy();
        FakeUnit gone = unit("gone", proxy.url());
        gone.status(UnitState.BUFFERING, 10);
        awaitUnit(gone.id, UnitState.BUFFERING, true);
        proxy.reset();
        awaitUnit(gone.id, UnitState.OFFLINE, false);
        awaitUnit(recording.id, UnitState.RECORDING, true);
        awaitUnit(asleep.id, UnitState.SLEEP, true);

        gateway.close();
        gateway = null;
        // Raised while the gateway is down: the broker queues it in the gateway's session.
        recording.event(EventType.SOS_RAISED);

        long start = System.nanoTime();
        gateway = startGateway(config);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            assertThat(unitJson(recording.id).get("state").asText()).isEqualTo("RECORDING");
            assertThat(unitJson(recording.id).get("location").get("lon").asDouble())
                    .isEqualTo(13.405);
            assertThat(unitJson(asleep.id).get("online").asBoolean()).isTrue();
            assertThat(unitJson(gone.id).get("state").asText()).isEqualTo("OFFLINE");
        });
        Logger.info(
                "Restarted gateway knew the fleet {} ms after start() began", (System.nanoTime() - start) / 1_000_000);
        await().atMost(WAIT).untilAsserted(() -> {
            JsonNode events = api.get("/api/units/" + recording.id + "/events").json();
            assertThat(events).extracting(e -> e.get("type").asText()).contains("sos.raised");
        });
    }

    @Test
    void aCommandReturnsTheUnitsReply() throws Exception {
        FakeUnit u = unit("cmd");
        u.status(UnitState.BUFFERING, 90);
        awaitUnit(u.id, UnitState.BUFFERING, true);

        ApiClient.Reply ok = api.post(
                "/api/units/" + u.id + "/commands/record.start",
                "{\"args\": {\"reason\": \"traffic stop\", \"priority\": 2}}");
        assertThat(ok.status()).as(ok.body()).isEqualTo(200);
        assertThat(ok.json().get("ok").asBoolean()).isTrue();
        assertThat(ok.json().get("unitId").asText()).isEqualTo(u.id);
        assertThat(ok.json().get("command").asText()).isEqualTo("record.start");
        assertThat(ok.json().get("reason").asText()).isEqualTo("done");
        assertThat(u.commands).hasSize(1);
        assertThat(u.commands.getFirst().args())
                .containsEntry("reason", "traffic stop")
                .containsEntry("priority", "2");
        assertThat(u.commands.getFirst().requestedBy()).isEqualTo(config.gatewayId() + "/" + TestOperators.SUPERVISOR);

        u.answer(FakeUnit.Answer.REFUSE);
        ApiClient.Reply refused =
                api.post("/api/units/" + u.id + "/commands/record.stop", "{\"reason\": \"test: the stop is over\"}");
        assertThat(refused.status()).as(refused.body()).isEqualTo(422);
        assertThat(refused.json().get("ok").asBoolean()).isFalse();
        assertThat(refused.json().get("error").asText()).contains(u.id, "record.stop", "battery too low");
        assertThat(u.commands.getLast().requestedBy()).isEqualTo(config.gatewayId() + "/" + TestOperators.SUPERVISOR);
    }

    @Test
    void aUnitThatDoesNotAnswerGivesA504NamingItAndTheTimeout() throws Exception {
        FakeUnit u = unit("mute");
        u.answer(FakeUnit.Answer.SILENT);
        u.status(UnitState.BUFFERING, 90);
        awaitUnit(u.id, UnitState.BUFFERING, true);

        ApiClient.Reply r = api.post("/api/units/" + u.id + "/commands/locate", "{}");
        assertThat(r.status()).as(r.body()).isEqualTo(504);
        assertThat(r.json().get("error").asText())
                .contains(u.id, "locate", "did not answer", COMMAND_TIMEOUT_MS + " ms");
        assertThat(r.json().get("unit").asText()).isEqualTo(u.id);
        assertThat(u.commands).hasSize(1);
        assertThat(api.get("/api/health").json().get("pendingCommands").asInt()).isZero();

        long lateBefore = dropped().get("late-reply");
        u.answerLate();
        await().atMost(WAIT)
                .untilAsserted(() -> assertThat(dropped().get("late-reply")).isEqualTo(lateBefore + 1));
    }

    @Test
    void theLinkKeepsTryingUntilTheBrokerIsReachableAndSubscribesAgainAfterEachReconnect() throws Exception {
        TcpProxy proxy = proxy();
        proxy.refuse(true);
        GatewayConfig viaProxy = config.withGatewayId(config.gatewayId() + "-p")
                .withMqtt(config.mqtt().withUrl(proxy.url()).withClientId(null))
                .withDataDir(dataDir.resolve("second-gateway").toString());
        TestOperators.write(viaProxy.usersFile());
        if (identities() != null) identities().installCa(viaProxy.pkiDir());
        Gateway cutOff = Gateway.start(viaProxy, 0, Duration.ofSeconds(60));
        cleanup.add(cutOff);
        ApiClient cutOffApi = signIn(cutOff);
        assertThat(cutOff.brokerConnected()).isFalse();
        ApiClient.Reply degraded = cutOffApi.get("/api/health");
        assertThat(degraded.status()).isEqualTo(503);
        assertThat(degraded.json().get("status").asText()).isEqualTo("degraded");

        FakeUnit u = unit("late");
        // The second gateway has its own unit directory: the unit is enrolled there too.
        enrolAt(cutOff, u.id);
        u.status(UnitState.BUFFERING, 40);
        proxy.refuse(false);
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(cutOffApi.get("/api/health").status()).isEqualTo(200);
            assertThat(cutOffApi.get("/api/units/" + u.id).status()).isEqualTo(200);
        });
        assertThat(cutOffApi.post("/api/units/" + u.id + "/commands/ping", null).status())
                .isEqualTo(200);

        // Cut off again: the room must not show the units as if it still saw them.
        proxy.refuse(true);
        proxy.reset();
        await().atMost(WAIT).untilAsserted(() -> {
            JsonNode stale = cutOffApi.get("/api/units/" + u.id).json();
            assertThat(stale.get("staleSince").isNull())
                    .as("staleSince during the outage")
                    .isFalse();
            assertThat(stale.get("lastKnown").asBoolean()).isTrue();
        });
        proxy.refuse(false);
        u.status(UnitState.RECORDING, 39);
        await().atMost(WAIT).untilAsserted(() -> {
            JsonNode health = cutOffApi.get("/api/health").json();
            assertThat(health.get("broker").get("connected").asBoolean()).isTrue();
            assertThat(health.get("broker").get("connections").asLong()).isEqualTo(2);
            JsonNode back = cutOffApi.get("/api/units/" + u.id).json();
            assertThat(back.get("state").asText()).isEqualTo("RECORDING");
            assertThat(back.get("staleSince").isNull()).isTrue();
            assertThat(back.get("lastKnown").asBoolean()).isFalse();
        });
        FakeUnit after = unit("after");
        enrolAt(cutOff, after.id);
        after.status(UnitState.SLEEP, 100);
        await().atMost(WAIT)
                .untilAsserted(
                        () -> assertThat(cutOffApi.get("/api/units/" + after.id).status())
                                .isEqualTo(200));
    }

    @Test
    void commandsThatCannotBeSentAreRefusedWithTheRightStatus() throws Exception {
        FakeUnit u = unit("refuse");
        u.status(UnitState.BUFFERING, 90);
        FakeUnit off = unit("off");
        off.publish(Topics.status(off.id), codec.encode(UnitStatus.offline(off.id, "", "fw-1", Instant.now())), true);
        awaitUnit(u.id, UnitState.BUFFERING, true);
        awaitUnit(off.id, UnitState.OFFLINE, false);

        ApiClient.Reply unknownCommand = api.post("/api/units/" + u.id + "/commands/self.destruct", null);
        assertThat(unknownCommand.status()).isEqualTo(400);
        assertThat(unknownCommand.json().get("error").asText()).contains("self.destruct", "record.start, record.stop");

        ApiClient.Reply unknownUnit = api.post("/api/units/u-" + suffix + "-ghost/commands/locate", null);
        assertThat(unknownUnit.status()).isEqualTo(404);
        assertThat(unknownUnit.json().get("unit").asText()).isEqualTo("u-" + suffix + "-ghost");

        ApiClient.Reply offline = api.post("/api/units/" + off.id + "/commands/record.start", null);
        assertThat(offline.status()).isEqualTo(409);
        assertThat(offline.json().get("error").asText()).contains(off.id, "offline", "not sent");
        assertThat(off.commands).isEmpty();

        ApiClient.Reply notJson = api.post("/api/units/" + u.id + "/commands/marker", "{\"args\": ");
        assertThat(notJson.status()).isEqualTo(400);
        assertThat(notJson.json().get("error").asText()).contains("not valid JSON");

        ApiClient.Reply notObject = api.post("/api/units/" + u.id + "/commands/marker", "{\"args\": [1, 2]}");
        assertThat(notObject.status()).isEqualTo(400);
        assertThat(notObject.json().get("error").asText()).contains("\"args\" must be a JSON object");

        ApiClient.Reply tooBig = api.post(
                "/api/units/" + u.id + "/commands/marker",
                "{\"args\": {\"label\": \"" + "x".repeat(CommandRoutes.MAX_COMMAND_BODY_BYTES) + "\"}}");
        assertThat(tooBig.status()).isEqualTo(400);
        assertThat(tooBig.json().get("error").asText())
                .contains("too big", String.valueOf(CommandRoutes.MAX_COMMAND_BODY_BYTES));
        assertThat(u.commands).isEmpty();
    }

    @Test
    void malformedMessagesAreCountedByReasonAndTheGatewayKeepsWorking() throws Exception {
        FakeUnit u = unit("noisy");
        u.status(UnitState.BUFFERING, 50);
        awaitUnit(u.id, UnitState.BUFFERING, true);
        Map<String, Long> before = dropped();

        String status = new String(
                codec.encode(new UnitStatus(
                        1,
                        u.id,
                        UnitState.SLEEP,
                        true,
                        false,
                        false,
                        "",
                        null,
                        null,
                        null,
                        null,
                        false,
                        true,
                        "",
                        99,
                        Instant.now())),
                StandardCharsets.UTF_8);
        u.publish(Topics.status(u.id), "garbage, not JSON {".getBytes(StandardCharsets.UTF_8), false);
        u.publish(
                Topics.status(u.id),
                ("{\"pad\": \"" + "x".repeat(MAX_PAYLOAD_BYTES) + "\"}").getBytes(StandardCharsets.UTF_8),
                false);
        u.publish(
                Topics.status(u.id),
                status.replace("\"version\":1", "\"version\":2").getBytes(StandardCharsets.UTF_8),
                false);
        u.publish(
                Topics.status(u.id), status.replace("\"SLEEP\"", "\"FLYING\"").getBytes(StandardCharsets.UTF_8), false);
        u.publish(Topics.event(u.id), "{\"version\":1}".getBytes(StandardCharsets.UTF_8), false);
        if (!enforcesTopicRules()) {
            // Only an open broker lets a unit publish there; a locked one refuses it (see LockedBrokerContract).
            u.publish("bwc/v1/not.a.unit/status", status.getBytes(StandardCharsets.UTF_8), false);
        }
        u.publish(Topics.status(u.id), status.replace(u.id, u.id + "-other").getBytes(StandardCharsets.UTF_8), false);

        await().atMost(WAIT).untilAsserted(() -> {
            Map<String, Long> after = dropped();
            assertThat(after.get("not-json")).isGreaterThanOrEqualTo(before.get("not-json") + 1);
            assertThat(after.get("oversized")).isGreaterThanOrEqualTo(before.get("oversized") + 1);
            assertThat(after.get("unsupported-version")).isGreaterThanOrEqualTo(before.get("unsupported-version") + 1);
            assertThat(after.get("invalid-payload")).isGreaterThanOrEqualTo(before.get("invalid-payload") + 2);
            if (!enforcesTopicRules()) {
                assertThat(after.get("unknown-topic")).isGreaterThanOrEqualTo(before.get("unknown-topic") + 1);
            }
            assertThat(after.get("unit-mismatch")).isGreaterThanOrEqualTo(before.get("unit-mismatch") + 1);
        });
        assertThat(unitJson(u.id).get("state").asText()).isEqualTo("BUFFERING");

        u.status(UnitState.RECORDING, 49);
        awaitUnit(u.id, UnitState.RECORDING, true);
        JsonNode health = api.get("/api/health").json();
        assertThat(health.get("broker").get("connected").asBoolean()).isTrue();
        assertThat(health.get("broker").get("connections").asLong()).isEqualTo(1);
    }

    @Test
    void theEventStreamSendsTheFleetThenEachChangeWithinASecond() throws Exception {
        FakeUnit u = unit("live");
        u.status(UnitState.BUFFERING, 77);
        awaitUnit(u.id, UnitState.BUFFERING, true);

        BlockingQueue<ApiClient.Sse> stream = api.events();
        List<ApiClient.Sse> seen = new ArrayList<>();
        await().atMost(WAIT).until(() -> {
            stream.drainTo(seen);
            return seen.stream()
                    .anyMatch(e -> e.name().equals("snapshot") && e.data().contains("\"id\":\"" + u.id + "\""));
        });
        assertThat(seen.getFirst().name()).isEqualTo("snapshot");

        long start = System.nanoTime();
        u.status(UnitState.RECORDING, 76);
        await().atMost(Duration.ofSeconds(1)).until(() -> {
            stream.drainTo(seen);
            return seen.stream()
                    .anyMatch(e -> e.name().equals("unit")
                            && ApiClient.parse(e.data()).get("id").asText().equals(u.id)
                            && ApiClient.parse(e.data()).get("state").asText().equals("RECORDING"));
        });
        Logger.info(
                "Status change reached the event stream {} ms after the unit published it",
                (System.nanoTime() - start) / 1_000_000);

        u.event(EventType.MARKER);
        await().atMost(WAIT).until(() -> {
            stream.drainTo(seen);
            return seen.stream()
                    .anyMatch(e -> e.name().equals("event")
                            && ApiClient.parse(e.data()).get("unitId").asText().equals(u.id)
                            && ApiClient.parse(e.data()).get("type").asText().equals("marker"));
        });
        assertThat(api.get("/api/health").json().get("eventStreamClients").asInt())
                .isEqualTo(1);
    }
}
