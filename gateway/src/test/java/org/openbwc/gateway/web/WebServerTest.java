package org.openbwc.gateway.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyMap;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openbwc.gateway.auth.TestOperators;
import org.openbwc.gateway.fleet.CommandClient;
import org.openbwc.gateway.fleet.CommandNotSentException;
import org.openbwc.gateway.fleet.CommandTimeoutException;
import org.openbwc.gateway.fleet.FleetConnection;
import org.openbwc.gateway.fleet.FleetFeed;
import org.openbwc.gateway.fleet.FleetRegistry;
import org.openbwc.gateway.fleet.UnreadableReplyException;
import org.openbwc.protocol.Battery;
import org.openbwc.protocol.CommandReply;
import org.openbwc.protocol.EventType;
import org.openbwc.protocol.Payload;
import org.openbwc.protocol.UnitEvent;
import org.openbwc.protocol.UnitState;
import org.openbwc.protocol.UnitStatus;

/** The HTTP surface on its own: a real Javalin server, a real registry fed directly, a mocked MQTT connection and command client. */
class WebServerTest {

    static final String UNIT = "u-1";

    final FleetRegistry registry = new FleetRegistry();
    final FleetFeed feed = new FleetFeed(registry);
    final FleetConnection connection = mock(FleetConnection.class);
    final CommandClient commands = mock(CommandClient.class);

    @TempDir
    Path dataDir;

    TestWeb http;
    ApiClient api;

    @BeforeEach
    void start() throws Exception {
        when(connection.connected()).thenReturn(true);
        when(connection.url()).thenReturn("tcp://127.0.0.1:1883");
        when(connection.clientId()).thenReturn("gw-1");
        http = TestWeb.start("127.0.0.1", 0, registry, connection, commands, dataDir, "gw-1");
        api = ApiClient.signedIn("http://127.0.0.1:" + http.port(), TestOperators.SUPERVISOR);
        feed.applyStatus(status(UnitState.BUFFERING, 1), false);
    }

    @AfterEach
    void stop() {
        http.close();
    }

    static UnitStatus status(UnitState state, long seq) {
        return new UnitStatus(
                Payload.VERSION,
                UNIT,
                state,
                true,
                false,
                false,
                "o-1",
                new Battery(50, false, false),
                null,
                null,
                null,
                false,
                true,
                "fw",
                seq,
                Instant.parse("2025-01-01T00:00:00Z").plusSeconds(seq));
    }

    @Test
    void servesThePagesWithoutExternalResourcesAndWithStrictHeaders() throws Exception {
        ApiClient anonymous = new ApiClient("http://127.0.0.1:" + http.port());
        for (String path : List.of("/", "/login", "/units/" + UNIT)) {
            ApiClient.Reply page = anonymous.get(path);
            assertThat(page.status()).as(path).isEqualTo(200);
            assertThat(page.contentType()).startsWith("text/html");
            assertThat(page.body())
                    .as(path)
                    .contains("<script type=\"module\" src=\"/assets/")
                    .doesNotContain("src=\"http", "href=\"http", "<script>");
        }
        ApiClient.Reply leaflet = anonymous.get("/webjars/leaflet/1.9.4/dist/leaflet.js");
        assertThat(leaflet.status()).isEqualTo(200);
        assertThat(leaflet.body()).contains("Leaflet");
        assertThat(anonymous.get("/assets/app.js").status()).isEqualTo(200);
    }

