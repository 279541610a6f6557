package org.openbwc.gateway.fleet;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;
import org.openbwc.protocol.UnitEvent;

/**
 * Each unit's recent recordings as the unit reported them in its events (started, stopped, sealed and checked,
 * recovered, failed), for the unit page. The evidence itself stays on the unit until it is offloaded.
 */
public final class RecordingIndex implements FleetRegistry.Listener {

    /**
     * One recording as reported.
     *
     * @param verified the unit's own check after sealing: true, false, or null while not reported yet
     * @param preEvent whether the recording began with the pre-event buffer
     */
    public record Entry(
            String recordingId,
            Instant startedAt,
            Instant stoppedAt,
            Long durationMillis,
            String trigger,
            Boolean preEvent,
            boolean recovered,
            Boolean verified,
            Integer segments,
            Long bytes,
            String problem) {}

    private final int perUnit;
    private final Map<String, LinkedHashMap<String, Entry>> units = new ConcurrentHashMap<>();

    public RecordingIndex(int perUnit) {
        this.perUnit = perUnit;
    }

    /** The unit's recordings, newest first. */
    public List<Entry> recordings(String unitId) {
        LinkedHashMap<String, Entry> m = units.get(unitId);
        if (m == null) return List.of();
        synchronized (m) {
            List<Entry> list = new ArrayList<>(m.values());
            Collections.reverse(list);
            return list;
        }
    }

    @Override
    public void unitEvent(UnitEvent e) {
        String id = e.details().get("recordingId");
        if (id == null) return;
        Map<String, String> d = e.details();
        switch (e.type()) {
            case RECORDING_STARTED ->
                update(
                        e.unitId(),
                        id,
                        old -> new Entry(
                                id,
                                e.time(),
                                null,
                                null,
                                trigger(e.cause()),
                                Boolean.parseBoolean(d.getOrDefault("preEvent", "false")),
                                false,
                                null,
                                null,
                                null,
                                null));
            case RECORDING_STOPPED ->
                update(
                        e.unitId(),
                        id,
                        old -> old == null
                                ? new Entry(id, null, e.time(), null, null, null, false, null, null, null, null)
                                : new Entry(
                                        id,
                                        old.startedAt(),
                                        e.time(),
                                        old.durationMillis(),
                                        old.trigger(),
                                        old.preEvent(),
                                        old.recovered(),
                                        old.verified(),
                                        old.segments(),
                                        old.bytes(),
                                        old.problem()));
            case RECORDING_SEALED ->
                update(
                        e.unitId(),
                        id,
                        old -> new Entry(
                                id,
                                instant(d.get("startedAt"), old == null ? null : old.startedAt()),
                                instant(d.get("endedAt"), old == null ? null : old.stoppedAt()),
                                number(d.get("durationMillis")),
                                old == null ? null : old.trigger(),
                                old == null ? null : old.preEvent(),
                                old != null && old.recovered(),
                                Boolean.valueOf(d.getOrDefault("verified", "false")),
                                number(d.get("segments")) == null
                                        ? null
                                        : number(d.get("segments")).intValue(),
                                number(d.get("bytes")),
                                d.get("problem")));
            case RECORDING_RECOVERED ->
                update(
                        e.unitId(),
                        id,
                        old -> new Entry(
                                id,
                                old == null ? null : old.startedAt(),
                                e.time(),
                                number(d.get("durationMillis")),
                                old == null ? null : old.trigger(),
                                old == null ? null : old.preEvent(),
                                true,
                                Boolean.valueOf(d.getOrDefault("sealed", "false")),
                                null,
                                null,
                                d.get("detail")));
            case RECORDING_FAILED ->
                update(
                        e.unitId(),
                        id,
                        old -> new Entry(
                                id,
                                old == null ? null : old.startedAt(),
                                e.time(),
                                number(d.get("durationMillis")),
                                old == null ? null : old.trigger(),
                                old == null ? null : old.preEvent(),
                                old != null && old.recovered(),
                                null,
                                null,
                                null,
                                "failed: " + d.getOrDefault("reason", "unknown reason") + "; "
                                        + ("true".equals(d.get("sealed"))
                                                ? "what was on disk is sealed (" + d.get("durationMillis") + " ms)"
                                                : "left unsealed until the unit restarts")));
            default -> {}
        }
    }

    @Override
    public void unitChanged(UnitView unit) {}

    @Override
    public void unitRemoved(String unitId) {
        units.remove(unitId);
    }

    private void update(String unitId, String recordingId, UnaryOperator<Entry> change) {
        LinkedHashMap<String, Entry> m = units.computeIfAbsent(unitId, k -> new LinkedHashMap<>());
        synchronized (m) {
            m.put(recordingId, change.apply(m.get(recordingId)));
            while (m.size() > perUnit) m.remove(m.keySet().iterator().next());
        }
    }

    /** "remote:gw-1/alice" → "remote"; button, sos, trigger, limit as they are. */
    static String trigger(String cause) {
        if (cause == null || cause.isEmpty()) return "other";
        int colon = cause.indexOf(':');
        return colon < 0 ? cause : cause.substring(0, colon);
    }

    private static Long number(String s) {
        try {
            return s == null ? null : Long.parseLong(s);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static Instant instant(String s, Instant fallback) {
        try {
            return s == null ? fallback : Instant.parse(s);
        } catch (DateTimeParseException e) {
            return fallback;
        }
    }
}
