package org.openbwc.gateway.alerts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openbwc.gateway.fleet.FleetFeed;
import org.openbwc.gateway.fleet.FleetRegistry;
import org.openbwc.gateway.fleet.UnitView;
import org.openbwc.gateway.web.HttpJson;
import org.openbwc.protocol.Battery;
import org.openbwc.protocol.EventType;
import org.openbwc.protocol.Payload;
import org.openbwc.protocol.UnitEvent;
import org.openbwc.protocol.UnitState;
import org.openbwc.protocol.UnitStatus;

class AlertBoardTest {

    static final Instant T = Instant.parse("2026-11-29T10:00:00Z");
    final FleetRegistry registry = new FleetRegistry();
    final FleetFeed feed = new FleetFeed(registry);
    final AlertBoard board = new AlertBoard(Clock.fixed(T, ZoneOffset.UTC));
    final List<Alert> seen = new ArrayList<>();

    AlertBoardTest() {
        registry.listen(board);
        board.listen(seen::add);
    }

    static UnitEvent event(EventType type, Map<String, String> details, long seq) {
        return new UnitEvent(
                Payload.VERSION, "u-1", type, T.plusSeconds(seq), UnitState.RECORDING, "button", details, seq);
    }

    static UnitStatus status(UnitState state, boolean sos, long seq) {
        return new UnitStatus(
                Payload.VERSION,
                "u-1",
                state,
                true,
                false,
                sos,
                "o",
                null,
                null,
                null,
                null,
                false,
                true,
                "fw",
                seq,
                T.plusSeconds(seq));
    }

    @Test
    void everyKindOfAlertTheMonitoringRoomNeedsIsRaised() {
        feed.applyEvent(event(EventType.SOS_RAISED, Map.of(), 1), false);
        feed.applyEvent(event(EventType.RECORDING_STARTED, Map.of("recordingId", "r-1"), 2), false);
        feed.applyEvent(event(EventType.BATTERY_LOW, Map.of("batteryPercent", "14"), 3), false);
        feed.applyEvent(event(EventType.STORAGE_LOW, Map.of("storageFreePercent", "4"), 4), false);
        feed.applyEvent(event(EventType.CLOCK_UNSET, Map.of(), 5), false);
        feed.applyEvent(
                event(EventType.RECORDING_RECOVERED, Map.of("recordingId", "r-0", "durationMillis", "8200"), 6), false);
        feed.applyEvent(event(EventType.MARKER, Map.of(), 7), false);
        assertThat(board.all())
                .as("a recording start is routine: the event feed shows it, the banner does not")
                .extracting(a -> a.type().wire())
                .containsExactly("recording.recovered", "clock.unset", "storage.low", "battery.low", "sos");
        assertThat(board.all().getLast().severity()).isEqualTo(Alert.Severity.CRITICAL);
        assertThat(board.all().get(3).message()).contains("14 %");
        assertThat(board.all().get(0).message()).contains("r-0", "8.2 s");
        assertThat(board.all()).allSatisfy(a -> assertThat(a.state()).isEqualTo(Alert.State.OPEN));
        assertThat(seen).hasSize(5);
    }

    @Test
    void aRecordingTheUnitCouldNotWriteRaisesACriticalAlertSayingWhyAndWhatIsSealed() {
        feed.applyEvent(
                event(
                        EventType.RECORDING_FAILED,
                        Map.of(
                                "recordingId",
                                "r-9",
                                "reason",
                                "No space left on device",
                                "sealed",
                                "true",
                                "durationMillis",
                                "12400"),
                        1),
                false);
        assertThat(board.all()).hasSize(1);
        Alert sealed = board.all().getFirst();
        assertThat(sealed.type().wire()).isEqualTo("recording.failed");
        assertThat(sealed.severity()).isEqualTo(Alert.Severity.CRITICAL);
        assertThat(sealed.message()).isEqualTo("recording r-9 failed: No space left on device; 12.4 s sealed");

        board.acknowledge(sealed.id(), "sam");
        feed.applyEvent(
                event(
                        EventType.RECORDING_FAILED,
                        Map.of("recordingId", "r-10", "reason", "No space left on device", "sealed", "false"),
                        2),
                false);
        assertThat(board.all().getFirst().message())
                .isEqualTo("recording r-10 failed: No space left on device; left unsealed until the unit restarts");
    }