    @Test
    void unknownRoutesAndMethodsAnswerJson() throws Exception {
        ApiClient.Reply missing = api.get("/api/nothing/here");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.json().get("error").asText()).contains("/api/nothing/here");
        ApiClient.Reply wrongMethod = api.post("/api/units", "{}");
        assertThat(wrongMethod.status()).isIn(404, 405);
        assertThat(wrongMethod.json().get("error").asText()).isNotBlank();
    }

    @Test
    void anUnexpectedFailureIsA500WithoutInternals() throws Exception {
        when(commands.send(anyString(), anyString(), anyMap(), anyString(), any()))
                .thenThrow(new IllegalStateException("secret internal detail"));
        ApiClient.Reply r = api.post("/api/units/" + UNIT + "/commands/ping", null);
        assertThat(r.status()).isEqualTo(500);
        assertThat(r.json().get("error").asText()).contains("internal error");
        assertThat(r.body()).doesNotContain("secret", "at org.", "Exception");
    }

    @Test
    void linkFailuresBecomeTheMatchingStatus() throws Exception {
        when(commands.send(eq(UNIT), eq("ping"), anyMap(), anyString(), any()))
                .thenReturn(CompletableFuture.failedFuture(
                        new CommandNotSentException("not connected to the broker", null)));
        when(commands.send(eq(UNIT), eq("locate"), anyMap(), anyString(), any()))
                .thenReturn(CompletableFuture.failedFuture(new UnreadableReplyException("unit u-1 answered garbage")));
        when(commands.send(eq(UNIT), eq("marker"), anyMap(), anyString(), any()))
                .thenReturn(CompletableFuture.failedFuture(
                        new CommandTimeoutException(UNIT, "marker", Duration.ofMillis(500))));

        ApiClient.Reply notSent = api.post("/api/units/" + UNIT + "/commands/ping", null);
        assertThat(notSent.status()).isEqualTo(503);
        assertThat(notSent.json().get("error").asText()).contains("not connected");
        ApiClient.Reply garbage = api.post("/api/units/" + UNIT + "/commands/locate", null);
        assertThat(garbage.status()).isEqualTo(502);
        assertThat(garbage.json().get("error").asText()).contains("garbage");
        ApiClient.Reply timeout = api.post("/api/units/" + UNIT + "/commands/marker", "");
        assertThat(timeout.status()).isEqualTo(504);
        assertThat(timeout.json().get("error").asText()).isEqualTo("unit u-1 did not answer marker within 500 ms");
    }

    @Test
    void healthIs503WhenTheGatewayIsCutOffFromTheBroker() throws Exception {
        when(connection.connected()).thenReturn(false);
        ApiClient.Reply r = api.get("/api/health");
        assertThat(r.status()).isEqualTo(503);
        assertThat(r.json().get("status").asText()).isEqualTo("degraded");
        assertThat(r.json().get("units").get("online").asInt()).isEqualTo(1);
        assertThat(r.json().get("droppedMessages").get("oversized").asLong()).isZero();
    }

    @Test
    void aTakenHttpPortIsReportedClearly() {
        assertThatThrownBy(() -> TestWeb.start(
                        "127.0.0.1",
                        http.port(),
                        new FleetRegistry(),
                        connection,
                        commands,
                        dataDir.resolve("second"),
                        "gw-2"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("127.0.0.1:" + http.port())
                .hasMessageContaining("already in use; set http.port to another port");
    }

    @Test
    void anSosIsAcknowledgedThenResolvedWithANoteAndStaysOnTheUnitUntilThen() throws Exception {
        feed.applyStatus(sos(status(UnitState.RECORDING, 2)), false);
        feed.applyStatus(UnitStatus.offline(UNIT, "o-1", "fw", Instant.parse("2025-01-01T00:00:00Z")), false);
        JsonNode unit = api.get("/api/units/" + UNIT).json();
        assertThat(unit.path("sos").asBoolean()).as("SOS kept while offline").isTrue();
        assertThat(unit.path("online").asBoolean()).isFalse();
        assertThat(unit.path("lastKnown").asBoolean()).isTrue();
        assertThat(unit.path("lastState").asText()).isEqualTo("RECORDING");
        assertThat(unit.path("battery").path("percent").asInt()).isEqualTo(50);
        String id = null;
        for (JsonNode a : api.get("/api/alerts").json())
            if (a.path("type").asText().equals("sos")) id = a.path("id").asText();
        assertThat(id).isNotNull();

        ApiClient viewer = ApiClient.signedIn("http://127.0.0.1:" + http.port(), TestOperators.VIEWER);
        assertThat(viewer.post("/api/alerts/" + id + "/resolve", "{\"note\":\"x\"}")
                        .status())
                .isEqualTo(403);
        ApiClient.Reply ack = api.post("/api/alerts/" + id + "/ack", "{\"note\":\"calling them\"}");
        assertThat(ack.json().path("state").asText()).isEqualTo("acknowledged");
        assertThat(ack.json().path("ackNote").asText()).isEqualTo("calling them");
        assertThat(api.get("/api/units/" + UNIT).json().path("sos").asBoolean()).isTrue();

        ApiClient.Reply noNote = api.post("/api/alerts/" + id + "/resolve", "{}");
        assertThat(noNote.status()).isEqualTo(400);
        assertThat(noNote.json().path("error").asText()).contains("needs a note");
        assertThat(api.post("/api/alerts/" + id + "/resolve", "[1]").status()).isEqualTo(400);
        assertThat(api.post("/api/alerts/" + id + "/resolve", "{\"note\":\"" + "n".repeat(501) + "\"}")
                        .status())
                .isEqualTo(400);
        ApiClient.Reply resolved = api.post("/api/alerts/" + id + "/resolve", "{\"note\":\"officer safe\"}");
        assertThat(resolved.status()).isEqualTo(200);
        assertThat(resolved.json().path("state").asText()).isEqualTo("resolved");
        assertThat(resolved.json().path("resolvedBy").asText()).isEqualTo(TestOperators.SUPERVISOR);
        assertThat(resolved.json().path("resolveNote").asText()).isEqualTo("officer safe");
        assertThat(api.get("/api/units/" + UNIT).json().path("sos").asBoolean()).isFalse();
        assertThat(api.post("/api/alerts/nope/resolve", "{\"note\":\"x\"}").status())
                .isEqualTo(404);

        String audit = Files.readString(dataDir.resolve("audit.log"));
        assertThat(audit).contains("\"action\":\"alert.ack\"", "\"action\":\"alert.resolve\"", "officer safe");
    }

    @Test
    void anOpenEventStreamEndsWhenItsSessionDoes() throws Exception {
        ApiClient viewer = ApiClient.signedIn("http://127.0.0.1:" + http.port(), TestOperators.VIEWER);
        BlockingQueue<ApiClient.Sse> events = viewer.events();
        assertThat(events.poll(10, TimeUnit.SECONDS).name()).isEqualTo("snapshot");
        assertThat(viewer.post("/api/logout", null).status()).isEqualTo(204);
        ApiClient.Sse last;
        do {
            last = events.poll(10, TimeUnit.SECONDS);
        } while (last != null && !last.name().equals("signed-out"));
        assertThat(last).as("a signed-out frame within a heartbeat or two").isNotNull();
        assertThat(last.data()).contains("sign in again");
    }

    @Test
    void acknowledgingEveryInfoAlertIsForSupervisors() throws Exception {
        ApiClient viewer = ApiClient.signedIn("http://127.0.0.1:" + http.port(), TestOperators.VIEWER);
        assertThat(viewer.post("/api/alerts/ack-info", null).status()).isEqualTo(403);
        ApiClient.Reply none = api.post("/api/alerts/ack-info", null);
        assertThat(none.status()).isEqualTo(200);
        assertThat(none.json().path("acknowledged").asInt()).isZero();
    }

    static UnitStatus sos(UnitStatus s) {
        return new UnitStatus(
                s.version(),
                s.unitId(),
                s.state(),
                s.online(),
                s.stealth(),
                true,
                s.officerId(),
                s.battery(),
                s.storage(),
                s.recordingId(),
                s.recordingSince(),
                s.live(),
                s.clockSet(),
                s.firmware(),
                s.seq(),
                s.time());
    }

    @Test
    void aCommandCarriesTheSignedInOperatorAndIsAudited() throws Exception {
        when(commands.send(eq(UNIT), eq("ping"), anyMap(), eq("gw-1/" + TestOperators.SUPERVISOR), any()))
                .thenReturn(CompletableFuture.completedFuture(
                        new CommandReply(Payload.VERSION, UNIT, "ping", true, "", UnitState.BUFFERING, Instant.now())));
        ApiClient.Reply r = api.post("/api/units/" + UNIT + "/commands/ping", null, "X-Operator", "mallory");
        assertThat(r.status()).isEqualTo(200);
        String audit = Files.readString(dataDir.resolve("audit.log"));
        assertThat(audit)
                .contains("\"actor\":\"" + TestOperators.SUPERVISOR
                        + "\",\"action\":\"command\",\"target\":\"u-1\",\"outcome\":\"ok\"")
                .doesNotContain("mallory");
        assertThat(http.metrics().scrape()).contains("bwc_command_latency_seconds_count{command=\"ping\"");
    }

    @Test
    void stoppingARecordingOrGoingStealthNeedsAReasonThatGoesToTheAuditLog() throws Exception {
        for (String name : List.of("record.stop", "stealth.on")) {
            when(commands.send(eq(UNIT), eq(name), anyMap(), anyString(), any()))
                    .thenReturn(CompletableFuture.completedFuture(new CommandReply(
                            Payload.VERSION, UNIT, name, true, "", UnitState.BUFFERING, Instant.now())));
            for (String body : new String[] {null, "{}", "{\"reason\": \"   \"}", "{\"args\": {}}"}) {
                ApiClient.Reply refused = api.post("/api/units/" + UNIT + "/commands/" + name, body);
                assertThat(refused.status()).as("%s with %s", name, body).isEqualTo(400);
                assertThat(refused.json().get("error").asText())
                        .contains("a reason is required for " + name, "audit log");
            }
            ApiClient.Reply tooLong =
                    api.post("/api/units/" + UNIT + "/commands/" + name, "{\"reason\": \"" + "x".repeat(501) + "\"}");
            assertThat(tooLong.status()).isEqualTo(400);
            assertThat(tooLong.json().get("error").asText()).contains("at most 500");
            assertThat(api.post("/api/units/" + UNIT + "/commands/" + name, "{\"reason\": 42}")
                            .status())
                    .isEqualTo(400);
            ApiClient.Reply ok = api.post(
                    "/api/units/" + UNIT + "/commands/" + name, "{\"reason\": \"  officer asked: suspect gone  \"}");
            assertThat(ok.status()).as(ok.body()).isEqualTo(200);
        }
        verify(commands).send(eq(UNIT), eq("record.stop"), anyMap(), anyString(), any());
        // Other commands may carry a reason too; it is written the same way.
        when(commands.send(eq(UNIT), eq("ping"), anyMap(), anyString(), any()))
                .thenReturn(CompletableFuture.completedFuture(
                        new CommandReply(Payload.VERSION, UNIT, "ping", true, "", UnitState.BUFFERING, Instant.now())));
        assertThat(api.post("/api/units/" + UNIT + "/commands/ping", null).status())
                .isEqualTo(200);
        String audit = Files.readString(dataDir.resolve("audit.log"));
        assertThat(audit)
                .contains("\"command\":\"record.stop\",\"millis\"")
                .contains("\"outcome\":\"bad-request\",\"details\":{\"command\":\"record.stop\"")
                .contains("\"outcome\":\"ok\",\"details\":{\"command\":\"record.stop\",\"reason\":\"officer asked:"
                        + " suspect gone\"")
                .contains("\"outcome\":\"ok\",\"details\":{\"command\":\"stealth.on\",\"reason\":\"officer asked:"
                        + " suspect gone\"");
    }

    @Test
    void aStreamClientThatGoesAwayIsRemoved() throws Exception {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), http.port())) {
            s.getOutputStream()
                    .write(("GET /api/events HTTP/1.1\r\nHost: test\r\nAccept: text/event-stream\r\n"
                                    + "Authorization: Bearer " + api.token() + "\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
            String head = readUntil(s.getInputStream(), "event: snapshot");
            assertThat(head).startsWith("HTTP/1.1 200").contains("text/event-stream");
            await().atMost(Duration.ofSeconds(5)).until(() -> http.eventStreamClients() == 1);
        }
        // Heartbeats every 100 ms here: the first write after the close fails and the client is forgotten.
        await().atMost(Duration.ofSeconds(10)).until(() -> http.eventStreamClients() == 0);
    }

    @Test
    void aSlowStreamClientIsDroppedWhileOthersKeepUp() throws Exception {
        BlockingQueue<ApiClient.Sse> good = api.events();
        assertThat(good.poll(10, TimeUnit.SECONDS))
                .extracting(ApiClient.Sse::name)
                .isEqualTo("snapshot");

        try (Socket stuck = new Socket()) {
            stuck.setReceiveBufferSize(1024);
            stuck.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), http.port()));
            OutputStream out = stuck.getOutputStream();
            out.write(("GET /api/events HTTP/1.1\r\nHost: test\r\nAccept: text/event-stream\r\n"
                            + "Authorization: Bearer " + api.token() + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            await().atMost(Duration.ofSeconds(5)).until(() -> http.eventStreamClients() == 2);

            // The stuck client never reads: once the socket buffers are full its backlog grows until it is dropped.
            // The good client is kept at most 16 events behind, well inside its backlog of 64.
            String pad = "p".repeat(4000);
            int sent = 0;
            while (http.eventStreamClients() > 1) {
                assertThat(sent)
                        .as("events sent without the stuck client being dropped")
                        .isLessThan(50_000);
                feed.applyEvent(
                        new UnitEvent(
                                Payload.VERSION,
                                UNIT,
                                EventType.MARKER,
                                Instant.now(),
                                UnitState.BUFFERING,
                                "test",
                                Map.of("pad", pad),
                                sent),
                        false);
                sent++;
                if (sent > 16) takeEvent(good);
            }
            // Unit changes are coalesced, never a reason to drop: a burst of them leaves the good client on the last.
            for (int seq = 2; seq < 2_000; seq++) feed.applyStatus(status(UnitState.BUFFERING, seq), false);
            feed.applyStatus(status(UnitState.RECORDING, 2_000), false);
            List<ApiClient.Sse> seen = new ArrayList<>();
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                good.drainTo(seen);
                return seen.stream()
                        .anyMatch(e -> e.name().equals("unit") && e.data().contains("\"RECORDING\""));
            });
            assertThat(http.eventStreamClients()).isEqualTo(1);
        }
    }

    private static void takeEvent(BlockingQueue<ApiClient.Sse> q) throws InterruptedException {
        while (true) {
            ApiClient.Sse e = q.poll(10, TimeUnit.SECONDS);
            assertThat(e).as("the good client stopped receiving").isNotNull();
            if (e.name().equals("event")) return;
        }
    }

    private static String readUntil(InputStream in, String marker) throws Exception {
        StringBuilder b = new StringBuilder();
        while (!b.toString().contains(marker)) {
            int c = in.read();
            if (c < 0) break;
            b.append((char) c);
        }
        return b.toString();
    }
}
