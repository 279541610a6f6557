package org.openbwc.gateway.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openbwc.gateway.fleet.FleetFeed;
import org.openbwc.gateway.fleet.FleetRegistry;
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
                .extracting(a -> a.type().wire())
                .containsExactly(
                        "recording.recovered", "clock.unset", "storage.low", "battery.low", "recording.started", "sos");
        assertThat(board.all().getLast().severity()).isEqualTo(Alert.Severity.CRITICAL);
        assertThat(board.all().get(3).message()).contains("14 %");
        assertThat(board.all().get(0).message()).contains("r-0", "8.2 s");
        assertThat(seen).hasSize(6);
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
