package org.openbwc.bench.search;

import java.io.StringReader;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.openbwc.store.IndexedRecording;
import org.openbwc.store.Marker;
import org.openbwc.store.Recording;
import org.openbwc.store.RecordingCatalog;
import org.openbwc.store.Segment;
import org.openbwc.store.TrackCells;
import org.openbwc.store.TrackPoint;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

/**
 * Loads the fleet into the evidence index: every {@code addEvery}-th recording through {@link RecordingCatalog#add},
 * the rest in bulk into the same four tables with the same values (the track points' grid cells from {@link
 * TrackCells}, as add writes them) (PostgreSQL: {@code COPY}; H2: batched inserts), then
 * checks the row counts and reads a few bulk-loaded recordings back with {@code find}.
 */
final class Loader {

    /** What loading took and wrote. */
    record Loaded(
            long recordings,
            long added,
            long points,
            double loadSeconds,
            double addMillisPerRecording,
            double analyzeSeconds,
            Map<String, Long> rows,
            int readBack) {}

    private static final int FLUSH_RECORDINGS = 250;

    private final Fleet fleet;
    private final RecordingCatalog catalog;
    private final Connection bulk;
    private final boolean postgres;
    private final int addEvery;
    private final Consumer<String> progress;

    Loader(
            Fleet fleet,
            RecordingCatalog catalog,
            Connection bulk,
            boolean postgres,
            int addEvery,
            Consumer<String> progress) {
        this.progress = progress;
        this.fleet = fleet;
        this.catalog = catalog;
        this.bulk = bulk;
        this.postgres = postgres;
        this.addEvery = Math.max(1, addEvery);
    }

    Loaded load(String label) throws SQLException, java.io.IOException {
        long t0 = System.nanoTime();
        long added = 0, addNanos = 0, recordings = 0, points = 0, segments = 0, markers = 0;
        List<IndexedRecording> pending = new ArrayList<>();
        long lastReport = t0;
        for (int u = 0; u < fleet.units; u++) {
            for (Fleet.Header h : fleet.unit(u)) {
                IndexedRecording r = fleet.recording(h);
                if (recordings % addEvery == 0) {
                    long a = System.nanoTime();
                    catalog.add(r);
                    addNanos += System.nanoTime() - a;
                    added++;
                } else {
                    pending.add(r);
                    if (pending.size() >= FLUSH_RECORDINGS) flush(pending);
                }
                recordings++;
                points += r.track().size();
                segments += r.segments().size();
                markers += r.markers().size();
            }
            long now = System.nanoTime();
            if (now - lastReport > 30_000_000_000L) {
                lastReport = now;
                progress.accept(String.format(
                        "%s: %,d of %,d points loaded in %.0f s", label, points, fleet.points(), (now - t0) / 1e9));
            }
        }
        flush(pending);
        double loadSeconds = (System.nanoTime() - t0) / 1e9;
        long a0 = System.nanoTime();
        analyze();
        double analyzeSeconds = (System.nanoTime() - a0) / 1e9;
        Map<String, Long> rows = rowCounts();
        Map<String, Long> expected =
                Map.of("recordings", recordings, "segments", segments, "markers", markers, "track_points", points);
        for (var e : expected.entrySet()) {
            if (!e.getValue().equals(rows.get(e.getKey()))) {
                throw new IllegalStateException(label + ": " + e.getKey() + " holds " + rows.get(e.getKey())
                        + " rows, the fleet has " + e.getValue());
            }
        }
        int readBack = readBack(label, 25);
        return new Loaded(
                recordings,
                added,
                points,
                loadSeconds,
                added == 0 ? 0 : addNanos / 1e6 / added,
                analyzeSeconds,
                rows,
                readBack);
    }

    /** Statistics and, on PostgreSQL, the visibility map (index-only scans), as autovacuum would leave them. */
    void analyze() throws SQLException {
        try (Statement s = bulk.createStatement()) {
            if (postgres) {
                boolean auto = bulk.getAutoCommit();
                bulk.setAutoCommit(true);
                s.execute("VACUUM ANALYZE recordings");
                s.execute("VACUUM ANALYZE segments");
                s.execute("VACUUM ANALYZE markers");
                s.execute("VACUUM ANALYZE track_points");
                bulk.setAutoCommit(auto);
            } else {
                s.execute("ANALYZE");
            }
        }
    }

