package org.openbwc.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;

/**
 * The recordings in the evidence index: add one with its segments, markers and track; find it; list a unit's in a
 * time window or those whose track passed near a place; move it through its life (offload, verification, category,
 * legal hold, retention), each change with its custody entry in the same transaction; append to, read and verify its
 * hash-chained custody log. Thread-safe: every call takes its own connection from the pool.
 */
public final class RecordingCatalog {

    private static final String RECORDING_COLUMNS = "id, unit_id, officer_id, started_at, ended_at, duration_micros,"
            + " end_reason, category, legal_hold, offload_state, manifest_signature, key_fingerprint, verified,"
            + " verification_problem, bytes";

    /** The actor of retention's own work in the custody log. */
    public static final String RETENTION = "retention";

    // Which offload states each may move to through markOffload; stored -> deleted is deleteByRetention's alone.
    private static final Map<OffloadState, Set<OffloadState>> OFFLOAD_MOVES = Map.of(
            OffloadState.ON_UNIT, Set.of(OffloadState.UPLOADING),
            OffloadState.UPLOADING, Set.of(OffloadState.STORED, OffloadState.FAILED),
            OffloadState.FAILED, Set.of(OffloadState.UPLOADING),
            OffloadState.STORED, Set.of(),
            OffloadState.DELETED, Set.of());

    private final DatabaseWork database;
    private final Clock clock;

    RecordingCatalog(DataSource db, Clock clock) {
        this.database = new DatabaseWork(db, "the evidence index");
        this.clock = clock;
    }

