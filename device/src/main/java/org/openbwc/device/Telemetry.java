package org.openbwc.device;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.function.Supplier;
import org.openbwc.config.UnitConfig;
import org.openbwc.device.core.AlarmChange;
import org.openbwc.device.core.Cause;
import org.openbwc.device.core.ControllerEvent;
import org.openbwc.device.core.ControllerEvent.CallRequested;
import org.openbwc.device.core.ControllerEvent.DispatchAcknowledged;
import org.openbwc.device.core.ControllerEvent.DispatchArrived;
import org.openbwc.device.core.ControllerEvent.DispatchCancelled;
import org.openbwc.device.core.ControllerEvent.DispatchReceived;
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
import org.openbwc.device.evidence.DeviceKey;
import org.openbwc.device.evidence.FailedRecording;
import org.openbwc.device.evidence.RecoveredRecording;
import org.openbwc.device.evidence.SealedRecording;
import org.openbwc.evidence.VerificationResult;
import org.openbwc.hal.BatteryReading;
import org.openbwc.hal.GnssFix;
import org.openbwc.hal.Hardware;
import org.openbwc.hal.StorageReading;
import org.openbwc.protocol.Backlog;
import org.openbwc.protocol.Battery;
import org.openbwc.protocol.EventType;
import org.openbwc.protocol.Payload;
import org.openbwc.protocol.Storage;
import org.openbwc.protocol.UnitEvent;
import org.openbwc.protocol.UnitLocation;
import org.openbwc.protocol.UnitState;
import org.openbwc.protocol.UnitStatus;
import org.tinylog.Logger;

/**
 * Turns controller events, alarm changes, snapshots and sensor readings into wire payloads, numbering each kind in
 * sequence. The one place that knows an event's wire type, cause string and detail keys.
 */
final class Telemetry {
    private final UnitConfig config;
    private final Hardware hw;
    private final String firmware;
    // One per run: readers order this run's statuses and positions by seq, never by a clock that may jump.
    private final String bootId = UUID.randomUUID().toString();
    private long statusSeq;
    private long eventSeq;
    private long locationSeq;
    private Instant recordingSince;
    private Instant lastFixTime;
    // Last good readings: a failing gauge (I2C glitch) must not stop status reports.
    private BatteryReading battery;
    private StorageReading storage;
    private boolean sensorFailureLogged;
    // The officer now: the gateway's assignment, else the config's.
    private final Supplier<String> officerId;

    Telemetry(UnitConfig config, Hardware hw, String firmware) {
        this(config, hw, firmware, config::officerId);
    }

    Telemetry(UnitConfig config, Hardware hw, String firmware, Supplier<String> officerId) {
        this.config = config;
        this.hw = hw;
        this.firmware = firmware;
        this.officerId = officerId;
    }

    /** The Will registered at connect: what the broker says if this unit vanishes. */
    UnitStatus offlineStatus() {
        return UnitStatus.offline(
                config.unitId(), officerId.get(), firmware, hw.clock().now());
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
                officerId.get(),
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
        if (e instanceof RecordingStarted) recordingSince = hw.clock().now();
        if (!after.isRecording()) recordingSince = null;
    }

    /**
     * The status of a unit in state {@code s} whose camera and live stream report {@code c}, with its offload backlog
     * (null when it does not offload).
     */
    UnitStatus status(ControllerSnapshot s, CameraFacts c, Backlog backlog) {
        boolean recording = s.isRecording();
        return new UnitStatus(
                Payload.VERSION,
                config.unitId(),
                s.state(),
                true,
                s.stealth(),
                s.sos(),
                officerId.get(),
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
                c.live() ? c.viewers() : null,
                c.evidenceKey(),
                bootId,
                backlog);
    }

    UnitEvent event(ControllerEvent e) {
        return new UnitEvent(
                Payload.VERSION,
                config.unitId(),
                typeOf(e),
                hw.clock().now(),
                e.state(),
                causeOf(e.cause()),
                detailsOf(e),
                ++eventSeq,
                bootId);
    }