    @Test
    void anAgencyCanRaiseRecordingStartsAsInfoAlertsAndAcknowledgeThemAllAtOnce() {
        AlertBoard agency =
                new AlertBoard(Clock.fixed(T, ZoneOffset.UTC), registry, Set.of("recording.started"), AlertStore.NONE);
        registry.listen(agency);
        feed.applyEvent(event(EventType.RECORDING_STARTED, Map.of("recordingId", "r-1"), 1), false);
        feed.applyEvent(event(EventType.BATTERY_LOW, Map.of("batteryPercent", "14"), 2), false);
        assertThat(agency.all())
                .extracting(Alert::type)
                .containsExactly(Alert.Type.BATTERY_LOW, Alert.Type.RECORDING_STARTED);

        assertThat(agency.acknowledgeAllInfo("sam"))
                .extracting(Alert::type)
                .containsExactly(Alert.Type.RECORDING_STARTED);
        assertThat(agency.all())
                .extracting(Alert::type, Alert::state)
                .containsExactly(
                        tuple(Alert.Type.BATTERY_LOW, Alert.State.OPEN),
                        tuple(Alert.Type.RECORDING_STARTED, Alert.State.ACKNOWLEDGED));
    }

    @Test
    void anOpenAlertIsNotRaisedTwiceButAnAcknowledgedOneCanComeBack() {
        feed.applyEvent(event(EventType.BATTERY_LOW, Map.of(), 1), false);
        feed.applyEvent(event(EventType.BATTERY_LOW, Map.of(), 2), false);
        assertThat(board.all()).hasSize(1);
        Alert acked = board.acknowledge(board.all().getFirst().id(), "sam").orElseThrow();
        assertThat(acked.acknowledgedBy()).isEqualTo("sam");
        assertThat(acked.acknowledgedAt()).isEqualTo(T);
        assertThat(board.acknowledge(acked.id(), "other").orElseThrow().acknowledgedBy())
                .as("first ack stays")
                .isEqualTo("sam");
        feed.applyEvent(event(EventType.BATTERY_LOW, Map.of(), 3), false);
        assertThat(board.all()).hasSize(2);
        assertThat(board.openCount()).isEqualTo(1);
    }

    @Test
    void anSosKnownOnlyFromTheStatusIsRaisedOnceAndNotAgainAfterItsAcknowledgement() {
        feed.applyStatus(status(UnitState.RECORDING, true, 1), true); // e.g. replayed after a gateway restart
        assertThat(board.all()).extracting(Alert::type).containsExactly(Alert.Type.SOS);
        feed.applyEvent(event(EventType.SOS_RAISED, Map.of(), 2), false);
        assertThat(board.all()).as("the event of the same SOS adds nothing").hasSize(1);
        board.acknowledge(board.all().getFirst().id(), "sam");
        feed.applyStatus(status(UnitState.RECORDING, true, 3), false);
        assertThat(board.all()).hasSize(1);
        feed.applyStatus(status(UnitState.RECORDING, false, 4), false);
        feed.applyStatus(status(UnitState.RECORDING, true, 5), false);
        assertThat(board.all()).as("a new SOS after the first was cleared").hasSize(2);
    }

    @Test
    void aUnitGoingOfflineIsAnAlertButOneKnownOfflineAtStartIsNot() {
        feed.applyStatus(UnitStatus.offline("u-1", "o", "fw", T), true);
        assertThat(board.all()).isEmpty();
        feed.applyStatus(status(UnitState.BUFFERING, false, 1), false);
        feed.applyStatus(UnitStatus.offline("u-1", "o", "fw", T.plusSeconds(2)), false);
        assertThat(board.all()).extracting(Alert::type).containsExactly(Alert.Type.UNIT_OFFLINE);
    }

