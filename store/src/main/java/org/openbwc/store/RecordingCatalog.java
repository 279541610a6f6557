package org.openbwc.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;

/**
 * The recordings in the evidence index: add one with its segments, markers and track; find it; list a unit's in a
 * time window or those whose track passed near a place; append to and read its custody log. Thread-safe: every call
 * takes its own connection from the pool.
 */
public final class RecordingCatalog {

    private static final String RECORDING_COLUMNS = "id, unit_id, officer_id, started_at, ended_at, duration_micros,"
            + " end_reason, category, legal_hold, offload_state, manifest_signature, key_fingerprint, verified,"
            + " verification_problem, bytes";

    private final DataSource db;

    RecordingCatalog(DataSource db) {
        this.db = db;
    }

    /**
     * Adds a recording with its segments, markers and track, all or nothing.
     *
     * @throws EvidenceIndexException when the recording is already in the index, or the database refuses a row
     */
    public void add(IndexedRecording entry) {
        Recording r = entry.recording();
        inTransaction("adding recording " + r.id(), c -> {
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
            try (PreparedStatement s = c.prepareStatement(
                    "INSERT INTO segments (recording_id, ordinal, name, bytes, sha256) VALUES (?, ?, ?, ?, ?)")) {
                int i = 0;
                for (Segment seg : entry.segments()) {
                    s.setString(1, r.id());
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
                    s.setString(1, r.id());
                    s.setInt(2, i++);
                    s.setObject(3, Times.toSql(m.at()));
                    s.setString(4, m.label());
                    s.addBatch();
                }
                s.executeBatch();
            }
            try (PreparedStatement s = c.prepareStatement(
                    "INSERT INTO track_points"
                            + " (recording_id, ordinal, unit_id, at, lat, lon, accuracy_meters) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                int i = 0;
                for (TrackPoint p : entry.track()) {
                    s.setString(1, r.id());
                    s.setInt(2, i++);
                    s.setString(3, r.unitId());
                    s.setObject(4, Times.toSql(p.at()));
                    s.setDouble(5, p.lat());
                    s.setDouble(6, p.lon());
                    if (p.accuracyMeters() == null) s.setNull(7, Types.DOUBLE);
                    else s.setDouble(7, p.accuracyMeters());
                    s.addBatch();
                }
                s.executeBatch();
            }
            return null;
        });
    }

    /** The recording with its segments, markers and track; empty when the index has no such recording. */
    public Optional<IndexedRecording> find(String recordingId) {
        return query("finding recording " + recordingId, c -> {
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
        return query(
                "listing the recordings of " + unitId,
                c -> recordings(
                        c,
                        "SELECT " + RECORDING_COLUMNS + " FROM recordings WHERE unit_id = ? AND started_at <= ?"
                                + " AND (ended_at IS NULL OR ended_at >= ?) ORDER BY started_at, id",
                        List.of(unitId, Times.toSql(to), Times.toSql(from))));
    }

    /**
     * The recordings with a track point within {@code radiusMeters} of (lat, lon) taken in {@code [from, to]}, oldest
     * first. The database narrows by a bounding box and the window (indexed); the exact great-circle distance is
     * checked here, on the few points the box lets through.
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
        return query("searching near " + lat + "," + lon, c -> {
            Set<String> ids = new LinkedHashSet<>();
            try (PreparedStatement s = c.prepareStatement("SELECT recording_id, lat, lon FROM track_points"
                    + " WHERE at BETWEEN ? AND ? AND lat BETWEEN ? AND ? AND lon BETWEEN ? AND ?")) {
                s.setObject(1, Times.toSql(from));
                s.setObject(2, Times.toSql(to));
                s.setDouble(3, box.minLat());
                s.setDouble(4, box.maxLat());
                s.setDouble(5, box.minLon());
                s.setDouble(6, box.maxLon());
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
            List<Recording> found = new ArrayList<>();
            for (String id : ids) {
                found.addAll(
                        recordings(c, "SELECT " + RECORDING_COLUMNS + " FROM recordings WHERE id = ?", List.of(id)));
            }
            found.sort((a, b) -> a.startedAt().equals(b.startedAt())
                    ? a.id().compareTo(b.id())
                    : a.startedAt().compareTo(b.startedAt()));
            return found;
        });
    }

    /**
     * Appends an entry to the recording's custody log and returns it with its sequence number. Entries of one
     * recording are appended one at a time (the recording's row is locked), so their numbers have no gaps or twins.
     *
     * @throws EvidenceIndexException when the index has no such recording
     */
    public CustodyEntry appendCustody(
            String recordingId, Instant at, String actor, String address, CustodyAction action, String details) {
        Objects.requireNonNull(recordingId, "recordingId");
        return inTransaction("appending to the custody log of " + recordingId, c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT id FROM recordings WHERE id = ? FOR UPDATE")) {
                s.setString(1, recordingId);
                try (ResultSet rs = s.executeQuery()) {
                    if (!rs.next()) {
                        throw new EvidenceIndexException("no recording " + recordingId + " in the index: custody entry "
                                + action.wireName() + " refused");
                    }
                }
            }
            long seq;
            try (PreparedStatement s =
                    c.prepareStatement("SELECT COALESCE(MAX(seq), 0) FROM custody_entries WHERE recording_id = ?")) {
                s.setString(1, recordingId);
                try (ResultSet rs = s.executeQuery()) {
                    rs.next();
                    seq = rs.getLong(1) + 1;
                }
            }
            CustodyEntry entry = new CustodyEntry(recordingId, seq, at, actor, address, action, details, null, null);
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
        });
    }

    /** The recording's custody log, first entry first; empty for a recording without entries or not in the index. */
    public List<CustodyEntry> custody(String recordingId) {
        return query("reading the custody log of " + recordingId, c -> {
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

    /** Work on one connection. */
    @FunctionalInterface
    private interface Work<T> {
        T on(Connection c) throws SQLException;
    }

    private <T> T query(String what, Work<T> work) {
        try (Connection c = db.getConnection()) {
            return work.on(c);
        } catch (SQLException e) {
            throw failure(what, e);
        }
    }

    private <T> T inTransaction(String what, Work<T> work) {
        try (Connection c = db.getConnection()) {
            c.setAutoCommit(false);
            try {
                T result = work.on(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw failure(what, e);
        }
    }

    private static EvidenceIndexException failure(String what, SQLException e) {
        String state = e.getSQLState();
        // SQLSTATE class 23: the schema's own constraints refused the row (a foreign key, a check, a duplicate).
        String kind = state != null && state.startsWith("23") ? "refused by the evidence index" : "failed";
        return new EvidenceIndexException(what + " " + kind + ": " + e.getMessage() + " (SQLSTATE " + state + ")", e);
    }
}
