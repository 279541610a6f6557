package org.openbwc.device;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.openbwc.config.UnitConfig;
import org.openbwc.device.core.AlarmChange;
import org.openbwc.device.core.Cause;
import org.openbwc.device.core.Cause.Local;
import org.openbwc.device.core.ControllerEvent;
import org.openbwc.device.core.ControllerEvent.Docked;
import org.openbwc.device.core.ControllerEvent.Locating;
import org.openbwc.device.core.ControllerEvent.MarkerPlaced;
import org.openbwc.device.core.ControllerEvent.RecordingStarted;
import org.openbwc.device.core.ControllerEvent.RecordingStopped;
import org.openbwc.device.core.ControllerEvent.SosCleared;
import org.openbwc.device.core.ControllerEvent.SosRaised;
import org.openbwc.device.core.ControllerEvent.StateChanged;
import org.openbwc.device.core.ControllerEvent.StealthOff;
import org.openbwc.device.core.ControllerEvent.StealthOn;
import org.openbwc.device.core.ControllerEvent.StopArmed;
import org.openbwc.device.core.ControllerEvent.StorageReserveReached;
import org.openbwc.device.core.ControllerEvent.Undocked;
import org.openbwc.device.core.ControllerSnapshot;
import org.openbwc.device.core.RecordingController;
import org.openbwc.device.evidence.DeviceKey;
import org.openbwc.device.evidence.FailedRecording;
import org.openbwc.device.evidence.RecoveredRecording;
import org.openbwc.device.evidence.SealedRecording;
import org.openbwc.evidence.EndReason;
import org.openbwc.evidence.VerificationResult;
import org.openbwc.hal.DeviceClock;
import org.openbwc.hal.Hardware;
import org.openbwc.json.JsonReader;
import org.openbwc.json.JsonWriter;
import org.openbwc.protocol.EventType;
import org.openbwc.protocol.UnitEvent;
import org.openbwc.protocol.UnitState;
import org.openbwc.protocol.WireCodec;

/**
 * Pins the wire payload of every event kind a unit publishes: type, cause string, detail keys and values, state.
 * Details are compared with their keys sorted: {@link UnitEvent} holds them in a {@code Map.copyOf}, whose order is
 * the JVM's, not the unit's.
 */
class TelemetryWireTest {
    static final Instant NOW = Instant.parse("2026-03-01T10:15:30.123Z");
    static final Cause.Remote OP = new Cause.Remote("op-7");

    final Telemetry telemetry = new Telemetry(UnitConfig.defaults("unit-7"), hardware(), "fw-1");

    static Hardware hardware() {
        DeviceClock clock = new DeviceClock() {
            @Override
            public Instant now() {
                return NOW;
            }

            @Override
            public boolean isSet() {
                return true;
            }

            @Override
            public long monotonicMillis() {
                return 0;
            }
        };
        return new Hardware(
                null, null, null, null, null, null, null, null, null, null, null, null, clock, null, null, null);
    }

    /** The event as the wire carries it, keys sorted; {@code seq} is the telemetry's running count. */
    /** The event's JSON with sorted keys, less its boot id, which is random per run and checked here instead. */
    static String wire(UnitEvent e) {
        @SuppressWarnings("unchecked")
        Map<String, Object> json = (Map<String, Object>) sorted(JsonReader.parse(new WireCodec().encode(e)));
        assertThat((String) json.remove("bootId"))
                .as("every event names the run that raised it, for its receipt")
                .matches("[0-9a-f-]{36}");
        return JsonWriter.compactString(json);
    }

    static Object sorted(Object node) {
        if (!(node instanceof Map<?, ?> map)) return node;
        Map<String, Object> out = new TreeMap<>();
        map.forEach((k, v) -> out.put((String) k, sorted(v)));
        return out;
    }

    String wire(ControllerEvent e) {
        return wire(telemetry.event(e));
    }