    /**
     * {@code officer.changed}: the gateway assigned {@code change.now()} (empty id: unassigned) in place of
     * {@code change.previous()}.
     */
    UnitEvent officerChanged(OfficerAssignment.Change change, String requestedBy, ControllerSnapshot s) {
        Map<String, String> details = new LinkedHashMap<>();
        details.put("officerId", change.now().officerId());
        details.put("previous", change.previous().officerId());
        return new UnitEvent(
                Payload.VERSION,
                config.unitId(),
                EventType.OFFICER_CHANGED,
                hw.clock().now(),
                s.state(),
                "remote:" + requestedBy,
                details,
                ++eventSeq,
                bootId);
    }

    static EventType typeOf(ControllerEvent e) {
        return switch (e) {
            case StateChanged x -> EventType.STATE_CHANGED;
            case RecordingStarted x -> EventType.RECORDING_STARTED;
            case RecordingStopped x -> EventType.RECORDING_STOPPED;
            case StopArmed x -> EventType.STOP_ARMED;
            case MarkerPlaced x -> EventType.MARKER;
            case SosRaised x -> EventType.SOS_RAISED;
            case SosCleared x -> EventType.SOS_CLEARED;
            case StealthOn x -> EventType.STEALTH_ON;
            case StealthOff x -> EventType.STEALTH_OFF;
            case Locating x -> EventType.LOCATE;
            case Docked x -> EventType.DOCKED;
            case Undocked x -> EventType.UNDOCKED;
            case StorageReserveReached x -> EventType.STORAGE_RESERVE;
            case DispatchReceived x -> EventType.DISPATCH_RECEIVED;
            case DispatchAcknowledged x -> EventType.DISPATCH_ACKNOWLEDGED;
            case DispatchCancelled x -> EventType.DISPATCH_CANCELLED;
            case DispatchArrived x -> EventType.DISPATCH_ARRIVED;
            case CallRequested x -> EventType.CALL_REQUESTED;
        };
    }

    /** The wire's cause string: "button", "sos", ..., or "remote:&lt;requestedBy&gt;". */
    static String causeOf(Cause cause) {
        return switch (cause) {
            case Cause.Remote r -> "remote:" + r.requestedBy();
            case Cause.Local l ->
                switch (l) {
                    case BUTTON -> "button";
                    case SOS -> "sos";
                    case TRIGGER -> "trigger";
                    case DOCK -> "dock";
                    case POST_EVENT -> "post-event";
                    case STORAGE_RESERVE -> "storage-reserve";
                    case BATTERY_CRITICAL -> "battery-critical";
                    case WRITE_FAILED -> "write-failed";
                    case LIMIT -> "limit";
                    case POSITION -> "position";
                };
        };
    }

