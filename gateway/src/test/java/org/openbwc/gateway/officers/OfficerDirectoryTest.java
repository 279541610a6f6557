package org.openbwc.gateway.officers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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
import org.openbwc.gateway.audit.AuditLog;
import org.openbwc.gateway.fleet.FleetFeed;
import org.openbwc.gateway.fleet.FleetRegistry;
import org.openbwc.gateway.web.HttpJson;
import org.openbwc.protocol.Battery;
import org.openbwc.protocol.CommandReply;
import org.openbwc.protocol.EventType;
import org.openbwc.protocol.Payload;
import org.openbwc.protocol.Storage;
import org.openbwc.protocol.UnitEvent;
import org.openbwc.protocol.UnitState;
import org.openbwc.protocol.UnitStatus;
import org.openbwc.store.DatabaseConfig;
import org.openbwc.store.EvidenceDatabase;
import org.openbwc.store.Officer;
import org.openbwc.store.OfficerRoster;

/**
 * The directory keeps units in step: a unit that shows another officer gets its assignment again (not at every
 * status), docking unassigns where the policy says so and not otherwise, and a gateway restart keeps what it wants.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class OfficerDirectoryTest {
    record Sent(String unitId, String officerId) {}

    @TempDir
    Path dir;

    final FleetRegistry registry = new FleetRegistry();
    final FleetFeed feed = new FleetFeed(registry);
    final List<Sent> sent = new CopyOnWriteArrayList<>();
    EvidenceDatabase database;
    AuditLog audit;
    OfficerDirectory directory;
    long seq;

    @BeforeEach
    void open() {
        database = EvidenceDatabase.open(DatabaseConfig.embedded(dir.resolve("db")));
        audit = AuditLog.open(dir.resolve("audit.log"), HttpJson.mapper(), Clock.systemUTC());
        database.officers().add(new Officer("4711", "Kari Nordmann", "ALPHA 1"), Instant.now());
    }

    @AfterEach
    void close() {
        if (directory != null) directory.close();
        if (audit != null) audit.close();
        if (database != null) database.close();
    }

    OfficerDirectory directory(boolean unassignOnDock) {
        if (directory != null) directory.close();
        directory = new OfficerDirectory(
                        database.officers(),
                        registry,
                        (unit, command, args, by, timeout) -> {
                            sent.add(new Sent(unit, args.get("officerId")));
                            return CompletableFuture.completedFuture(
                                    CommandReply.ok(unit, command, "", UnitState.BUFFERING, Instant.now()));
                        },
                        audit,
                        "gw-1",
                        unassignOnDock,
                        Duration.ofSeconds(2),
                        Clock.systemUTC())
                .follow();
        return directory;
    }

    void status(String unit, String officerId) {
        feed.applyStatus(
                new UnitStatus(
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
                        ++seq,
                        Instant.now()),
                false);
    }

    void docked(String unit, Instant at) {
        feed.applyEvent(
                new UnitEvent(
                        Payload.VERSION, unit, EventType.DOCKED, at, UnitState.SLEEP, "dock", Map.of(), ++seq, null),
                false);
    }

    @Test
    void aUnitShowingAnotherOfficerGetsItsAssignmentOnceNotAtEveryStatus() {
        status("bwc-001", "");
        directory(false).assign("bwc-001", "4711", "sam");
        assertThat(sent).containsExactly(new Sent("bwc-001", "4711"));
        status("bwc-001", "4711");

        // The unit restarted from an old backup and says it carries the config's officer: told again, once.
        for (int i = 0; i < 5; i++) status("bwc-001", "config-officer");

        await().atMost(Duration.ofSeconds(5)).until(() -> sent.size() >= 2);
        assertThat(sent).containsExactly(new Sent("bwc-001", "4711"), new Sent("bwc-001", "4711"));
        status("bwc-001", "4711");
        status("bwc-002", "someone"); // never assigned here: left with its own config's officer
        assertThat(sent).hasSize(2);
    }

    @Test
    void dockingUnassignsWhenThePolicySaysSoAndTellsTheUnit() {
        status("bwc-001", "");
        directory(true).assign("bwc-001", "4711", "sam");
        status("bwc-001", "4711");

        docked("bwc-001", Instant.now().minusSeconds(3600));
        docked("bwc-001", Instant.now().plusSeconds(1));

        await().atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(directory.officerOf("bwc-001")).isEmpty());
        await().atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(sent).endsWith(new Sent("bwc-001", "")));
        assertThat(directory.history("bwc-001", 5).get(0).endReason()).isEqualTo(OfficerRoster.DOCKED);
        assertThat(directory.history("bwc-001", 5))
                .as("the hour-old docking ended nothing")
                .hasSize(1);
    }

    @Test
    void dockingLeavesTheOfficerAssignedByDefault() throws Exception {
        status("bwc-001", "");
        directory(false).assign("bwc-001", "4711", "sam");

        docked("bwc-001", Instant.now().plusSeconds(1));
        status("bwc-001", "4711");
        directory.awaitQueued();

        assertThat(directory.officerOf("bwc-001")).isPresent();
    }

    @Test
    void aRestartedGatewayStillKeepsAnUnassignedUnitUnassigned() {
        status("bwc-001", "");
        directory(false).assign("bwc-001", "4711", "sam");
        directory.unassign("bwc-001", "sam");
        sent.clear();

        directory(false);
        status("bwc-001", "4711"); // the unit was offline for the unassignment

        await().atMost(Duration.ofSeconds(5)).until(() -> !sent.isEmpty());
        assertThat(sent).containsExactly(new Sent("bwc-001", ""));
    }
}
