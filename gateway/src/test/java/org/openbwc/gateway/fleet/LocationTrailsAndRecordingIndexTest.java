package org.openbwc.gateway.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openbwc.protocol.EventType;
import org.openbwc.protocol.Payload;
import org.openbwc.protocol.UnitEvent;
import org.openbwc.protocol.UnitLocation;
import org.openbwc.protocol.UnitState;

class LocationTrailsAndRecordingIndexTest {

    static final Instant T = Instant.parse("2026-11-29T10:00:00Z");
    final FleetRegistry registry = new FleetRegistry();

    static UnitLocation at(double lat, long second) {
        return new UnitLocation(
                Payload.VERSION, "u-1", lat, 13.4, 5.0, null, null, null, T.plusSeconds(second), second);
    }

    @Test
    void aTrailKeepsTheLastPositionsInFixOrder() {
        LocationTrails trails = new LocationTrails(3);
        registry.listen(trails);
        for (int i = 1; i <= 5; i++) registry.applyLocation(at(52.0 + i / 100.0, i), false);
        registry.applyLocation(at(50.0, 2), false); // older fix arriving late: not part of the trail
        assertThat(trails.trail("u-1", 10))
                .extracting(LocationTrails.Point::lat)
                .containsExactly(52.03, 52.04, 52.05);
        assertThat(trails.trail("u-1", 2)).hasSize(2);
        assertThat(trails.all(1)).containsOnlyKeys("u-1");
        assertThat(trails.trail("nobody", 5)).isEmpty();
    }

    static UnitEvent event(EventType type, Map<String, String> details, long seq, String cause) {
        return new UnitEvent(
                Payload.VERSION, "u-1", type, T.plusSeconds(seq), UnitState.RECORDING, cause, details, seq);
    }

    @Test
    void recordingsAreAssembledFromTheirEvents() {
        RecordingIndex index = new RecordingIndex(2);
        registry.listen(index);
        registry.applyEvent(
                event(
                        EventType.RECORDING_STARTED,
                        Map.of("recordingId", "r-1", "preEvent", "true"),
                        1,
                        "remote:gw/sam"),
                false);
        registry.applyEvent(event(EventType.RECORDING_STOPPED, Map.of("recordingId", "r-1"), 20, "button"), false);
        assertThat(index.recordings("u-1").getFirst().verified())
                .as("not reported yet")
                .isNull();
        registry.applyEvent(
                event(
                        EventType.RECORDING_SEALED,
                        Map.of(
                                "recordingId",
                                "r-1",
                                "durationMillis",
                                "49000",
                                "segments",
                                "1",
                                "bytes",
                                "123456",
                                "verified",
                                "true",
                                "startedAt",
                                T.minusSeconds(29).toString(),
                                "endedAt",
                                T.plusSeconds(20).toString()),
                        21,
                        "evidence"),
                false);
        RecordingIndex.Entry r1 = index.recordings("u-1").getFirst();
        assertThat(r1.trigger()).isEqualTo("remote");
        assertThat(r1.preEvent()).isTrue();
        assertThat(r1.verified()).isTrue();
        assertThat(r1.durationMillis()).isEqualTo(49_000);
        assertThat(r1.startedAt()).isEqualTo(T.minusSeconds(29));
        assertThat(r1.bytes()).isEqualTo(123_456);

        registry.applyEvent(
                event(
                        EventType.RECORDING_RECOVERED,
                        Map.of("recordingId", "r-0", "durationMillis", "800", "sealed", "true"),
                        22,
                        "boot"),
                false);
        registry.applyEvent(event(EventType.RECORDING_STARTED, Map.of("recordingId", "r-2"), 23, "sos"), false);
        assertThat(index.recordings("u-1"))
                .extracting(RecordingIndex.Entry::recordingId)
                .containsExactly("r-2", "r-0");
        assertThat(index.recordings("u-1").get(1).recovered()).isTrue();
    }

    @Test
    void aRecordingTheUnitCouldNotWriteIsMarkedFailedWithItsReason() {
        RecordingIndex index = new RecordingIndex(5);
        registry.listen(index);
        registry.applyEvent(event(EventType.RECORDING_STARTED, Map.of("recordingId", "r-7"), 1, "button"), false);
        registry.applyEvent(
                event(
                        EventType.RECORDING_FAILED,
                        Map.of(
                                "recordingId",
                                "r-7",
                                "reason",
                                "No space left on device",
                                "sealed",
                                "true",
                                "durationMillis",
                                "12400"),
                        2,
                        "evidence"),
                false);
        registry.applyEvent(event(EventType.RECORDING_STARTED, Map.of("recordingId", "r-8"), 3, "button"), false);
        registry.applyEvent(
                event(
                        EventType.RECORDING_FAILED,
                        Map.of("recordingId", "r-8", "reason", "No space left on device", "sealed", "false"),
                        4,
                        "evidence"),
                false);
        RecordingIndex.Entry sealed = index.recordings("u-1").get(1);
        assertThat(sealed.recordingId()).isEqualTo("r-7");
        assertThat(sealed.startedAt()).isEqualTo(T.plusSeconds(1));
        assertThat(sealed.stoppedAt()).as("no longer shown as recording").isEqualTo(T.plusSeconds(2));
        assertThat(sealed.durationMillis()).isEqualTo(12_400);
        assertThat(sealed.problem())
                .startsWith("failed: No space left on device;")
                .contains("sealed");
        RecordingIndex.Entry unsealed = index.recordings("u-1").getFirst();
        assertThat(unsealed.problem())
                .isEqualTo("failed: No space left on device; left unsealed until the unit restarts");
        assertThat(unsealed.durationMillis()).isNull();
    }
}
