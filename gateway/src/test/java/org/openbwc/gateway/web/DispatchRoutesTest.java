package org.openbwc.gateway.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openbwc.gateway.audit.AuditLog;
import org.openbwc.gateway.auth.TestOperators;
import org.openbwc.gateway.dispatch.CandidateRanking;
import org.openbwc.gateway.dispatch.DispatchService;
import org.openbwc.gateway.fleet.CommandClient;
import org.openbwc.gateway.fleet.FleetConnection;
import org.openbwc.gateway.fleet.FleetFeed;
import org.openbwc.gateway.fleet.FleetRegistry;
import org.openbwc.protocol.Battery;
import org.openbwc.protocol.CommandReply;
import org.openbwc.protocol.Payload;
import org.openbwc.protocol.Storage;
import org.openbwc.protocol.UnitLocation;
import org.openbwc.protocol.UnitState;
import org.openbwc.protocol.UnitStatus;
import org.openbwc.store.DatabaseConfig;
import org.openbwc.store.EvidenceDatabase;

/** The dispatch API: supervisors dispatch, viewers only see; bad bodies get a 400 that says what is wrong. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DispatchRoutesTest {
    static final String CREATE =
            "{\"lat\": 52.52, \"lon\": 13.405, \"note\": \"shop alarm\", \"priority\": \"urgent\"}";

    final FleetConnection connection = mock(FleetConnection.class);
    final CommandClient commands = mock(CommandClient.class);
    final FleetRegistry registry = new FleetRegistry();
    final List<String> sentTo = new CopyOnWriteArrayList<>();

    @TempDir
    Path dataDir;

    EvidenceDatabase database;
    AuditLog audit;
    DispatchService service;
    TestWeb http;
    String base;
    ApiClient supervisor;
    ApiClient viewer;

    @BeforeEach
    void start() throws Exception {
        when(connection.connected()).thenReturn(true);
        when(connection.url()).thenReturn("tcp://127.0.0.1:1883");
        when(connection.clientId()).thenReturn("gw-1");
        database = EvidenceDatabase.open(DatabaseConfig.embedded(dataDir.resolve("db")));
        audit = AuditLog.open(dataDir.resolve("dispatch-audit.log"), HttpJson.mapper(), Clock.systemUTC());
        service = new DispatchService(
                "gw-1",
                registry,
                new CandidateRanking(CandidateRanking.WALKING_MPS, null),
                (unit, command, args, by, timeout) -> {
                    sentTo.add(unit + ":" + command);
                    return CompletableFuture.completedFuture(
                            CommandReply.ok(unit, command, "dispatch delivered", UnitState.BUFFERING, Instant.now()));
                },
                database.dispatches(),
                audit,
                Clock.systemUTC(),
                Duration.ofSeconds(2));
        registry.listen(service);
        unit("bwc-1", 52.521, 13.405, true);
        unit("bwc-2", 52.53, 13.405, true);
        unit("bwc-3", 52.52, 13.405, false);
        http = TestWeb.start(
                WebServer.Listeners.plain("127.0.0.1", 0),
                TestOperators.authenticator(dataDir, Clock.systemUTC()),
                registry,
                connection,
                commands,
                dataDir,
                "gw-1",
                null,
                new DispatchRoutes(service, HttpJson.mapper()));
        base = "http://127.0.0.1:" + http.port();
        supervisor = ApiClient.signedIn(base, TestOperators.SUPERVISOR);
        viewer = ApiClient.signedIn(base, TestOperators.VIEWER);
    }

    void unit(String id, double lat, double lon, boolean online) {
        FleetFeed feed = new FleetFeed(registry);
        Instant now = Instant.now();
        feed.applyStatus(
                new UnitStatus(
                        Payload.VERSION,
                        id,
                        online ? UnitState.RECORDING : UnitState.OFFLINE,
                        online,
                        true,
                        false,
                        "officer-" + id,
                        new Battery(64, false, false),
                        new Storage(10, 100),
                        online ? id + "-rec" : null,
                        null,
                        false,
                        true,
                        "1.0.0",
                        1,
                        now),
                false);
        feed.applyLocation(new UnitLocation(Payload.VERSION, id, lat, lon, 4.0, null, null, null, now, 1), false);
    }

    @AfterEach
    void stop() {
        if (http != null) http.close();
        if (service != null) service.close();
        if (audit != null) audit.close();
        if (database != null) database.close();
    }

    @Test
    void aSupervisorPlacesAnIncidentSeesTheNearestUnitsAndDispatchesOne() throws Exception {
        ApiClient.Reply placed = supervisor.request("POST", "/api/dispatches", CREATE);

        assertThat(placed.status()).as(placed.body()).isEqualTo(201);
        String id = placed.json().path("id").asText();
        assertThat(placed.json().path("candidates")).hasSize(2);
        assertThat(placed.json().path("candidates").get(0).path("unitId").asText())
                .isEqualTo("bwc-1");
        assertThat(placed.json()
                        .path("candidates")
                        .get(0)
                        .path("distanceMeters")
                        .asDouble())
                .isBetween(110.0, 113.0);
        assertThat(placed.json().path("candidates").get(0).path("etaSeconds").asLong())
                .isEqualTo(Math.round(placed.json()
                                .path("candidates")
                                .get(0)
                                .path("distanceMeters")
                                .asDouble()
                        / 1.4));
        assertThat(placed.json().path("candidates").get(0).path("state").asText())
                .isEqualTo("RECORDING");
        assertThat(placed.json().path("candidates").get(0).path("stealth").asBoolean())
                .isTrue();
        assertThat(placed.json().path("candidates").get(0).path("recording").asBoolean())
                .isTrue();
        assertThat(placed.json()
                        .path("candidates")
                        .get(0)
                        .path("batteryPercent")
                        .asInt())
                .isEqualTo(64);

        ApiClient.Reply assigned =
                supervisor.request("POST", "/api/dispatches/" + id + "/assign", "{\"units\": [\"bwc-1\"]}");

        assertThat(assigned.status()).as(assigned.body()).isEqualTo(200);
        assertThat(sentTo).containsExactly("bwc-1:dispatch");
        ApiClient.Reply seen = viewer.get("/api/dispatches/" + id);
        assertThat(seen.status()).isEqualTo(200);
        assertThat(seen.json().path("units").get(0).path("sent").isTextual()).isTrue();
        assertThat(seen.json().path("units").get(0).has("delivered")).isTrue();
        assertThat(seen.json().path("units").get(0).has("acknowledged")).isTrue();
        assertThat(seen.json().path("units").get(0).has("arrived")).isTrue();
        assertThat(viewer.get("/api/units/bwc-1/dispatches").json()).hasSize(1);
        assertThat(viewer.get("/api/dispatches").json()).hasSize(1);
        assertThat(viewer.get("/api/dispatches/" + id + "/candidates?limit=1").json())
                .hasSize(1);

        ApiClient.Reply cancelled = supervisor.request("DELETE", "/api/dispatches/" + id, null);

        assertThat(cancelled.status()).isEqualTo(200);
        assertThat(cancelled.json().path("status").asText()).isEqualTo("cancelled");
        assertThat(sentTo).contains("bwc-1:dispatch.cancel");
    }

    @Test
    void viewersMayNotDispatch() throws Exception {
        String id = supervisor
                .request("POST", "/api/dispatches", CREATE)
                .json()
                .path("id")
                .asText();

        assertThat(viewer.request("POST", "/api/dispatches", CREATE).status()).isEqualTo(403);
        assertThat(viewer.request("POST", "/api/dispatches/" + id + "/assign", "{\"units\": [\"bwc-1\"]}")
                        .status())
                .isEqualTo(403);
        assertThat(viewer.request("DELETE", "/api/dispatches/" + id, null).status())
                .isEqualTo(403);
        assertThat(sentTo).isEmpty();
    }

    @Test
    void badBodiesAreRefusedWithWhatIsWrong() throws Exception {
        assertRefused("{\"lon\": 13.4, \"priority\": \"urgent\"}", 400, "\"lat\" is required");
        assertRefused("{\"lat\": \"north\", \"lon\": 13.4}", 400, "\"lat\" must be a number");
        assertRefused("{\"lat\": 91, \"lon\": 13.4}", 400, "lat 91.0 is out of range -90..90");
        assertRefused("{\"lat\": 52, \"lon\": 13.4, \"priority\": \"asap\"}", 400, "is not one of routine, urgent");
        assertRefused("{\"lat\": 52, \"lon\": 13.4, \"note\": \"" + "x".repeat(201) + "\"}", 400, "at most 200");
        assertRefused("[1, 2]", 400, "must be a JSON object");
        assertRefused("{\"lat\": 52, \"lon\": 13.4, \"limit\": 0}", 400, "\"limit\" must be a whole number");

        String id = supervisor
                .request("POST", "/api/dispatches", CREATE)
                .json()
                .path("id")
                .asText();
        ApiClient.Reply noUnits = supervisor.request("POST", "/api/dispatches/" + id + "/assign", "{\"units\": 3}");
        ApiClient.Reply offline =
                supervisor.request("POST", "/api/dispatches/" + id + "/assign", "{\"units\": [\"bwc-3\"]}");
        ApiClient.Reply unknown =
                supervisor.request("POST", "/api/dispatches/d-nope/assign", "{\"units\": [\"bwc-1\"]}");

        assertThat(noUnits.status()).isEqualTo(400);
        assertThat(noUnits.json().path("error").asText()).contains("\"units\" must be a list of unit ids");
        assertThat(offline.status()).isEqualTo(409);
        assertThat(offline.json().path("error").asText()).isEqualTo("unit bwc-3 is offline; nothing was sent");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(viewer.get("/api/dispatches/d-nope").status()).isEqualTo(404);
    }

    void assertRefused(String body, int status, String message) throws Exception {
        ApiClient.Reply r = supervisor.request("POST", "/api/dispatches", body);
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.json().path("error").asText()).contains(message);
    }
}