    static String expected(String type, String state, String cause, String details) {
        return "{\"cause\":\"" + cause + "\",\"details\":" + details + ",\"seq\":1,\"state\":\"" + state
                + "\",\"time\":\"2026-03-01T10:15:30.123Z\",\"type\":\"" + type
                + "\",\"unitId\":\"unit-7\",\"version\":1}";
    }

    @Test
    void stateChanged() {
        assertThat(wire(new StateChanged(UnitState.POST_EVENT, UnitState.BUFFERING, Local.POST_EVENT, 5)))
                .isEqualTo(expected(
                        "state.changed", "BUFFERING", "post-event", "{\"from\":\"POST_EVENT\",\"to\":\"BUFFERING\"}"));
    }

    @Test
    void recordingStarted() {
        assertThat(wire(new RecordingStarted("u-1", true, null, UnitState.RECORDING, Local.BUTTON, 5)))
                .isEqualTo(expected(
                        "recording.started", "RECORDING", "button", "{\"preEvent\":\"true\",\"recordingId\":\"u-1\"}"));
    }

    @Test
    void recordingStartedAfterTheLimitSaysWhatItContinues() {
        assertThat(wire(new RecordingStarted("u-2", false, "u-1", UnitState.RECORDING, Local.LIMIT, 5)))
                .isEqualTo(expected(
                        "recording.started",
                        "RECORDING",
                        "limit",
                        "{\"continues\":\"u-1\",\"preEvent\":\"false\",\"recordingId\":\"u-2\"}"));
    }

    @Test
    void recordingStopped() {
        assertThat(wire(new RecordingStopped("u-1", 3, UnitState.SLEEP, OP, 5)))
                .isEqualTo(expected(
                        "recording.stopped", "SLEEP", "remote:op-7", "{\"markers\":\"3\",\"recordingId\":\"u-1\"}"));
        assertThat(wire(new RecordingStopped("u-1", 0, UnitState.BUFFERING, Local.STORAGE_RESERVE, 5)))
                .contains("\"cause\":\"storage-reserve\"");
    }

    @Test
    void stopArmed() {
        assertThat(wire(new StopArmed("u-1", 5_000, UnitState.RECORDING, 5)))
                .isEqualTo(expected(
                        "recording.stop-armed",
                        "RECORDING",
                        "button",
                        "{\"confirmWithinMillis\":\"5000\",\"recordingId\":\"u-1\"}"));
    }

    @Test
    void markerWithAndWithoutLabel() {
        assertThat(wire(new MarkerPlaced("u-1", 2, null, UnitState.POST_EVENT, Local.BUTTON, 5)))
                .isEqualTo(
                        expected("marker", "POST_EVENT", "button", "{\"markerIndex\":\"2\",\"recordingId\":\"u-1\"}"));
        assertThat(wire(new MarkerPlaced("u-1", 3, "suspect left", UnitState.RECORDING, OP, 5)))
                .isEqualTo(expected(
                                "marker",
                                "RECORDING",
                                "remote:op-7",
                                "{\"label\":\"suspect left\",\"markerIndex\":\"3\",\"recordingId\":\"u-1\"}")
                        .replace("\"seq\":1", "\"seq\":2"));
    }

    @Test
    void sosRaisedAndCleared() {
        assertThat(wire(new SosRaised("u-1", UnitState.RECORDING, 5)))
                .isEqualTo(expected("sos.raised", "RECORDING", "sos", "{\"recordingId\":\"u-1\"}"));
        assertThat(wire(new SosCleared(null, UnitState.BUFFERING, 5)))
                .isEqualTo(expected("sos.cleared", "BUFFERING", "sos", "{}").replace("\"seq\":1", "\"seq\":2"));
    }

    @Test
    void stealth() {
        assertThat(wire(new StealthOn(UnitState.BUFFERING, Local.BUTTON, 5)))
                .isEqualTo(expected("stealth.on", "BUFFERING", "button", "{}"));
        assertThat(wire(new StealthOff(UnitState.BUFFERING, OP, 5)))
                .isEqualTo(expected("stealth.off", "BUFFERING", "remote:op-7", "{}")
                        .replace("\"seq\":1", "\"seq\":2"));
    }

