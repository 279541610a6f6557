package org.openbwc.device;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Supplier;
import org.openbwc.config.UnitConfig;
import org.openbwc.device.core.AlarmChange;
import org.openbwc.device.core.ControllerEvent;
import org.openbwc.device.core.ControllerSnapshot;
import org.openbwc.device.evidence.RecoveredRecording;
import org.openbwc.device.evidence.SealedRecording;
import org.openbwc.device.evidence.VerificationResult;
import org.openbwc.hal.BatteryReading;
import org.openbwc.hal.GnssFix;
import org.openbwc.hal.Hardware;
import org.openbwc.hal.StorageReading;
import org.openbwc.protocol.Battery;
import org.openbwc.protocol.EventType;
import org.openbwc.protocol.Payload;
import org.openbwc.protocol.Storage;
import org.openbwc.protocol.UnitEvent;
import org.openbwc.protocol.UnitLocation;
import org.openbwc.protocol.UnitState;
import org.openbwc.protocol.UnitStatus;
import org.tinylog.Logger;

/** Turns controller snapshots and sensor readings into wire payloads, numbering each kind in sequence. */
final class Telemetry {
    private final UnitConfig config;
    private final Hardware hw;
    private final String firmware;
    private final Supplier<CameraFacts> camera;
    private long statusSeq;
    private long eventSeq;
    private long locationSeq;
    private Instant recordingSince;
    private Instant lastFixTime;
    // Last good readings: a failing gauge (I2C glitch) must not stop status reports.
    private BatteryReading battery;
    private StorageReading storage;
    private boolean sensorFailureLogged;

    Telemetry(UnitConfig config, Hardware hw, String firmware, Supplier<CameraFacts> camera) {
        this.config = config;
        this.hw = hw;
        this.firmware = firmware;
        this.camera = camera;
    }

    /** The Will registered at connect: what the broker says if this unit vanishes. */
    UnitStatus offlineStatus() {
        return UnitStatus.offline(
                config.unitId(), config.officerId(), firmware, hw.clock().now());
    }

    /** What a unit says itself when it shuts down cleanly. */
    UnitStatus shutdownStatus() {
        return new UnitStatus(
                Payload.VERSION,
                config.unitId(),
                UnitState.OFFLINE,
                false,
                false,
                false,
                config.officerId(),
                battery(),
                storage(),
                null,
                null,
                false,
                hw.clock().isSet(),
                firmware,
                ++statusSeq,
                hw.clock().now());
    }

    /** Remembers the wall time a recording started, which the pure controller (monotonic time only) cannot know. */
    void noteEvent(ControllerEvent e, ControllerSnapshot after) {
        if (e.type() == EventType.RECORDING_STARTED) recordingSince = hw.clock().now();
        if (!after.isRecording()) recordingSince = null;
    }

    UnitStatus status(ControllerSnapshot s) {
        boolean recording = s.isRecording();
        CameraFacts c = camera.get();
        return new UnitStatus(
                Payload.VERSION,
                config.unitId(),
                s.state(),
                true,
                s.stealth(),
                s.sos(),
                config.officerId(),
                battery(),
                storage(),
                recording ? s.recordingId() : null,
                recording ? recordingSince : null,
                c.live(),
                hw.clock().isSet(),
                firmware,
                ++statusSeq,
                hw.clock().now(),
                recording ? c.recordingMillis() : null,
                c.droppedFrames(),
                c.publicKey(),
                signal(),
                c.live() ? c.viewers() : null);
    }

    UnitEvent event(ControllerEvent e) {
        return new UnitEvent(
                Payload.VERSION,
                config.unitId(),
                e.type(),
                hw.clock().now(),
                e.state(),
                e.cause(),
                e.details(),
                ++eventSeq);
    }

    UnitEvent alarmEvent(AlarmChange c, ControllerSnapshot s) {
        return new UnitEvent(
                Payload.VERSION,
                config.unitId(),
                c.type(),
                hw.clock().now(),
                s.state(),
                "policy",
                c.details(),
                ++eventSeq);
    }