    /** The wire's details of an event; keys, values and their insertion order as the wire has always had them. */
    static Map<String, String> detailsOf(ControllerEvent e) {
        return switch (e) {
            case StateChanged c -> Map.of("from", c.from().name(), "to", c.to().name());
            case RecordingStarted s ->
                s.continues() == null
                        ? Map.of("recordingId", s.recordingId(), "preEvent", Boolean.toString(s.preEvent()))
                        : Map.of(
                                "recordingId",
                                s.recordingId(),
                                "preEvent",
                                Boolean.toString(s.preEvent()),
                                "continues",
                                s.continues());
            case RecordingStopped s -> Map.of("recordingId", s.recordingId(), "markers", Integer.toString(s.markers()));
            case StopArmed a ->
                Map.of("recordingId", a.recordingId(), "confirmWithinMillis", Long.toString(a.confirmWithinMillis()));
            case MarkerPlaced m -> {
                Map<String, String> details = new LinkedHashMap<>();
                if (m.label() != null) details.put("label", m.label());
                details.put("recordingId", m.recordingId());
                details.put("markerIndex", Integer.toString(m.markerIndex()));
                yield details;
            }
            case SosRaised s -> s.recordingId() == null ? Map.of() : Map.of("recordingId", s.recordingId());
            case SosCleared s -> s.recordingId() == null ? Map.of() : Map.of("recordingId", s.recordingId());
            case Locating l -> Map.of("durationMillis", Long.toString(l.durationMillis()));
            case StealthOn x -> Map.of();
            case StealthOff x -> Map.of();
            case Docked x -> Map.of();
            case Undocked x -> Map.of();
            case StorageReserveReached x -> Map.of();
            case DispatchReceived r ->
                r.replaced() == null
                        ? Map.of("id", r.order().id(), "priority", r.order().priority())
                        : Map.of("id", r.order().id(), "priority", r.order().priority(), "replaced", r.replaced());
            case DispatchAcknowledged a -> Map.of("id", a.dispatchId());
            case DispatchCancelled c -> Map.of("id", c.dispatchId());
            case DispatchArrived a ->
                Map.of("id", a.dispatchId(), "distanceMeters", Long.toString(Math.round(a.distanceMeters())));
            case CallRequested x -> Map.of();
        };
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
                ++eventSeq,
                bootId);
    }

    /** A voice call with the room started or ended (docs/protocol.md, call.started / call.ended). */
    UnitEvent callEvent(EventType type, String by, Map<String, String> details, ControllerSnapshot s) {
        return new UnitEvent(
                Payload.VERSION,
                config.unitId(),
                type,
                hw.clock().now(),
                s.state(),
                "remote:" + by,
                details,
                ++eventSeq,
                bootId);
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
                ++eventSeq,
                bootId);
    }

    UnitEvent sealedEvent(SealedRecording r, VerificationResult check, ControllerSnapshot s) {
        Map<String, String> details = new LinkedHashMap<>();
        details.put("recordingId", r.recordingId());
        details.put("startedAt", r.startedAt().toString());
        details.put("endedAt", r.endedAt().toString());
        details.put("durationMillis", Long.toString(r.durationMillis()));
        details.put("segments", Integer.toString(r.segmentCount()));
        details.put("bytes", Long.toString(r.bytes()));
        details.put("reason", r.reason().wireName());
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
                ++eventSeq,
                bootId);
    }

    /** The unit found recordings but no evidence key at boot and made a new one (docs/protocol.md, key.missing). */
    UnitEvent keyMissingEvent(DeviceKey.MissingKey m, ControllerSnapshot s) {
        Map<String, String> details = new LinkedHashMap<>();
        details.put("newKey", m.newFingerprint());
        if (m.oldFingerprint() != null) details.put("oldKey", m.oldFingerprint());
        details.put("recordings", Integer.toString(m.recordings()));
        return new UnitEvent(
                Payload.VERSION,
                config.unitId(),
                EventType.KEY_MISSING,
                hw.clock().now(),
                s.state(),
                "boot",
                details,
                ++eventSeq,
                bootId);
    }

    /** The writer gave up on a recording (docs/protocol.md, recording.failed). */
    UnitEvent failedEvent(FailedRecording r, ControllerSnapshot s) {
        Map<String, String> details = new LinkedHashMap<>();
        details.put("recordingId", r.recordingId());
        details.put("reason", r.reason().length() > 300 ? r.reason().substring(0, 300) : r.reason());
        details.put("sealed", Boolean.toString(r.sealed()));
        if (r.durationMillis() != null) details.put("durationMillis", Long.toString(r.durationMillis()));
        return new UnitEvent(
                Payload.VERSION,
                config.unitId(),
                EventType.RECORDING_FAILED,
                hw.clock().now(),
                s.state(),
                "evidence",
                details,
                ++eventSeq,
                bootId);
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
                ++eventSeq,
                bootId);
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
                ++locationSeq,
                bootId));
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
