package org.openbwc.device;

import java.time.Instant;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.openbwc.device.core.Cause;
import org.openbwc.device.core.ControllerEvent;
import org.openbwc.device.core.ControllerEvent.MarkerPlaced;
import org.openbwc.device.core.ControllerEvent.RecordingStarted;
import org.openbwc.device.core.ControllerEvent.RecordingStopped;
import org.openbwc.device.evidence.SealedRecording;
import org.openbwc.evidence.EndReason;
import org.openbwc.evidence.VerificationResult;
import org.openbwc.hal.DeviceClock;
import org.openbwc.protocol.UnitLocation;
import org.tinylog.Logger;

/**
 * Carries out the controller's recording decisions on the camera's evidence store: opens, seals and marks recordings,
 * adds locations, and checks each sealed recording. All of it runs in order on one thread of its own, off the
 * controller thread, because sealing waits for fsync and a check hashes the whole recording again.
 */
final class EvidenceRecorder {
    /** How long a clean shutdown waits for the last seal and check. */
    static final long CLOSE_WAIT_SECONDS = 10;

    private final String tag;
    private final DeviceClock clock;
    private final UnitCamera camera;
    private final ExecutorService ops;

    EvidenceRecorder(String unitId, DeviceClock clock, UnitCamera camera) {
        this.tag = "[" + unitId + "] ";
        this.clock = clock;
        this.camera = camera;
        this.ops = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "evidence-" + unitId);
            t.setDaemon(true);
            return t;
        });
    }

    /** Turns a recording event into evidence: open, seal, mark; other events need nothing. Controller thread. */
    void act(ControllerEvent e) {
        Instant at = clock.now();
        switch (e) {
            case RecordingStarted started -> {
                String id = started.recordingId();
                String trigger = triggerOf(started.cause());
                boolean clockSet = clock.isSet();
                ops.execute(() -> {
                    try {
                        camera.startRecording(id, trigger, at, clockSet);
                    } catch (Exception ex) {
                        Logger.error(ex, "{}recording {} could not be opened", tag, id);
                    }
                });
            }
            case RecordingStopped stopped ->
                ops.execute(() -> {
                    try {
                        camera.stopRecording(at, endReasonOf(stopped.cause()))
                                .ifPresent(r -> Logger.info(
                                        "{}recording {} sealed: {} s, {} segments, {} fragments",
                                        tag,
                                        r.recordingId(),
                                        r.durationMillis() / 1000.0,
                                        r.segmentCount(),
                                        r.fragmentCount()));
                    } catch (RuntimeException ex) {
                        Logger.error(ex, "{}recording could not be sealed; it will be recovered at the next boot", tag);
                    }
                });
            case MarkerPlaced marker -> {
                String label = marker.label() != null ? marker.label() : "marker " + marker.markerIndex();
                ops.execute(() -> camera.marker(at, label));
            }
            default -> {}
        }
    }

    /** Why the signed manifest says the recording ended: the reserve and battery stops say so, others are stops. */
    static EndReason endReasonOf(Cause cause) {
        if (cause == Cause.Local.STORAGE_RESERVE) return EndReason.STORAGE_RESERVE;
        if (cause == Cause.Local.BATTERY_CRITICAL) return EndReason.BATTERY_LOW;
        // the writer sealed it already (storage-full or write-failed); a stop finds nothing open
        if (cause == Cause.Local.WRITE_FAILED) return EndReason.WRITE_FAILED;
        return EndReason.STOPPED;
    }

    /** The writer's trigger word for what started a recording (any remote command → remote). */
    static String triggerOf(Cause cause) {
        return switch (cause) {
            case Cause.Remote r -> "remote";
            case Cause.Local l ->
                switch (l) {
                    case BUTTON -> "button";
                    case SOS -> "sos";
                    case TRIGGER -> "trigger";
                    case LIMIT -> "limit";
                    case DOCK, POST_EVENT, STORAGE_RESERVE, BATTERY_CRITICAL, WRITE_FAILED, POSITION -> "other";
                };
        };
    }

    /** Adds a position fix to the open recording. */
    void location(UnitLocation l) {
        ops.execute(() -> camera.location(l.lat(), l.lon(), l.accuracyMeters(), l.fixTime()));
    }

    /**
     * Checks a sealed recording against the unit's key, as {@code bwc evidence verify} would, and hands the result to
     * {@code checked}; both on this recorder's thread. Called by the evidence writer's thread, which may be starting
     * the next recording: hashing a long recording again takes a while.
     */
    void check(SealedRecording r, BiConsumer<SealedRecording, VerificationResult> checked) {
        ops.execute(() -> {
            VerificationResult check = camera.selfCheck(r.directory());
            if (!check.ok())
                Logger.error(
                        "{}recording {} failed its own check after sealing: {}", tag, r.recordingId(), check.message());
            checked.accept(r, check);
        });
    }

    /** Finishes what is queued (a seal and its check after a shutdown), waiting at most {@link #CLOSE_WAIT_SECONDS}. */
    void close() {
        ops.shutdown();
        try {
            ops.awaitTermination(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Power loss: drops what is queued. */
    void kill() {
        ops.shutdownNow();
    }
}