    /**
     * Adds a recording with its segments, markers and track, all or nothing.
     *
     * @throws EvidenceIndexException when the recording is already in the index, or the database refuses a row
     */
    public void add(IndexedRecording entry) {
        Recording r = entry.recording();
        database.inTransaction("adding recording " + r.id(), c -> {
            try (PreparedStatement s = c.prepareStatement("INSERT INTO recordings (" + RECORDING_COLUMNS
                    + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                s.setString(1, r.id());
                s.setString(2, r.unitId());
                s.setString(3, r.officerId());
                s.setObject(4, Times.toSql(r.startedAt()));
                s.setObject(5, Times.toSql(r.endedAt()), Types.TIMESTAMP_WITH_TIMEZONE);
                setLong(s, 6, r.durationMicros());
                s.setString(7, r.endReason());
                s.setString(8, r.category());
                s.setBoolean(9, r.legalHold());
                s.setString(10, r.offloadState().wireName());
                s.setString(11, r.manifestSignature());
                s.setString(12, r.keyFingerprint());
                if (r.verified() == null) s.setNull(13, Types.BOOLEAN);
                else s.setBoolean(13, r.verified());
                s.setString(14, r.verificationProblem());
                s.setLong(15, r.bytes());
                s.executeUpdate();
            } catch (SQLException e) {
                if ("23505".equals(e.getSQLState())) {
                    throw new EvidenceIndexException("recording " + r.id() + " is already in the index", e);
                }
                throw e;
            }
            insertDetails(c, entry);
            return null;
        });
    }

    /** Inserts the recording's segments, markers and track points (the recording row exists). */
    private static void insertDetails(Connection c, IndexedRecording entry) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "INSERT INTO segments (recording_id, ordinal, name, bytes, sha256) VALUES (?, ?, ?, ?, ?)")) {
            int i = 0;
            for (Segment seg : entry.segments()) {
                s.setString(1, entry.recording().id());
                s.setInt(2, i++);
                s.setString(3, seg.name());
                s.setLong(4, seg.bytes());
                s.setString(5, seg.sha256());
                s.addBatch();
            }
            s.executeBatch();
        }
        try (PreparedStatement s =
                c.prepareStatement("INSERT INTO markers (recording_id, ordinal, at, label) VALUES (?, ?, ?, ?)")) {
            int i = 0;
            for (Marker m : entry.markers()) {
                s.setString(1, entry.recording().id());
                s.setInt(2, i++);
                s.setObject(3, Times.toSql(m.at()));
                s.setString(4, m.label());
                s.addBatch();
            }
            s.executeBatch();
        }
        try (PreparedStatement s = c.prepareStatement(
                "INSERT INTO track_points (recording_id, ordinal, unit_id, at, lat, lon, accuracy_meters, cell)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
            int i = 0;
            for (TrackPoint p : entry.track()) {
                s.setString(1, entry.recording().id());
                s.setInt(2, i++);
                s.setString(3, entry.recording().unitId());
                s.setObject(4, Times.toSql(p.at()));
                s.setDouble(5, p.lat());
                s.setDouble(6, p.lon());
                if (p.accuracyMeters() == null) s.setNull(7, Types.DOUBLE);
                else s.setDouble(7, p.accuracyMeters());
                s.setLong(8, TrackCells.of(p.lat(), p.lon()));
                s.addBatch();
            }
            s.executeBatch();
        }
    }

    /** The recording with its segments, markers and track; empty when the index has no such recording. */
    public Optional<IndexedRecording> find(String recordingId) {
        return database.query("finding recording " + recordingId, c -> {
            List<Recording> found = recordings(
                    c, "SELECT " + RECORDING_COLUMNS + " FROM recordings WHERE id = ?", List.of(recordingId));
            if (found.isEmpty()) return Optional.empty();
            List<Segment> segments = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT name, bytes, sha256 FROM segments WHERE recording_id = ? ORDER BY ordinal")) {
                s.setString(1, recordingId);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) segments.add(new Segment(rs.getString(1), rs.getLong(2), rs.getString(3)));
                }
            }
            List<Marker> markers = new ArrayList<>();
            try (PreparedStatement s =
                    c.prepareStatement("SELECT at, label FROM markers WHERE recording_id = ? ORDER BY ordinal")) {
                s.setString(1, recordingId);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) markers.add(new Marker(instant(rs, 1), rs.getString(2)));
                }
            }
            List<TrackPoint> track = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("SELECT at, lat, lon, accuracy_meters FROM track_points"
                    + " WHERE recording_id = ? ORDER BY ordinal")) {
                s.setString(1, recordingId);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        double accuracy = rs.getDouble(4);
                        Double accuracyOrNull = rs.wasNull() ? null : accuracy;
                        track.add(new TrackPoint(instant(rs, 1), rs.getDouble(2), rs.getDouble(3), accuracyOrNull));
                    }
                }
            }
            return Optional.of(new IndexedRecording(found.getFirst(), segments, markers, track));
        });
    }

    /** The unit's recordings that overlap {@code [from, to]}, oldest first. */
    public List<Recording> byUnit(String unitId, Instant from, Instant to) {
        checkWindow(from, to);
        return database.query(
                "listing the recordings of " + unitId,
                c -> recordings(
                        c,
                        "SELECT " + RECORDING_COLUMNS + " FROM recordings WHERE unit_id = ? AND started_at <= ?"
                                + " AND (ended_at IS NULL OR ended_at >= ?) ORDER BY started_at, id",
                        List.of(unitId, Times.toSql(to), Times.toSql(from))));
    }

    /**
     * The recordings matching {@code q}, newest first: unit, officer and category exactly, overlapping the window, and
     * with a place, a track point near it inside the window ({@link #near}).
     */
    public List<Recording> search(RecordingQuery q) {
        List<Recording> found;
        if (q.hasPlace()) {
            found = new ArrayList<>(near(q.lat(), q.lon(), q.radiusMeters(), q.from(), q.to()));
            found.removeIf(r -> (q.unitId() != null && !q.unitId().equals(r.unitId()))
                    || (q.officerId() != null && !q.officerId().equals(r.officerId()))
                    || (q.category() != null && !q.category().equals(r.category())));
            found.sort((a, b) -> b.startedAt().compareTo(a.startedAt()));
            return found.size() > q.limit() ? List.copyOf(found.subList(0, q.limit())) : found;
        }
        StringBuilder sql = new StringBuilder("SELECT " + RECORDING_COLUMNS
                + " FROM recordings WHERE started_at <= ? AND (ended_at IS NULL OR ended_at >= ?)");
        List<Object> args = new ArrayList<>(List.of(Times.toSql(q.to()), Times.toSql(q.from())));
        if (q.unitId() != null) {
            sql.append(" AND unit_id = ?");
            args.add(q.unitId());
        }
        if (q.officerId() != null) {
            sql.append(" AND officer_id = ?");
            args.add(q.officerId());
        }
        if (q.category() != null) {
            sql.append(" AND category = ?");
            args.add(q.category());
        }
        sql.append(" ORDER BY started_at DESC, id FETCH FIRST ")
                .append(q.limit())
                .append(" ROWS ONLY");
        return database.query("searching recordings", c -> recordings(c, sql.toString(), args));
    }

    /**
     * The recordings with a track point within {@code radiusMeters} of (lat, lon) taken in {@code [from, to]}, oldest
     * first. The database narrows by the grid cells ({@link TrackCells}) the bounding box touches, each read by (cell,
     * time), or by the window alone when the box holds more than {@value #MAX_CELLS} cells (either way within the box);
     * the exact great-circle distance is checked here, on the points the box lets through.
     */
    public List<Recording> near(double lat, double lon, double radiusMeters, Instant from, Instant to) {
        if (!(lat >= -90 && lat <= 90) || !(lon >= -180 && lon <= 180)) {
            throw new IllegalArgumentException("near " + lat + "," + lon + " is not a latitude,longitude");
        }
        if (!(radiusMeters > 0 && radiusMeters <= 1_000_000)) {
            throw new IllegalArgumentException("radius " + radiusMeters + " m is out of range (0, 1000000]");
        }
        checkWindow(from, to);
        GreatCircle.Box box = GreatCircle.around(lat, lon, radiusMeters);
        long rows = TrackCells.row(box.maxLat()) - TrackCells.row(box.minLat()) + 1;
        long columns = TrackCells.column(box.maxLon()) - TrackCells.column(box.minLon()) + 1;
        List<Long> cells = new ArrayList<>();
        if (rows * columns <= MAX_CELLS) {
            long firstColumn = TrackCells.column(box.minLon());
            for (long row = TrackCells.row(box.minLat()); row <= TrackCells.row(box.maxLat()); row++) {
                for (long column = firstColumn; column < firstColumn + columns; column++) {
                    cells.add(row * TrackCells.ROW + column);
                }
            }
        }
        return database.query("searching near " + lat + "," + lon, c -> {
            // PostgreSQL reads all the cells in one statement, each by (cell, at); H2 uses only the cell of an IN list
            // in an index, not the time after it, so it gets one statement per cell (in process: no round trips).
            boolean inOne =
                    cells.isEmpty() || "PostgreSQL".equals(c.getMetaData().getDatabaseProductName());
            String where = cells.isEmpty()
                    ? ""
                    : inOne
                            ? "cell IN (" + String.join(", ", Collections.nCopies(cells.size(), "?")) + ") AND "
                            : "cell = ? AND ";
            Set<String> ids = new LinkedHashSet<>();
            try (PreparedStatement s = c.prepareStatement("SELECT recording_id, lat, lon FROM track_points WHERE "
                    + where + "at BETWEEN ? AND ? AND lat BETWEEN ? AND ? AND lon BETWEEN ? AND ?")) {
                int p = cells.isEmpty() ? 1 : inOne ? cells.size() + 1 : 2;
                s.setObject(p, Times.toSql(from));
                s.setObject(p + 1, Times.toSql(to));
                s.setDouble(p + 2, box.minLat());
                s.setDouble(p + 3, box.maxLat());
                s.setDouble(p + 4, box.minLon());
                s.setDouble(p + 5, box.maxLon());
                if (inOne) {
                    for (int i = 0; i < cells.size(); i++) s.setLong(i + 1, cells.get(i));
                    nearest(s, lat, lon, radiusMeters, ids);
                } else {
                    for (long cell : cells) {
                        s.setLong(1, cell);
                        nearest(s, lat, lon, radiusMeters, ids);
                    }
                }
            }
            List<Recording> found = new ArrayList<>();
            List<String> all = new ArrayList<>(ids);
            for (int i = 0; i < all.size(); i += RECORDINGS_PER_QUERY) {
                List<String> chunk = all.subList(i, Math.min(all.size(), i + RECORDINGS_PER_QUERY));
                found.addAll(recordings(
                        c,
                        "SELECT " + RECORDING_COLUMNS + " FROM recordings WHERE id IN ("
                                + String.join(", ", Collections.nCopies(chunk.size(), "?")) + ")",
                        new ArrayList<>(chunk)));
            }
            found.sort((a, b) -> a.startedAt().equals(b.startedAt())
                    ? a.id().compareTo(b.id())
                    : a.startedAt().compareTo(b.startedAt()));
            return found;
        });
    }

    /** Beyond this many cells (a radius over ~15 km in Norway) near reads the window's points in the box instead. */
    static final int MAX_CELLS = 1_000;

    /** Recordings read by one statement once near has found them. */
    private static final int RECORDINGS_PER_QUERY = 100;

    /** Adds the recordings of the statement's points that lie within the radius. */
    private static void nearest(PreparedStatement s, double lat, double lon, double radiusMeters, Set<String> ids)
            throws SQLException {
        try (ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                String id = rs.getString(1);
                if (!ids.contains(id)
                        && GreatCircle.meters(lat, lon, rs.getDouble(2), rs.getDouble(3)) <= radiusMeters) {
                    ids.add(id);
                }
            }
        }
    }

    /**
     * The recordings retention may delete now: stored, verified, not on legal hold, and ended (or, when no end is
     * known, started) before the cutoff of their category; oldest first, at most {@code limit}. The filter runs in the
     * database, one clause per category, so a sweep reads only what it will delete.
     *
     * @param cutoffs each category's cutoff (now minus its period); recordings of a category not in the map are kept
     * @param uncategorized the cutoff for recordings without a category; null keeps them
     */
    public List<Recording> expired(Map<String, Instant> cutoffs, Instant uncategorized, int limit) {
        Objects.requireNonNull(cutoffs, "cutoffs");
        if (limit < 1) throw new IllegalArgumentException("limit " + limit + " is not positive");
        List<String> clauses = new ArrayList<>();
        List<Object> args = new ArrayList<>();
        args.add(OffloadState.STORED.wireName());
        for (Map.Entry<String, Instant> cutoff : cutoffs.entrySet()) {
            clauses.add("(category = ? AND COALESCE(ended_at, started_at) < ?)");
            args.add(Objects.requireNonNull(cutoff.getKey(), "category"));
            args.add(Times.toSql(Objects.requireNonNull(cutoff.getValue(), "cutoff of " + cutoff.getKey())));
        }
        if (uncategorized != null) {
            clauses.add("(category IS NULL AND COALESCE(ended_at, started_at) < ?)");
            args.add(Times.toSql(uncategorized));
        }
        if (clauses.isEmpty()) return List.of();
        return database.query(
                "listing the recordings retention may delete",
                c -> recordings(
                        c,
                        "SELECT " + RECORDING_COLUMNS + " FROM recordings WHERE offload_state = ? AND verified = TRUE"
                                + " AND legal_hold = FALSE AND (" + String.join(" OR ", clauses) + ")"
                                + " ORDER BY COALESCE(ended_at, started_at), id FETCH FIRST " + limit + " ROWS ONLY",
                        args));
    }

    /**
     * Appends an entry to the recording's custody log and returns it with its sequence number and hashes. Entries of
     * one recording are appended one at a time (the recording's row is locked), so their numbers have no gaps or twins
     * and each links to the hash of the one before ({@link CustodyChain}).
     *
     * @throws EvidenceIndexException when the index has no such recording
     */
    public CustodyEntry appendCustody(
            String recordingId, Instant at, String actor, String address, CustodyAction action, String details) {
        Objects.requireNonNull(recordingId, "recordingId");
        Objects.requireNonNull(action, "action");
        return database.inTransaction("appending to the custody log of " + recordingId, c -> {
            lock(c, recordingId, "custody entry " + action.wireName());
            return append(c, recordingId, at, actor, address, action, details);
        });
    }

    /**
     * Moves the recording's offload on: on-unit to uploading, uploading to stored or failed, failed to uploading again.
     * Nothing else: a stored recording leaves the store only through {@link #deleteByRetention}. The new state and its
     * custody entry are written in one transaction, so the index and the custody log cannot disagree.
     *
     * @throws EvidenceIndexException when the index has no such recording or the move is not allowed (nothing is
     *     written then)
     */
    public CustodyEntry markOffload(String recordingId, OffloadState to, String actor, String address) {
        Objects.requireNonNull(to, "to");
        if (to == OffloadState.DELETED) {
            throw new IllegalArgumentException(
                    "recording " + recordingId + ": only retention deletes (deleteByRetention)");
        }
        CustodyAction action = switch (to) {
            case UPLOADING -> CustodyAction.UPLOAD_STARTED;
            case STORED -> CustodyAction.OFFLOADED;
            case FAILED -> CustodyAction.OFFLOAD_FAILED;
            case ON_UNIT -> null; // where every recording starts; nothing moves back to it
            case DELETED -> throw new AssertionError("refused above");
        };
        return database.inTransaction("marking recording " + recordingId + " " + to.wireName(), c -> {
            State now = lock(c, recordingId, "offload " + to.wireName());
            if (action == null || !OFFLOAD_MOVES.get(now.offload()).contains(to)) {
                throw new EvidenceIndexException("recording " + recordingId + " is "
                        + now.offload().wireName() + ": it cannot become " + to.wireName());
            }
            update(c, recordingId, "offload_state = ?", to.wireName());
            return append(
                    c,
                    recordingId,
                    clock.instant(),
                    actor,
                    address,
                    action,
                    now.offload().wireName() + " -> " + to.wireName());
        });
    }

    /**
     * Records a verified offload in one transaction: the recording's row takes what its signed manifest says
     * ({@code stored.recording()}: officer, times, end reason, signature, key, bytes), its segments, markers and track
     * replace whatever the unit's report gave, and it becomes stored and verified, with the custody entries
     * {@link CustodyAction#OFFLOADED} (details: what the store checked) and {@link CustodyAction#VERIFIED}. A
     * recording the index had not heard of is added first.
     *
     * @throws EvidenceIndexException when the recording is already stored or deleted (nothing is written then)
     */
    public CustodyEntry recordOffload(IndexedRecording stored, String checked, String actor, String address) {
        Recording r = stored.recording();
        requireText(checked, "an offload of recording " + r.id() + " needs what the store checked");
        if (r.offloadState() != OffloadState.STORED || !Boolean.TRUE.equals(r.verified())) {
            throw new IllegalArgumentException("recording " + r.id() + ": only a stored, verified recording is recorded"
                    + " as offloaded (was " + r.offloadState().wireName() + ", verified " + r.verified() + ")");
        }
        boolean known = find(r.id()).isPresent();
        if (!known) {
            add(new IndexedRecording(copyWithState(r, OffloadState.ON_UNIT, null), List.of(), List.of(), List.of()));
        }
        return database.inTransaction("recording the offload of " + r.id(), c -> {
            State now = lock(c, r.id(), "offload");
            if (now.offload() == OffloadState.STORED || now.offload() == OffloadState.DELETED) {
                throw new EvidenceIndexException(
                        "recording " + r.id() + " is already " + now.offload().wireName());
            }
            try (PreparedStatement s = c.prepareStatement("UPDATE recordings SET officer_id = ?, started_at = ?,"
                    + " ended_at = ?, duration_micros = ?, end_reason = ?, offload_state = ?, manifest_signature = ?,"
                    + " key_fingerprint = ?, verified = ?, verification_problem = NULL, bytes = ? WHERE id = ?")) {
                s.setString(1, r.officerId());
                s.setObject(2, Times.toSql(r.startedAt()));
                s.setObject(3, Times.toSql(r.endedAt()), Types.TIMESTAMP_WITH_TIMEZONE);
                setLong(s, 4, r.durationMicros());
                s.setString(5, r.endReason());
                s.setString(6, OffloadState.STORED.wireName());
                s.setString(7, r.manifestSignature());
                s.setString(8, r.keyFingerprint());
                s.setBoolean(9, true);
                s.setLong(10, r.bytes());
                s.setString(11, r.id());
                s.executeUpdate();
            }
            for (String table : List.of("segments", "markers", "track_points")) {
                try (PreparedStatement s = c.prepareStatement("DELETE FROM " + table + " WHERE recording_id = ?")) {
                    s.setString(1, r.id());
                    s.executeUpdate();
                }
            }
            insertDetails(c, stored);
            Instant at = clock.instant();
            append(
                    c,
                    r.id(),
                    at,
                    actor,
                    address,
                    CustodyAction.OFFLOADED,
                    now.offload().wireName() + " -> stored; " + checked);
            return append(c, r.id(), at, actor, address, CustodyAction.VERIFIED, null);
        });
    }

    private static Recording copyWithState(Recording r, OffloadState state, Boolean verified) {
        return new Recording(
                r.id(),
                r.unitId(),
                r.officerId(),
                r.startedAt(),
                r.endedAt(),
                r.durationMicros(),
                r.endReason(),
                r.category(),
                r.legalHold(),
                state,
                r.manifestSignature(),
                r.keyFingerprint(),
                verified,
                null,
                r.bytes());
    }

    /**
     * Deletes a stored recording's media from the index's point of view: marks it deleted and logs it as retention's
     * work, in one transaction. Refused under legal hold.
     *
     * @param reason why retention deleted it (for example the category and its period)
     * @throws EvidenceIndexException when the index has no such recording, it is not stored, or it is on legal hold
     */
    public CustodyEntry deleteByRetention(String recordingId, String reason) {
        try {
            return deleteByRetention(recordingId, reason, () -> {});
        } catch (IOException e) {
            throw new AssertionError("no files to delete", e);
        }
    }

    /**
     * Deletes a stored recording: checks it may go, runs {@code deleteFiles} and marks it deleted with its custody
     * entry, all under the recording's row lock. A legal hold set meanwhile waits for the lock and so cannot slip in
     * between the files going and the row saying so; when {@code deleteFiles} throws (a store under object lock),
     * nothing is marked. The lock is held while the files are deleted, which a daily sweep can afford.
     *
     * @param deleteFiles deletes the recording's files; run only once the checks have passed
     * @throws EvidenceIndexException when the index has no such recording, it is not stored, or it is on legal hold
     *     ({@code deleteFiles} has not run then)
     * @throws IOException from {@code deleteFiles}; nothing is marked
     */
    public CustodyEntry deleteByRetention(String recordingId, String reason, FileDeletion deleteFiles)
            throws IOException {
        requireText(reason, "retention needs a reason to delete recording " + recordingId);
        Objects.requireNonNull(deleteFiles, "deleteFiles");
        try {
            return database.inTransaction("deleting recording " + recordingId + " by retention", c -> {
                State now = lock(c, recordingId, "deletion by retention");
                if (now.legalHold()) {
                    throw new EvidenceIndexException(
                            "recording " + recordingId + " is on legal hold: retention may not delete it");
                }
                if (now.offload() != OffloadState.STORED) {
                    throw new EvidenceIndexException("recording " + recordingId + " is "
                            + now.offload().wireName() + ": retention deletes only stored recordings");
                }
                try {
                    deleteFiles.delete();
                } catch (IOException e) {
                    throw new UncheckedIOException(e); // through the transaction, which rolls back
                }
                update(c, recordingId, "offload_state = ?", OffloadState.DELETED.wireName());
                return append(
                        c, recordingId, clock.instant(), RETENTION, null, CustodyAction.DELETED_BY_RETENTION, reason);
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /** Deletes a recording's files, for {@link #deleteByRetention(String, String, FileDeletion)}. */
    @FunctionalInterface
    public interface FileDeletion {
        void delete() throws IOException;
    }

    /**
     * Records the store's check of the recording's segment hashes and manifest signature, with its custody entry, in
     * one transaction. Only a stored recording can be checked; a later check replaces an earlier one's result (both
     * stay in the custody log).
     *
     * @param problem what failed: required when {@code ok} is false, must be null when it is true
     * @throws EvidenceIndexException when the index has no such recording or it is not stored
     */
    public CustodyEntry recordVerification(String recordingId, boolean ok, String problem, String actor) {
        if (ok && problem != null) {
            throw new IllegalArgumentException(
                    "recording " + recordingId + " verified, yet with a problem: " + problem);
        }
        if (!ok) requireText(problem, "a failed verification of recording " + recordingId + " needs its problem");
        return database.inTransaction("recording the verification of " + recordingId, c -> {
            State now = lock(c, recordingId, "verification");
            if (now.offload() != OffloadState.STORED) {
                throw new EvidenceIndexException("recording " + recordingId + " is "
                        + now.offload().wireName() + ": only a stored recording can be verified");
            }
            try (PreparedStatement s =
                    c.prepareStatement("UPDATE recordings SET verified = ?, verification_problem = ? WHERE id = ?")) {
                s.setBoolean(1, ok);
                s.setString(2, problem);
                s.setString(3, recordingId);
                s.executeUpdate();
            }
            return append(
                    c,
                    recordingId,
                    clock.instant(),
                    actor,
                    null,
                    ok ? CustodyAction.VERIFIED : CustodyAction.VERIFICATION_FAILED,
                    problem);
        });
    }

    /**
     * Sets the recording's retention category (null for none), with its custody entry, in one transaction.
     *
     * @throws EvidenceIndexException when the index has no such recording or it already has that category
     */
    public CustodyEntry setCategory(String recordingId, String category, String actor, String address) {
        if (category != null && category.isBlank()) {
            throw new IllegalArgumentException("a category of recording " + recordingId + " cannot be blank");
        }
        return database.inTransaction("categorizing recording " + recordingId, c -> {
            State now = lock(c, recordingId, "category change");
            if (Objects.equals(now.category(), category)) {
                throw new EvidenceIndexException(
                        "recording " + recordingId + " already has category " + orNone(category));
            }
            update(c, recordingId, "category = ?", category);
            return append(
                    c,
                    recordingId,
                    clock.instant(),
                    actor,
                    address,
                    CustodyAction.CATEGORY_CHANGED,
                    orNone(now.category()) + " -> " + orNone(category));
        });
    }

    /**
     * Puts the recording on legal hold or lifts it, with its custody entry, in one transaction.
     *
     * @param reason why (a case number, a court order); required both ways
     * @throws EvidenceIndexException when the index has no such recording or the hold is already as asked
     */
    public CustodyEntry setLegalHold(String recordingId, boolean hold, String actor, String address, String reason) {
        requireText(
                reason,
                "a legal hold on recording " + recordingId + " needs a reason to be " + (hold ? "set" : "lifted"));
        return database.inTransaction("setting the legal hold of " + recordingId, c -> {
            State now = lock(c, recordingId, "legal hold");
            if (now.legalHold() == hold) {
                throw new EvidenceIndexException(
                        "recording " + recordingId + (hold ? " is already" : " is not") + " on legal hold");
            }
            try (PreparedStatement s = c.prepareStatement("UPDATE recordings SET legal_hold = ? WHERE id = ?")) {
                s.setBoolean(1, hold);
                s.setString(2, recordingId);
                s.executeUpdate();
            }
            return append(
                    c,
                    recordingId,
                    clock.instant(),
                    actor,
                    address,
                    hold ? CustodyAction.HOLD_SET : CustodyAction.HOLD_CLEARED,
                    reason);
        });
    }

    /**
     * Recomputes the recording's custody chain from its rows: every entry's hash from its fields and the hash before
     * it, every link, and the seqs 1, 2, 3... with none missing. A change made to the rows behind the catalog's back
     * shows as the first entry that no longer holds. What the chain cannot show on its own is its last entries cut off:
     * compare the head hash with one kept elsewhere (an export, a signed receipt) for that.
     */
    public CustodyVerification verifyCustody(String recordingId) {
        List<CustodyEntry> log = custody(recordingId);
        String prev = CustodyChain.GENESIS;
        long expected = 1;
        for (CustodyEntry e : log) {
            String id = recordingId;
            if (e.seq() != expected) {
                return CustodyVerification.broken(
                        id, log.size(), expected, "entry " + expected + " is missing (the next is " + e.seq() + ")");
            }
            if (!prev.equals(e.prevHash())) {
                return CustodyVerification.broken(
                        id,
                        log.size(),
                        e.seq(),
                        "broken link: its previous hash " + e.prevHash() + " is not entry " + (expected - 1)
                                + "'s hash " + prev);
            }
            String computed = CustodyChain.hash(e, e.prevHash());
            if (!computed.equals(e.hash())) {
                return CustodyVerification.broken(
                        id,
                        log.size(),
                        e.seq(),
                        "hash mismatch: its fields hash to " + computed + ", not to the stored " + e.hash());
            }
            prev = e.hash();
            expected++;
        }
        return CustodyVerification.intact(recordingId, log.size(), prev);
    }

    /** The recording's custody log, first entry first; empty for a recording without entries or not in the index. */
    public List<CustodyEntry> custody(String recordingId) {
        return database.query("reading the custody log of " + recordingId, c -> {
            List<CustodyEntry> log = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("SELECT seq, at, actor, address, action, details, prev_hash,"
                    + " hash FROM custody_entries WHERE recording_id = ? ORDER BY seq")) {
                s.setString(1, recordingId);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        log.add(new CustodyEntry(
                                recordingId,
                                rs.getLong(1),
                                instant(rs, 2),
                                rs.getString(3),
                                rs.getString(4),
                                CustodyAction.fromWire(rs.getString(5)),
                                rs.getString(6),
                                rs.getString(7),
                                rs.getString(8)));
                    }
                }
            }
            return log;
        });
    }

    /** What a change checks the recording against, read under its lock. */
    private record State(OffloadState offload, boolean legalHold, String category) {}

    /**
     * Locks the recording's row for the rest of the transaction and reads its state: every change to a recording and
     * every custody entry goes through here, one at a time per recording.
     */
    private static State lock(Connection c, String recordingId, String what) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "SELECT offload_state, legal_hold, category FROM recordings WHERE id = ? FOR UPDATE")) {
            s.setString(1, recordingId);
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    throw new EvidenceIndexException(
                            "no recording " + recordingId + " in the index: " + what + " refused");
                }
                return new State(OffloadState.fromWire(rs.getString(1)), rs.getBoolean(2), rs.getString(3));
            }
        }
    }

    private static void update(Connection c, String recordingId, String set, String value) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("UPDATE recordings SET " + set + " WHERE id = ?")) {
            s.setString(1, value);
            s.setString(2, recordingId);
            s.executeUpdate();
        }
    }

    /** Appends the next entry of the chain; the caller holds the recording's lock ({@link #lock}). */
    private static CustodyEntry append(
            Connection c,
            String recordingId,
            Instant at,
            String actor,
            String address,
            CustodyAction action,
            String details)
            throws SQLException {
        long seq = 1;
        String prevHash = CustodyChain.GENESIS;
        try (PreparedStatement s = c.prepareStatement(
                "SELECT seq, hash FROM custody_entries WHERE recording_id = ? ORDER BY seq DESC FETCH FIRST 1 ROW ONLY")) {
            s.setString(1, recordingId);
            try (ResultSet rs = s.executeQuery()) {
                if (rs.next()) {
                    seq = rs.getLong(1) + 1;
                    prevHash = rs.getString(2);
                }
            }
        }
        CustodyEntry unhashed = new CustodyEntry(recordingId, seq, at, actor, address, action, details, prevHash, null);
        CustodyEntry entry = new CustodyEntry(
                recordingId,
                seq,
                unhashed.at(),
                actor,
                address,
                action,
                details,
                prevHash,
                CustodyChain.hash(unhashed, prevHash));
        try (PreparedStatement s = c.prepareStatement("INSERT INTO custody_entries"
                + " (recording_id, seq, at, actor, address, action, details, prev_hash, hash)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            s.setString(1, recordingId);
            s.setLong(2, seq);
            s.setObject(3, Times.toSql(entry.at()));
            s.setString(4, actor);
            s.setString(5, address);
            s.setString(6, action.wireName());
            s.setString(7, details);
            s.setString(8, entry.prevHash());
            s.setString(9, entry.hash());
            s.executeUpdate();
        }
        return entry;
    }

    private static void requireText(String value, String message) {
        if (value == null || value.isBlank()) throw new IllegalArgumentException(message);
    }

    private static String orNone(String value) {
        return value == null ? "(none)" : value;
    }

    private static List<Recording> recordings(Connection c, String sql, List<Object> args) throws SQLException {
        List<Recording> out = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < args.size(); i++) s.setObject(i + 1, args.get(i));
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    long duration = rs.getLong(6);
                    Long durationMicros = rs.wasNull() ? null : duration;
                    boolean verified = rs.getBoolean(13);
                    Boolean verifiedOrNull = rs.wasNull() ? null : verified;
                    out.add(new Recording(
                            rs.getString(1),
                            rs.getString(2),
                            rs.getString(3),
                            instant(rs, 4),
                            instant(rs, 5),
                            durationMicros,
                            rs.getString(7),
                            rs.getString(8),
                            rs.getBoolean(9),
                            OffloadState.fromWire(rs.getString(10)),
                            rs.getString(11),
                            rs.getString(12),
                            verifiedOrNull,
                            rs.getString(14),
                            rs.getLong(15)));
                }
            }
        }
        return out;
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        return Times.fromSql(rs.getObject(column, OffsetDateTime.class));
    }

    private static void setLong(PreparedStatement s, int i, Long value) throws SQLException {
        if (value == null) s.setNull(i, Types.BIGINT);
        else s.setLong(i, value);
    }

    private static void checkWindow(Instant from, Instant to) {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        if (to.isBefore(from)) throw new IllegalArgumentException("time window ends at " + to + " before " + from);
    }
}