    Map<String, Long> rowCounts() throws SQLException {
        Map<String, Long> rows = new TreeMap<>();
        try (Statement s = bulk.createStatement()) {
            for (String t : List.of("recordings", "segments", "markers", "track_points")) {
                try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + t)) {
                    rs.next();
                    rows.put(t, rs.getLong(1));
                }
            }
        }
        return rows;
    }

    /** Reads {@code n} recordings that were loaded in bulk back with {@code find}: each must equal what was made. */
    int readBack(String label, int n) {
        SplittableRandom r = new SplittableRandom(fleet.seed + 99);
        int checked = 0;
        for (int i = 0; i < n; i++) {
            Fleet.Header h;
            do {
                List<Fleet.Header> hs = fleet.unit(r.nextInt(fleet.units));
                h = hs.isEmpty() ? null : hs.get(r.nextInt(hs.size()));
            } while (h == null);
            IndexedRecording made = fleet.recording(h);
            Optional<IndexedRecording> found = catalog.find(h.id());
            if (found.isEmpty() || !found.get().equals(made)) {
                throw new IllegalStateException(label + ": recording " + h.id() + " reads back as "
                        + found.map(IndexedRecording::recording).orElse(null) + ", not as made");
            }
            checked++;
        }
        return checked;
    }

    private void flush(List<IndexedRecording> pending) throws SQLException, java.io.IOException {
        if (pending.isEmpty()) return;
        if (postgres) copy(pending);
        else insert(pending);
        pending.clear();
    }

    // ---- PostgreSQL: COPY, the rows add() writes, in its column order -----------------------------------------------

    private void copy(List<IndexedRecording> batch) throws SQLException, java.io.IOException {
        CopyManager copy = bulk.unwrap(PGConnection.class).getCopyAPI();
        StringBuilder rec = new StringBuilder(), seg = new StringBuilder(), mark = new StringBuilder();
        StringBuilder track = new StringBuilder(batch.size() * 200 * 80);
        for (IndexedRecording e : batch) {
            Recording r = e.recording();
            row(
                    rec,
                    r.id(),
                    r.unitId(),
                    r.officerId(),
                    r.startedAt(),
                    r.endedAt(),
                    r.durationMicros(),
                    r.endReason(),
                    r.category(),
                    r.legalHold(),
                    r.offloadState().wireName(),
                    r.manifestSignature(),
                    r.keyFingerprint(),
                    r.verified(),
                    r.verificationProblem(),
                    r.bytes());
            int i = 0;
            for (Segment s : e.segments()) row(seg, r.id(), i++, s.name(), s.bytes(), s.sha256());
            i = 0;
            for (Marker m : e.markers()) row(mark, r.id(), i++, m.at(), m.label());
            i = 0;
            for (TrackPoint p : e.track()) {
                row(
                        track,
                        r.id(),
                        i++,
                        r.unitId(),
                        p.at(),
                        p.lat(),
                        p.lon(),
                        p.accuracyMeters(),
                        TrackCells.of(p.lat(), p.lon()));
            }
        }
        boolean auto = bulk.getAutoCommit();
        bulk.setAutoCommit(false);
        copy.copyIn(
                "COPY recordings (id, unit_id, officer_id, started_at, ended_at, duration_micros, end_reason, category,"
                        + " legal_hold, offload_state, manifest_signature, key_fingerprint, verified,"
                        + " verification_problem, bytes) FROM STDIN",
                new StringReader(rec.toString()));
        copy.copyIn(
                "COPY segments (recording_id, ordinal, name, bytes, sha256) FROM STDIN",
                new StringReader(seg.toString()));
        copy.copyIn("COPY markers (recording_id, ordinal, at, label) FROM STDIN", new StringReader(mark.toString()));
        copy.copyIn(
                "COPY track_points (recording_id, ordinal, unit_id, at, lat, lon, accuracy_meters, cell) FROM STDIN",
                new StringReader(track.toString()));
        bulk.commit();
        bulk.setAutoCommit(auto);
    }

    /** One line of COPY's text format; the values hold no tab, newline or backslash. */
    private static void row(StringBuilder b, Object... values) {
        for (int i = 0; i < values.length; i++) {
            if (i > 0) b.append('\t');
            Object v = values[i];
            if (v == null) b.append("\\N");
            else if (v instanceof Boolean x) b.append(x ? 't' : 'f');
            else b.append(v); // Instant: ISO-8601 with Z, which timestamptz reads; double: Java's shortest form
        }
        b.append('\n');
    }

    // ---- H2: batched inserts, the statements add() runs -------------------------------------------------------------

    private void insert(List<IndexedRecording> batch) throws SQLException {
        boolean auto = bulk.getAutoCommit();
        bulk.setAutoCommit(false);
        try (PreparedStatement rec = bulk.prepareStatement("INSERT INTO recordings (id, unit_id, officer_id,"
                        + " started_at, ended_at, duration_micros, end_reason, category, legal_hold, offload_state,"
                        + " manifest_signature, key_fingerprint, verified, verification_problem, bytes)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
                PreparedStatement seg = bulk.prepareStatement(
                        "INSERT INTO segments (recording_id, ordinal, name, bytes, sha256) VALUES (?, ?, ?, ?, ?)");
                PreparedStatement mark = bulk.prepareStatement(
                        "INSERT INTO markers (recording_id, ordinal, at, label) VALUES (?, ?, ?, ?)");
                PreparedStatement track = bulk.prepareStatement("INSERT INTO track_points"
                        + " (recording_id, ordinal, unit_id, at, lat, lon, accuracy_meters, cell)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (IndexedRecording e : batch) {
                Recording r = e.recording();
                rec.setString(1, r.id());
                rec.setString(2, r.unitId());
                rec.setString(3, r.officerId());
                rec.setObject(4, sql(r.startedAt()));
                rec.setObject(5, sql(r.endedAt()), Types.TIMESTAMP_WITH_TIMEZONE);
                rec.setLong(6, r.durationMicros());
                rec.setString(7, r.endReason());
                rec.setString(8, r.category());
                rec.setBoolean(9, r.legalHold());
                rec.setString(10, r.offloadState().wireName());
                rec.setString(11, r.manifestSignature());
                rec.setString(12, r.keyFingerprint());
                rec.setBoolean(13, r.verified());
                rec.setString(14, r.verificationProblem());
                rec.setLong(15, r.bytes());
                rec.addBatch();
                int i = 0;
                for (Segment s : e.segments()) {
                    seg.setString(1, r.id());
                    seg.setInt(2, i++);
                    seg.setString(3, s.name());
                    seg.setLong(4, s.bytes());
                    seg.setString(5, s.sha256());
                    seg.addBatch();
                }
                i = 0;
                for (Marker m : e.markers()) {
                    mark.setString(1, r.id());
                    mark.setInt(2, i++);
                    mark.setObject(3, sql(m.at()));
                    mark.setString(4, m.label());
                    mark.addBatch();
                }
            }
            rec.executeBatch();
            seg.executeBatch();
            mark.executeBatch();
            for (IndexedRecording e : batch) {
                Recording r = e.recording();
                int i = 0;
                for (TrackPoint p : e.track()) {
                    track.setString(1, r.id());
                    track.setInt(2, i++);
                    track.setString(3, r.unitId());
                    track.setObject(4, sql(p.at()));
                    track.setDouble(5, p.lat());
                    track.setDouble(6, p.lon());
                    track.setDouble(7, p.accuracyMeters());
                    track.setLong(8, TrackCells.of(p.lat(), p.lon()));
                    track.addBatch();
                }
            }
            track.executeBatch();
            bulk.commit();
        } catch (SQLException | RuntimeException e) {
            bulk.rollback();
            throw e;
        } finally {
            bulk.setAutoCommit(auto);
        }
    }

    private static OffsetDateTime sql(Instant t) {
        return t == null ? null : OffsetDateTime.ofInstant(t, ZoneOffset.UTC);
    }
}
