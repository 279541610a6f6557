package org.openbwc.gateway.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openbwc.gateway.auth.TestOperators;
import org.openbwc.gateway.fleet.CommandClient;
import org.openbwc.gateway.fleet.FleetConnection;
import org.openbwc.gateway.fleet.FleetFeed;
import org.openbwc.gateway.fleet.FleetRegistry;
import org.openbwc.gateway.officers.OfficerDirectory;
import org.openbwc.protocol.Battery;
import org.openbwc.protocol.CommandReply;
import org.openbwc.protocol.Payload;
import org.openbwc.protocol.Storage;
import org.openbwc.protocol.UnitState;
import org.openbwc.protocol.UnitStatus;
import org.openbwc.store.DatabaseConfig;
import org.openbwc.store.EvidenceDatabase;

/**
 * The officer API: viewers read and may not change (403), supervisors manage officers and assign them to units, bad
 * bodies are 400 with what was expected, conflicts 409; each change reaches the unit as {@code officer.assign} and the
 * audit log.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class OfficerRoutesTest {
    record Sent(String unitId, String command, Map<String, String> args) {}

    final FleetConnection connection = mock(FleetConnection.class);
    final CommandClient commands = mock(CommandClient.class);
    final FleetRegistry registry = new FleetRegistry();
    final List<Sent> sent = new CopyOnWriteArrayList<>();

    @TempDir
    Path dataDir;

    EvidenceDatabase database;
    OfficerDirectory directory;
    TestWeb http;
    String base;
    ApiClient supervisor;
    ApiClient viewer;
    ApiClient admin;

    @BeforeEach
    void start() throws Exception {
        when(connection.connected()).thenReturn(true);
        when(connection.url()).thenReturn("tcp://127.0.0.1:1883");
        when(connection.clientId()).thenReturn("gw-1");
        database = EvidenceDatabase.open(DatabaseConfig.embedded(dataDir.resolve("db")));
        new FleetFeed(registry).applyStatus(status("bwc-001", ""), true);
        http = TestWeb.start(
                WebServer.Listeners.plain("127.0.0.1", 0),
                TestOperators.authenticator(dataDir, Clock.systemUTC()),
                registry,
                connection,
                commands,
                dataDir,
                "gw-1",
                null,
                audit -> directory = new OfficerDirectory(
                                database.officers(),
                                registry,
                                (unit, command, args, by, timeout) -> {
                                    sent.add(new Sent(unit, command, args));
                                    return CompletableFuture.completedFuture(
                                            CommandReply.ok(unit, command, "done", UnitState.BUFFERING, Instant.now()));
                                },
                                audit,
                                "gw-1",
                                false,
                                Duration.ofSeconds(2),
                                Clock.systemUTC())
                        .follow());
        base = "http://127.0.0.1:" + http.port();
        supervisor = ApiClient.signedIn(base, TestOperators.SUPERVISOR);
        viewer = ApiClient.signedIn(base, TestOperators.VIEWER);
        admin = ApiClient.signedIn(base, TestOperators.ADMIN);
    }

    @AfterEach
    void stop() {
        if (http != null) http.close();
        if (directory != null) directory.close();
        if (database != null) database.close();
    }

    static UnitStatus status(String unit, String officerId) {
        return status(unit, officerId, 1);
    }

    static UnitStatus status(String unit, String officerId, long seq) {
        return new UnitStatus(
                Payload.VERSION,
                unit,
                UnitState.BUFFERING,
                true,
                false,
                false,
                officerId,
                new Battery(80, false, false),
                new Storage(10, 100),
                null,
                null,
                false,
                true,
                "1.0.0",
                seq,
                Instant.now());
    }

    static final String KARI = "{\"id\": \"4711\", \"name\": \"Kari Nordmann\", \"callsign\": \"ALPHA 1\"}";

    @Test
    void aSupervisorAddsChangesAndRemovesOfficersAndAViewerOnlyReads() throws Exception {
        ApiClient.Reply added = supervisor.post("/api/officers", KARI);
        assertThat(added.status()).as(added.body()).isEqualTo(200);
        assertThat(viewer.get("/api/officers").json()).singleElement().satisfies(o -> {
            assertThat(o.path("id").asText()).isEqualTo("4711");
            assertThat(o.path("callsign").asText()).isEqualTo("ALPHA 1");
            assertThat(o.path("unitId").isNull()).isTrue();
        });

        assertThat(viewer.post("/api/officers", KARI.replace("4711", "4712")).status())
                .isEqualTo(403);
        assertThat(viewer.request("PUT", "/api/units/bwc-001/officer", "{\"officerId\": \"4711\"}")
                        .status())
                .isEqualTo(403);
        assertThat(viewer.request("DELETE", "/api/officers/4711", "").status()).isEqualTo(403);

        ApiClient.Reply changed =
                supervisor.request("PUT", "/api/officers/4711", "{\"name\": \"Kari N\", \"callsign\": \"BRAVO 2\"}");
        assertThat(changed.status()).as(changed.body()).isEqualTo(200);
        assertThat(directory.find("4711").orElseThrow().callsign()).isEqualTo("BRAVO 2");
        assertThat(supervisor.request("DELETE", "/api/officers/4711", "").status())
                .isEqualTo(204);
        assertThat(directory.all()).isEmpty();
        assertThat(auditActions()).contains("officer.add", "officer.update", "officer.remove");
    }

    @Test
    void badBodiesAndConflictsAreRefusedSayingWhy() throws Exception {
        supervisor.post("/api/officers", KARI);

        ApiClient.Reply taken = supervisor.post("/api/officers", KARI);
        assertThat(taken.status()).isEqualTo(409);
        assertThat(taken.json().path("error").asText()).contains("exists already");
        ApiClient.Reply badId = supervisor.post("/api/officers", "{\"id\": \"has space\"}");
        assertThat(badId.status()).isEqualTo(400);
        assertThat(badId.json().path("error").asText()).contains("officer id 'has space'");
        ApiClient.Reply longName =
                supervisor.post("/api/officers", "{\"id\": \"1\", \"name\": \"" + "n".repeat(81) + "\"}");
        assertThat(longName.status()).isEqualTo(400);
        assertThat(longName.json().path("error").asText()).contains("name");
        assertThat(supervisor.post("/api/officers", "not json").status()).isEqualTo(400);
        assertThat(supervisor
                        .post("/api/officers", "{\"name\": \"no id\"}")
                        .json()
                        .path("error")
                        .asText())
                .contains("\"id\" is missing");
        assertThat(supervisor.post("/api/officers", "{\"id\": 5}").status()).isEqualTo(400);

        ApiClient.Reply noOfficerId = supervisor.request("PUT", "/api/units/bwc-001/officer", "{}");
        assertThat(noOfficerId.status()).isEqualTo(400);
        assertThat(noOfficerId.json().path("error").asText()).contains("officerId");
        ApiClient.Reply unknownOfficer =
                supervisor.request("PUT", "/api/units/bwc-001/officer", "{\"officerId\": \"9999\"}");
        assertThat(unknownOfficer.status()).isEqualTo(404);
        assertThat(unknownOfficer.json().path("error").asText()).contains("no officer 9999");
        ApiClient.Reply unknownUnit =
                supervisor.request("PUT", "/api/units/bwc-404/officer", "{\"officerId\": \"4711\"}");
        assertThat(unknownUnit.status()).isEqualTo(404);
        assertThat(supervisor
                        .request("PUT", "/api/officers/9999", "{\"name\": \"x\"}")
                        .status())
                .isEqualTo(404);
        ApiClient.Reply generic =
                supervisor.post("/api/units/bwc-001/commands/officer.assign", "{\"args\": {\"officerId\": \"4711\"}}");
        assertThat(generic.status()).as("not through the generic command API").isEqualTo(400);
        assertThat(generic.json().path("error").asText()).contains("PUT /api/units/bwc-001/officer");
        assertThat(sent).as("nothing reached a unit").isEmpty();
    }

    @Test
    void assigningAndUnassigningReachTheUnitAndTheAuditLog() throws Exception {
        supervisor.post("/api/officers", KARI);
        supervisor.post("/api/officers", "{\"id\": \"k-9\", \"name\": \"Ola\", \"callsign\": \"K9\"}");
        new FleetFeed(registry).applyStatus(status("bwc-002", ""), true);

        ApiClient.Reply assigned = supervisor.request("PUT", "/api/units/bwc-001/officer", "{\"officerId\": \"4711\"}");

        assertThat(assigned.status()).as(assigned.body()).isEqualTo(200);
        assertThat(assigned.json().path("delivery").path("outcome").asText()).isEqualTo("applied");
        assertThat(sent)
                .containsExactly(new Sent(
                        "bwc-001",
                        "officer.assign",
                        Map.of("officerId", "4711", "name", "Kari Nordmann", "callsign", "ALPHA 1")));
        JsonNode unit = viewer.get("/api/units/bwc-001/officer").json();
        assertThat(unit.path("officer").path("callsign").asText()).isEqualTo("ALPHA 1");
        assertThat(unit.path("history").get(0).path("assignedBy").asText()).isEqualTo(TestOperators.SUPERVISOR);
        assertThat(viewer.get("/api/officers").json().get(0).path("unitId").asText())
                .isEqualTo("bwc-001");

        ApiClient.Reply elsewhere =
                supervisor.request("PUT", "/api/units/bwc-002/officer", "{\"officerId\": \"4711\"}");
        assertThat(elsewhere.status()).isEqualTo(409);
        assertThat(elsewhere.json().path("error").asText()).contains("carries unit bwc-001");
        assertThat(supervisor.request("DELETE", "/api/officers/4711", "").status())
                .as("an officer who carries a unit stays")
                .isEqualTo(409);

        ApiClient.Reply unassigned = supervisor.request("DELETE", "/api/units/bwc-001/officer", "");

        assertThat(unassigned.status()).as(unassigned.body()).isEqualTo(200);
        assertThat(unassigned.json().path("ended").path("officerId").asText()).isEqualTo("4711");
        assertThat(sent.get(sent.size() - 1).args()).containsEntry("officerId", "");
        assertThat(viewer.get("/api/units/bwc-001/officer")
                        .json()
                        .path("officer")
                        .isNull())
                .isTrue();
        assertThat(auditActions()).contains("officer.assign", "officer.unassign");
    }

    @Test
    void anOfflineUnitIsAssignedInTheDirectoryAndToldWhenItIsBack() throws Exception {
        supervisor.post("/api/officers", KARI);
        UnitStatus offline = UnitStatus.offline("bwc-001", "", "1.0.0", Instant.now());
        new FleetFeed(registry).applyStatus(offline, true);

        ApiClient.Reply assigned = supervisor.request("PUT", "/api/units/bwc-001/officer", "{\"officerId\": \"4711\"}");

        assertThat(assigned.status()).as(assigned.body()).isEqualTo(200);
        assertThat(assigned.json().path("delivery").path("outcome").asText()).isEqualTo("pending");
        assertThat(sent).isEmpty();

        new FleetFeed(registry).applyStatus(status("bwc-001", "", 100), true);

        org.awaitility.Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(sent)
                        .extracting(Sent::unitId, s -> s.args().get("officerId"))
                        .containsExactly(org.assertj.core.groups.Tuple.tuple("bwc-001", "4711")));
    }

    List<String> auditActions() throws Exception {
        List<String> out = new java.util.ArrayList<>();
        for (JsonNode e : admin.get("/api/audit").json())
            out.add(e.path("action").asText());
        return out;
    }
}