    UnitEvent cameraFailedEvent(String reason, ControllerSnapshot s) {
        return new UnitEvent(
                Payload.VERSION,
                config.unitId(),
                EventType.CAMERA_FAILED,
                hw.clock().now(),
                s.state(),
                "camera",
                Map.of("reason", reason.length() > 500 ? reason.substring(0, 500) : reason),
                ++eventSeq);
    }

    UnitEvent sealedEvent(SealedRecording r, VerificationResult check, ControllerSnapshot s) {
        Map<String, String> details = new LinkedHashMap<>();
        details.put("recordingId", r.recordingId());
        details.put("startedAt", r.startedAt().toString());
        details.put("endedAt", r.endedAt().toString());
        details.put("durationMillis", Long.toString(r.durationMillis()));
        details.put("segments", Integer.toString(r.segmentCount()));
        details.put("bytes", Long.toString(r.bytes()));
        details.put("reason", r.reason().name().toLowerCase(Locale.ROOT));
        details.put("verified", Boolean.toString(check.ok()));
        if (!check.ok())
            details.put(
                    "problem", check.message().length() > 300 ? check.message().substring(0, 300) : check.message());
        return new UnitEvent(
                Payload.VERSION,
                config.unitId(),
                EventType.RECORDING_SEALED,
                hw.clock().now(),
                s.state(),
                "evidence",
                details,
                ++eventSeq);
    }

    UnitEvent recoveredEvent(RecoveredRecording r, ControllerSnapshot s) {
        Map<String, String> details = new LinkedHashMap<>();
        details.put("recordingId", r.recordingId());
        details.put("durationMillis", Long.toString(r.durationMillis()));
        details.put("bytesTruncated", Long.toString(r.bytesTruncated()));
        details.put("sealed", Boolean.toString(r.sealed()));
        if (r.detail() != null) details.put("detail", r.detail());
        return new UnitEvent(
                Payload.VERSION,
                config.unitId(),
                EventType.RECORDING_RECOVERED,
                hw.clock().now(),
                s.state(),
                "boot",
                details,
                ++eventSeq);
    }

    /** The newest fix, or empty when there is none or it is the one already sent. */
    Optional<UnitLocation> location() {
        Optional<GnssFix> fix = hw.gnss().latestFix();
        if (fix.isEmpty()) return Optional.empty();
        GnssFix f = fix.get();
        if (f.fixTime().equals(lastFixTime)) return Optional.empty();
        lastFixTime = f.fixTime();
        return Optional.of(new UnitLocation(
                Payload.VERSION,
                config.unitId(),
                f.lat(),
                f.lon(),
                f.accuracyMeters(),
                f.altitudeMeters(),
                f.speedMps(),
                f.courseDegrees(),
                f.fixTime(),
                ++locationSeq));
    }

    /**
     * Reads battery and storage once for everything that reports them until the next call; keeps the last good
     * reading (and says so once in the log) when a sensor fails. Returns false until a first reading succeeded.
     */
    boolean readSensors() {
        try {
            battery = hw.battery().read();
            storage = hw.storage().read();
            if (sensorFailureLogged) Logger.info("[{}] sensors readable again", config.unitId());
            sensorFailureLogged = false;
        } catch (RuntimeException e) {
            if (!sensorFailureLogged)
                Logger.warn(
                        "[{}] reading battery/storage failed, reporting the last good values: {}",
                        config.unitId(),
                        e.getMessage());
            sensorFailureLogged = true;
        }
        return battery != null && storage != null;
    }

    BatteryReading batteryReading() {
        return battery;
    }

    StorageReading storageReading() {
        return storage;
    }

    private Battery battery() {
        if (battery == null) return null;
        return new Battery(battery.percent(), battery.charging(), hw.dock().isActive(), battery.minutesLeft());
    }

    private Integer signal() {
        try {
            OptionalInt s = hw.radio().signalPercent();
            return s.isPresent() ? s.getAsInt() : null;
        } catch (RuntimeException e) {
            Logger.debug("[{}] reading the radio signal failed: {}", config.unitId(), e.toString());
            return null;
        }
    }

    private Storage storage() {
        return storage == null ? null : new Storage(storage.freeBytes(), storage.totalBytes());
    }
}