    @Test
    void locate() {
        assertThat(wire(new Locating(15_000, UnitState.SLEEP, OP, 5)))
                .isEqualTo(expected("locate", "SLEEP", "remote:op-7", "{\"durationMillis\":\"15000\"}"));
    }

    @Test
    void dock() {
        assertThat(wire(new Docked(UnitState.SLEEP, 5))).isEqualTo(expected("docked", "SLEEP", "dock", "{}"));
        assertThat(wire(new Undocked(UnitState.BUFFERING, 5)))
                .isEqualTo(expected("undocked", "BUFFERING", "dock", "{}").replace("\"seq\":1", "\"seq\":2"));
    }

    @Test
    void storageReserve() {
        assertThat(wire(new StorageReserveReached(UnitState.BUFFERING, 5)))
                .isEqualTo(expected("storage.reserve", "BUFFERING", "storage-reserve", "{}"));
    }

    @Test
    void callRequestAndCalls() {
        assertThat(wire(new ControllerEvent.CallRequested(UnitState.BUFFERING, 5)))
                .isEqualTo(expected("call.requested", "BUFFERING", "button", "{}"));
        ControllerSnapshot recording = new RecordingController(
                        UnitRuntime.policyOf(org.openbwc.config.RecordingConfig.defaults()), () -> "rec-1", false, 0)
                .snapshot();
        Map<String, String> details = new java.util.LinkedHashMap<>();
        details.put("callId", "call-1");
        details.put("by", "sam");
        assertThat(wire(telemetry.callEvent(org.openbwc.protocol.EventType.CALL_STARTED, "sam", details, recording)))
                .isEqualTo(expected("call.started", "BUFFERING", "remote:sam", "{\"by\":\"sam\",\"callId\":\"call-1\"}")
                        .replace("\"seq\":1", "\"seq\":2"));
    }

    @Test
    void everyCauseHasItsWireString() {
        assertThat(Telemetry.causeOf(Local.BUTTON)).isEqualTo("button");
        assertThat(Telemetry.causeOf(Local.SOS)).isEqualTo("sos");
        assertThat(Telemetry.causeOf(Local.TRIGGER)).isEqualTo("trigger");
        assertThat(Telemetry.causeOf(Local.DOCK)).isEqualTo("dock");
        assertThat(Telemetry.causeOf(Local.POST_EVENT)).isEqualTo("post-event");
        assertThat(Telemetry.causeOf(Local.STORAGE_RESERVE)).isEqualTo("storage-reserve");
        assertThat(Telemetry.causeOf(Local.BATTERY_CRITICAL)).isEqualTo("battery-critical");
        assertThat(Telemetry.causeOf(Local.WRITE_FAILED)).isEqualTo("write-failed");
        assertThat(Telemetry.causeOf(Local.LIMIT)).isEqualTo("limit");
        assertThat(Telemetry.causeOf(new Cause.Remote("unknown"))).isEqualTo("remote:unknown");
    }

    @Test
    void alarmCrossing() {
        AlarmChange low = new AlarmChange(
                EventType.BATTERY_LOW,
                false,
                Map.of("batteryPercent", "14", "charging", "false", "thresholdPercent", "15"),
                5);
        assertThat(wire(telemetry.alarmEvent(low, snapshot(UnitState.RECORDING))))
                .isEqualTo(expected(
                        "battery.low",
                        "RECORDING",
                        "policy",
                        "{\"batteryPercent\":\"14\",\"charging\":\"false\",\"thresholdPercent\":\"15\"}"));
    }

    @Test
    void cameraFailedCutsTheReasonAt500Characters() {
        assertThat(wire(telemetry.cameraFailedEvent("x".repeat(600), snapshot(UnitState.BUFFERING))))
                .isEqualTo(
                        expected("camera.failed", "BUFFERING", "camera", "{\"reason\":\"" + "x".repeat(500) + "\"}"));
    }