    @Test
    void anSosOutlivesItsAcknowledgementAndItsUnitGoingOfflineUntilASupervisorResolvesIt() {
        AlertBoard room = new AlertBoard(Clock.fixed(T, ZoneOffset.UTC), registry, Set.of(), AlertStore.NONE);
        registry.listen(room);
        feed.applyStatus(withBattery(status(UnitState.RECORDING, true, 1), 57), false);
        feed.applyEvent(event(EventType.SOS_RAISED, Map.of(), 2), false);
        Alert sos = room.all().getFirst();
        assertThat(sos.type()).isEqualTo(Alert.Type.SOS);
        assertThat(sos.officerId()).isEqualTo("o");
        assertThat(sos.message()).contains("u-1", "officer o");

        Alert taken = room.acknowledge(sos.id(), "sam", "calling the officer").orElseThrow();
        assertThat(taken.state()).isEqualTo(Alert.State.ACKNOWLEDGED);
        assertThat(taken.ackNote()).isEqualTo("calling the officer");
        assertThat(taken.active()).as("an acknowledged SOS stays on screen").isTrue();

        // The battery is pulled: the Will arrives.
        feed.applyStatus(UnitStatus.offline("u-1", "o", "fw", T), false);
        UnitView gone = registry.unit("u-1").orElseThrow();
        assertThat(gone.online()).isFalse();
        assertThat(gone.sos()).as("the SOS stands while the unit is silent").isTrue();
        assertThat(gone.lastKnown()).isTrue();
        assertThat(gone.lastState()).isEqualTo(UnitState.RECORDING);
        assertThat(gone.battery().percent())
                .as("last known battery, not the Will's")
                .isEqualTo(57);
        assertThat(gone.offlineSince()).isNotNull();
        assertThat(room.all())
                .filteredOn(a -> a.type() == Alert.Type.UNIT_OFFLINE)
                .singleElement()
                .satisfies(a -> {
                    assertThat(a.severity()).isEqualTo(Alert.Severity.CRITICAL);
                    assertThat(a.message()).contains("during its SOS");
                });
        assertThat(room.find(sos.id()).orElseThrow().state()).isEqualTo(Alert.State.ACKNOWLEDGED);

        Alert resolved =
                room.resolve(sos.id(), "sam", "officer safe, spoke by radio").orElseThrow();
        assertThat(resolved.state()).isEqualTo(Alert.State.RESOLVED);
        assertThat(resolved.resolvedBy()).isEqualTo("sam");
        assertThat(resolved.resolveNote()).isEqualTo("officer safe, spoke by radio");
        assertThat(resolved.acknowledgedBy())
                .as("the acknowledgement stays as it was")
                .isEqualTo("sam");
        assertThat(resolved.active()).isFalse();
        assertThat(registry.unit("u-1").orElseThrow().sos()).isFalse();
        assertThat(room.resolve(sos.id(), "other", "again").orElseThrow().resolvedBy())
                .as("first resolution stays")
                .isEqualTo("sam");
    }

    @Test
    void anSosEventAheadOfItsStatusIsOneOpenSos() {
        AlertBoard room = new AlertBoard(Clock.fixed(T, ZoneOffset.UTC), registry, Set.of(), AlertStore.NONE);
        registry.listen(room);
        feed.applyStatus(status(UnitState.BUFFERING, false, 1), false);
        // Events are on their own topic and may overtake the status that says sos: the view still says no SOS while
        // the SOS and the recording it starts are told.
        feed.applyEvent(event(EventType.SOS_RAISED, Map.of(), 2), false);
        feed.applyEvent(event(EventType.RECORDING_STARTED, Map.of("recordingId", "r-1"), 3), false);
        feed.applyStatus(status(UnitState.RECORDING, true, 4), false);
        assertThat(room.all())
                .extracting(Alert::type, Alert::state)
                .containsExactly(tuple(Alert.Type.SOS, Alert.State.OPEN));
    }

    @Test
    void theUnitEndsItsOwnSosAndItsOfflineAlert() {
        AlertBoard room = new AlertBoard(Clock.fixed(T, ZoneOffset.UTC), registry, Set.of(), AlertStore.NONE);
        registry.listen(room);
        feed.applyStatus(status(UnitState.RECORDING, true, 1), false);
        feed.applyStatus(UnitStatus.offline("u-1", "o", "fw", T), false);
        feed.applyStatus(status(UnitState.RECORDING, true, 3), false);
        assertThat(room.all())
                .extracting(Alert::type, Alert::state)
                .containsExactly(
                        tuple(Alert.Type.UNIT_OFFLINE, Alert.State.RESOLVED), tuple(Alert.Type.SOS, Alert.State.OPEN));
        assertThat(room.all().getFirst().resolvedBy()).isEqualTo(Alert.BY_UNIT);

        feed.applyEvent(event(EventType.SOS_CLEARED, Map.of(), 4), false);
        feed.applyStatus(status(UnitState.RECORDING, false, 5), false);
        assertThat(room.all().getLast().state()).isEqualTo(Alert.State.RESOLVED);
        assertThat(room.all().getLast().resolvedBy()).isEqualTo(Alert.BY_UNIT);
        assertThat(room.all().getLast().resolveNote()).startsWith("cleared on the unit");
    }

