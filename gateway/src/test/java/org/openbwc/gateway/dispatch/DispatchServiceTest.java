package org.openbwc.gateway.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
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
import org.openbwc.gateway.fleet.CommandTimeoutException;
import org.openbwc.gateway.fleet.FleetRegistry;
import org.openbwc.gateway.web.HttpJson;
import org.openbwc.protocol.CommandReply;
import org.openbwc.protocol.EventType;
import org.openbwc.protocol.UnitState;
import org.openbwc.store.DatabaseConfig;
import org.openbwc.store.EvidenceDatabase;

/**
 * The dispatch service end to end against the database: candidates, sending, delivery from the reply, acknowledgement
 * and arrival from the unit's events, refusals, cancellation, the audit trail, and a restart.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DispatchServiceTest {
    static final double LAT = 52.5200;
    static final double LON = 13.4050;

    /** One command the service sent, with the future the test completes as the unit's reply. */
    record Sent(String unitId, String command, Map<String, String> args, CompletableFuture<CommandReply> reply) {}

    @TempDir
    Path tempDir;

    final Clock clock = Clock.systemUTC();
    final Instant now = clock.instant();
    final FleetRegistry registry = new FleetRegistry();
    final DispatchFleet fleet = new DispatchFleet(registry);
    final List<Sent> sent = new CopyOnWriteArrayList<>();
    final List<DispatchView> told = new CopyOnWriteArrayList<>();
    EvidenceDatabase database;
    AuditLog audit;
    DispatchService service;

    @BeforeEach
    void start() {
        database = EvidenceDatabase.open(DatabaseConfig.embedded(tempDir));
        audit = AuditLog.open(tempDir.resolve("audit.log"), HttpJson.mapper(), clock);
        service = service();
        fleet.unit("bwc-near", true, LAT + 0.001, LON, now)
                .unit("bwc-mid", true, LAT + 0.005, LON, now)
                .unit("bwc-far", true, LAT + 0.02, LON, now)
                .unit("bwc-off", false, LAT, LON, now);
    }

    DispatchService service() {
        DispatchService s = new DispatchService(
                "gw-1",
                registry,
                new CandidateRanking(CandidateRanking.WALKING_MPS, null),
                (unit, command, args, by, timeout) -> {
                    CompletableFuture<CommandReply> reply = new CompletableFuture<>();
                    sent.add(new Sent(unit, command, args, reply));
                    return reply;
                },
                database.dispatches(),
                audit,
                clock,
                Duration.ofSeconds(5));
        registry.listen(s);
        s.listen(told::add);
        return s;
    }

    @AfterEach
    void stop() {
        if (service != null) service.close();
        if (audit != null) audit.close();
        if (database != null) database.close();
    }

    DispatchService.Placed place() {
        return service.create(new DispatchRequest(LAT, LON, "shop alarm", "urgent"), "sue", 10);
    }

    static CommandReply ok(String unit) {
        return CommandReply.ok(unit, "dispatch", "dispatch delivered", UnitState.BUFFERING, Instant.now());
    }

    @Test
    void placingRanksTheOnlineUnitsNearestFirst() {
        DispatchService.Placed placed = place();

        assertThat(placed.candidates()).extracting(Candidate::unitId).containsExactly("bwc-near", "bwc-mid", "bwc-far");
        assertThat(placed.dispatch().status()).isEqualTo("open");
        assertThat(placed.dispatch().id()).matches("d-\\d{8}-\\d{6}-[0-9a-f]{6}");
        assertThat(actions()).contains("dispatch.create");
    }

    @Test
    void aUnitGoesFromSentToDeliveredAcknowledgedAndArrived() {
        String id = place().dispatch().id();

        DispatchView view = service.assign(id, List.of("bwc-near"), "sue");

        assertThat(view.units()).singleElement().satisfies(u -> {
            assertThat(u.sent()).isNotNull();
            assertThat(u.delivered()).isNull();
            assertThat(u.distanceAtSendMeters()).isBetween(110.0, 113.0);
        });
        assertThat(sent).singleElement().satisfies(s -> {
            assertThat(s.command()).isEqualTo("dispatch");
            assertThat(s.args())
                    .containsEntry("id", id)
                    .containsEntry("note", "shop alarm")
                    .containsEntry("priority", "urgent")
                    .containsEntry("lat", Double.toString(LAT));
        });

        sent.get(0).reply().complete(ok("bwc-near"));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> service.get(id).units().get(0).delivered() != null);

        fleet.event("bwc-near", EventType.DISPATCH_ACKNOWLEDGED, Map.of("id", id), now);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> service.get(id).units().get(0).acknowledged() != null);

        fleet.at("bwc-near", LAT + 0.0001, LON, now.plusSeconds(60));
        fleet.event("bwc-near", EventType.DISPATCH_ARRIVED, Map.of("id", id, "distanceMeters", "11"), now);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> service.get(id).status().equals("arrived"));

        assertThat(service.get(id).units().get(0).distanceMeters()).isBetween(10.0, 12.0);
        assertThat(told)
                .anySatisfy(v -> assertThat(v.units())
                        .anySatisfy(u -> assertThat(u.acknowledged()).isNotNull()));
        assertThat(actions())
                .contains("dispatch.assign", "dispatch.delivered", "dispatch.acknowledged", "dispatch.arrived");
        assertThat(service.history("bwc-near", 10))
                .singleElement()
                .satisfies(h -> assertThat(h.id()).isEqualTo(id));
    }

    @Test
    void aRefusalOrATimeoutIsTheUnitsProblem() {
        String id = place().dispatch().id();
        service.assign(id, List.of("bwc-near", "bwc-mid"), "sue");

        sent.get(0)
                .reply()
                .complete(CommandReply.error(
                        "bwc-near", "dispatch", "dispatch lat 91.0 is out of range", UnitState.BUFFERING, now));
        sent.get(1)
                .reply()
                .completeExceptionally(new CommandTimeoutException("bwc-mid", "dispatch", Duration.ofSeconds(5)));

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(progress(id, "bwc-near").problem())
                    .isEqualTo("unit bwc-near refused the dispatch: dispatch lat 91.0 is out of range");
            assertThat(progress(id, "bwc-mid").problem())
                    .isEqualTo("unit bwc-mid did not answer dispatch within 5000 ms");
        });
    }

    @Test
    void offlineUnknownAndCancelledAreRefusedAndNothingIsSent() {
        String id = place().dispatch().id();

        assertThatThrownBy(() -> service.assign(id, List.of("bwc-near", "bwc-off"), "sue"))
                .isInstanceOfSatisfying(
                        DispatchRefusedException.class,
                        e -> assertThat(e.kind()).isEqualTo(DispatchRefusedException.Kind.CONFLICT))
                .hasMessage("unit bwc-off is offline; nothing was sent");
        assertThatThrownBy(() -> service.assign(id, List.of("bwc-nope"), "sue"))
                .isInstanceOfSatisfying(
                        DispatchRefusedException.class,
                        e -> assertThat(e.kind()).isEqualTo(DispatchRefusedException.Kind.NOT_FOUND));
        assertThatThrownBy(() -> service.assign("d-nope", List.of("bwc-near"), "sue"))
                .isInstanceOfSatisfying(
                        DispatchRefusedException.class,
                        e -> assertThat(e.kind()).isEqualTo(DispatchRefusedException.Kind.NOT_FOUND));
        service.cancel(id, "sue");
        assertThatThrownBy(() -> service.assign(id, List.of("bwc-near"), "sue")).hasMessageContaining("was cancelled");
        assertThat(sent).isEmpty();
    }

    @Test
    void cancellingTellsTheUnitsThatHaveNotArrived() {
        String id = place().dispatch().id();
        service.assign(id, List.of("bwc-near", "bwc-mid"), "sue");
        fleet.event("bwc-mid", EventType.DISPATCH_ARRIVED, Map.of("id", id), now);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> progress(id, "bwc-mid").arrived() != null);

        DispatchView view = service.cancel(id, "bob");

        assertThat(view.status()).isEqualTo("cancelled");
        assertThat(view.cancelledBy()).isEqualTo("bob");
        assertThat(sent)
                .filteredOn(s -> s.command().equals("dispatch.cancel"))
                .singleElement()
                .satisfies(s -> {
                    assertThat(s.unitId()).isEqualTo("bwc-near");
                    assertThat(s.args()).isEqualTo(Map.of("id", id));
                });
        assertThat(service.open()).isEmpty();
        assertThat(actions()).contains("dispatch.cancel");
    }

    @Test
    void aDispatchReplacedOnTheUnitSaysSo() {
        String first = place().dispatch().id();
        String second = place().dispatch().id();
        service.assign(first, List.of("bwc-near"), "sue");
        service.assign(second, List.of("bwc-near"), "sue");

        fleet.event("bwc-near", EventType.DISPATCH_RECEIVED, Map.of("id", second, "replaced", first), now);

        await().atMost(Duration.ofSeconds(10))
                .until(() -> "replaced on the unit by dispatch "
                        .concat(second)
                        .equals(progress(first, "bwc-near").problem()));
        assertThat(progress(second, "bwc-near").delivered()).isNotNull();
    }

    @Test
    void aRestartedServiceFollowsTheOpenDispatchesAgain() {
        String id = place().dispatch().id();
        service.assign(id, List.of("bwc-near"), "sue");
        registry.removeListener(service);
        service.close();

        service = service();
        fleet.event("bwc-near", EventType.DISPATCH_ACKNOWLEDGED, Map.of("id", id), now);

        assertThat(service.open()).extracting(DispatchView::id).containsExactly(id);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> service.get(id).units().get(0).acknowledged() != null);
    }

    DispatchView.UnitProgress progress(String id, String unit) {
        return service.get(id).units().stream()
                .filter(u -> u.unitId().equals(unit))
                .findFirst()
                .orElseThrow();
    }

    List<String> actions() {
        return audit.recent(100).stream().map(e -> e.path("action").asText()).toList();
    }
}