    @Test
    void sealedAndRecovered() {
        SealedRecording sealed = new SealedRecording(
                "u-1",
                Path.of("/data/evidence/u-1"),
                EndReason.MAX_DURATION,
                Instant.parse("2026-03-01T10:00:00Z"),
                Instant.parse("2026-03-01T10:15:00Z"),
                900_000,
                4_500,
                3,
                123_456,
                0,
                "abc");
        assertThat(wire(telemetry.sealedEvent(
                        sealed, new VerificationResult(false, "u-1", "bad chain"), snapshot(UnitState.RECORDING))))
                .isEqualTo(expected(
                        "recording.sealed",
                        "RECORDING",
                        "evidence",
                        "{\"bytes\":\"123456\",\"durationMillis\":\"900000\",\"endedAt\":\"2026-03-01T10:15:00Z\","
                                + "\"problem\":\"bad chain\",\"reason\":\"max-duration\",\"recordingId\":\"u-1\","
                                + "\"segments\":\"3\",\"startedAt\":\"2026-03-01T10:00:00Z\",\"verified\":\"false\"}"));
        RecoveredRecording recovered = new RecoveredRecording(
                "u-0", Path.of("/data/evidence/u-0"), true, NOW, 61_000, 305, 77, "torn tail cut");
        assertThat(wire(telemetry.recoveredEvent(recovered, snapshot(UnitState.BUFFERING))))
                .isEqualTo(expected(
                                "recording.recovered",
                                "BUFFERING",
                                "boot",
                                "{\"bytesTruncated\":\"77\",\"detail\":\"torn tail cut\",\"durationMillis\":\"61000\","
                                        + "\"recordingId\":\"u-0\",\"sealed\":\"true\"}")
                        .replace("\"seq\":1", "\"seq\":2"));
    }

    @Test
    void recordingFailedSaysWhyAndWhetherWhatWasDurableIsSealed() {
        assertThat(wire(telemetry.failedEvent(
                        new FailedRecording("u-2", "No space left on device", true, 12_400L),
                        snapshot(UnitState.RECORDING))))
                .isEqualTo(expected(
                        "recording.failed",
                        "RECORDING",
                        "evidence",
                        "{\"durationMillis\":\"12400\",\"reason\":\"No space left on device\","
                                + "\"recordingId\":\"u-2\",\"sealed\":\"true\"}"));
        assertThat(wire(telemetry.failedEvent(
                        new FailedRecording("u-3", "No space left on device", false, null),
                        snapshot(UnitState.RECORDING))))
                .contains("\"details\":{\"reason\":\"No space left on device\",\"recordingId\":\"u-3\","
                        + "\"sealed\":\"false\"}");
    }

    @Test
    void keyMissingNamesBothKeysAndTheRecordingsAndLeavesOutAnUnknownOldKey() {
        assertThat(wire(telemetry.keyMissingEvent(
                        new DeviceKey.MissingKey("ed25519:2222", "ed25519:1111", 12), snapshot(UnitState.BUFFERING))))
                .isEqualTo(expected(
                        "key.missing",
                        "BUFFERING",
                        "boot",
                        "{\"newKey\":\"ed25519:2222\",\"oldKey\":\"ed25519:1111\",\"recordings\":\"12\"}"));
        assertThat(wire(telemetry.keyMissingEvent(
                        new DeviceKey.MissingKey("ed25519:2222", null, 1), snapshot(UnitState.BUFFERING))))
                .contains("\"details\":{\"newKey\":\"ed25519:2222\",\"recordings\":\"1\"}");
    }

    static ControllerSnapshot snapshot(UnitState state) {
        return new ControllerSnapshot(
                state, false, false, false, null, 0, false, 0, 0, 0, 0, false, 0, 0, 0, 0, 0, false);
    }
}
