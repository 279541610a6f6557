package org.openbwc.gateway.evidence;

import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.openbwc.gateway.fleet.FleetRegistry;
import org.openbwc.gateway.fleet.UnitView;
import org.openbwc.protocol.EventType;
import org.openbwc.protocol.UnitEvent;
import org.openbwc.store.CustodyAction;
import org.openbwc.store.IndexedRecording;
import org.openbwc.store.OffloadState;
import org.openbwc.store.Recording;
import org.openbwc.store.RecordingCatalog;
import org.tinylog.Logger;

/**
 * Puts every recording a unit reports (sealed, recovered, failed) into the evidence index once, as still on the unit,
 * with a custody entry saying which unit reported it and what it said: from then on the agency knows the recording
 * exists, whether or not it ever arrives. Writes on a thread of its own, as the registry's listeners must not block.
 */
public final class ReportedRecordings implements FleetRegistry.Listener, AutoCloseable {

    private static final Set<EventType> REPORTS =
            Set.of(EventType.RECORDING_SEALED, EventType.RECORDING_RECOVERED, EventType.RECORDING_FAILED);

    private final RecordingCatalog catalog;
    private final Clock clock;
    private final ExecutorService writer = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "evidence-index");
        t.setDaemon(true);
        return t;
    });

    public ReportedRecordings(RecordingCatalog catalog, Clock clock) {
        this.catalog = Objects.requireNonNull(catalog, "catalog is required");
        this.clock = Objects.requireNonNull(clock, "clock is required");
    }

    @Override
    public void unitChanged(UnitView unit) {}

    @Override
    public void unitEvent(UnitEvent event) {
        if (!REPORTS.contains(event.type()) || event.details().get("recordingId") == null) return;
        try {
            writer.execute(() -> index(event));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            Logger.debug(
                    "Evidence index closed; recording {} not indexed",
                    event.details().get("recordingId"));
        }
    }

    /** Adds the recording unless the index has it (a copy of the event, or a later report on the same recording). */
    void index(UnitEvent event) {
        String id = event.details().get("recordingId");
        try {
            if (catalog.find(id).isPresent()) return;
            catalog.add(new IndexedRecording(recording(event), List.of(), List.of(), List.of()));
            catalog.appendCustody(
                    id, clock.instant(), "unit:" + event.unitId(), null, CustodyAction.REPORTED, summary(event));
            Logger.debug("Recording {} of {} is in the evidence index", id, event.unitId());
        } catch (RuntimeException e) {
            Logger.warn(
                    "Recording {} of {} could not be put into the evidence index: {}",
                    id,
                    event.unitId(),
                    e.getMessage());
        }
    }

    static Recording recording(UnitEvent event) {
        Map<String, String> d = event.details();
        Instant ended = instant(d.get("endedAt"));
        Long durationMillis = number(d.get("durationMillis"));
        Instant started = instant(d.get("startedAt"));
        if (started == null) {
            // recovered and failed reports carry the length, not the start: the start is that much before the report
            Instant end = ended != null ? ended : event.time();
            started = durationMillis != null ? end.minusMillis(durationMillis) : end;
        }
        if (ended != null && ended.isBefore(started)) ended = started;
        String endReason = switch (event.type()) {
            case RECORDING_SEALED -> d.get("reason");
            case RECORDING_RECOVERED -> "recovered";
            default -> null;
        };
        Long bytes = number(d.get("bytes"));
        return new Recording(
                d.get("recordingId"),
                event.unitId(),
                null,
                started,
                ended,
                durationMillis == null ? null : durationMillis * 1000,
                endReason,
                null,
                false,
                OffloadState.ON_UNIT,
                null,
                null,
                null,
                null,
                bytes == null || bytes < 0 ? 0 : bytes);
    }

    /** What the unit said, for the custody entry. */
    private static String summary(UnitEvent event) {
        Map<String, String> d = event.details();
        StringBuilder s = new StringBuilder(event.type().wire()).append(" at ").append(event.time());
        for (String key : List.of("reason", "segments", "bytes", "verified", "problem", "sealed")) {
            if (d.get(key) != null) s.append("; ").append(key).append(' ').append(d.get(key));
        }
        return s.length() > 2000 ? s.substring(0, 2000) : s.toString();
    }

    private static Instant instant(String text) {
        if (text == null) return null;
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static Long number(String text) {
        if (text == null) return null;
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Finishes what was reported before closing (a few seconds at most). */
    @Override
    public void close() {
        writer.shutdown();
        try {
            if (!writer.awaitTermination(5, TimeUnit.SECONDS)) writer.shutdownNow();
        } catch (InterruptedException e) {
            writer.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