    @Test
    void anSosResolvedWhileTheUnitStillSendsItDoesNotStandWhenTheUnitFallsSilent() {
        AlertBoard room = new AlertBoard(Clock.fixed(T, ZoneOffset.UTC), registry, Set.of(), AlertStore.NONE);
        registry.listen(room);
        feed.applyStatus(status(UnitState.RECORDING, true, 1), false);
        room.resolve(room.all().getFirst().id(), "sam", "false alarm, officer confirmed");
        feed.applyStatus(status(UnitState.RECORDING, true, 2), false);
        assertThat(registry.unit("u-1").orElseThrow().sos())
                .as("the unit still says so")
                .isTrue();
        feed.applyStatus(UnitStatus.offline("u-1", "o", "fw", T), false);
        assertThat(registry.unit("u-1").orElseThrow().sos()).isFalse();
        assertThat(room.all()).filteredOn(a -> a.type() == Alert.Type.SOS).hasSize(1);
    }

    @Test
    void alertsAndAStandingSosSurviveARestart(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("alerts.jsonl");
        ObjectMapper json = HttpJson.mapper();
        AlertBoard before = new AlertBoard(
                Clock.fixed(T, ZoneOffset.UTC), registry, Set.of(), new AlertFile(file, json, AlertBoard.MAX_ALERTS));
        registry.listen(before);
        feed.applyStatus(status(UnitState.RECORDING, true, 1), false);
        feed.applyEvent(event(EventType.BATTERY_LOW, Map.of("batteryPercent", "9"), 2), false);
        String sosId = before.all().getLast().id();
        before.acknowledge(sosId, "sam", null);
        before.acknowledge(before.all().getFirst().id(), "sam", "charger on the way");
        Files.writeString(file, "{ torn line\n", StandardOpenOption.APPEND);

        // A new gateway: new registry, the unit's retained Will replayed after the board loaded.
        FleetRegistry fresh = new FleetRegistry();
        AlertBoard after = new AlertBoard(
                Clock.fixed(T, ZoneOffset.UTC), fresh, Set.of(), new AlertFile(file, json, AlertBoard.MAX_ALERTS));
        fresh.listen(after);
        new FleetFeed(fresh).applyStatus(UnitStatus.offline("u-1", "o", "fw", T), true);

        assertThat(after.all()).isEqualTo(before.all());
        assertThat(after.find(sosId).orElseThrow().state()).isEqualTo(Alert.State.ACKNOWLEDGED);
        assertThat(fresh.unit("u-1").orElseThrow().sos()).isTrue();
        assertThat(fresh.unit("u-1").orElseThrow().online()).isFalse();
        after.raiseForUnit("u-2", Alert.Type.CAMERA_FAILED, Alert.Severity.CRITICAL, "x");
        assertThat(after.all().getFirst().id())
                .as("ids go on from where they were")
                .isEqualTo("a-3");
        assertThat(Files.readAllLines(file))
                .as("compacted on load, the torn line gone")
                .hasSize(3);

        after.resolve(sosId, "sam", "officer found");
        assertThat(fresh.unit("u-1").orElseThrow().sos()).isFalse();
    }

    static UnitStatus withBattery(UnitStatus s, int percent) {
        return new UnitStatus(
                s.version(),
                s.unitId(),
                s.state(),
                s.online(),
                s.stealth(),
                s.sos(),
                s.officerId(),
                new Battery(percent, false, false, null),
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
    void aMissingEvidenceKeyIsACriticalAlertNamingBothKeys() {
        feed.applyEvent(
                event(
                        EventType.KEY_MISSING,
                        Map.of("newKey", "ed25519:2222", "oldKey", "ed25519:1111", "recordings", "12"),
                        1),
                false);

        assertThat(board.all()).singleElement().satisfies(a -> {
            assertThat(a.type()).isEqualTo(Alert.Type.KEY_MISSING);
            assertThat(a.type().wire()).isEqualTo("key.missing");
            assertThat(a.severity()).isEqualTo(Alert.Severity.CRITICAL);
            assertThat(a.message())
                    .isEqualTo("evidence key missing: the unit has 12 recordings but no key, and made a new one"
                            + " (ed25519:2222, was ed25519:1111); recordings signed from now on do not verify against"
                            + " the pinned key");
        });
    }

    @Test
    void theGatewayRaisesItsOwnAlertsOnceWhileOpen() {
        board.raiseForUnit("u-1", Alert.Type.UPLINK_REFUSED, Alert.Severity.WARNING, "live uplink refused: x");
        board.raiseForUnit("u-1", Alert.Type.UPLINK_REFUSED, Alert.Severity.WARNING, "live uplink refused: y");
        board.raiseForUnit("u-1", Alert.Type.UPLINK_DUPLICATE, Alert.Severity.CRITICAL, "second uplink");

        assertThat(board.all())
                .extracting(Alert::type)
                .containsExactly(Alert.Type.UPLINK_DUPLICATE, Alert.Type.UPLINK_REFUSED);
        assertThat(seen).hasSize(2);
    }
}
