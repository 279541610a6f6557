package org.openbwc.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The dispatches in the gateway's database: create one, record the units sent and each step they reach, cancel it,
 * read one back, list a unit's history or what is still under way (after a restart). Thread-safe: every call takes its
 * own connection from the pool.
 */
public final class DispatchBook {
    /** Longest problem text kept; a unit's refusal reason is short, a transport error may not be. */
    static final int MAX_PROBLEM_CHARS = 500;

    private static final String DISPATCH_COLUMNS =
            "id, created_at, created_by, lat, lon, note, priority, cancelled_at, cancelled_by";
    private static final String UNIT_COLUMNS = "dispatch_id, unit_id, officer_id, distance_meters, sent_at, sent_by,"
            + " delivered_at, acknowledged_at, arrived_at, problem";

    private final DatabaseWork database;

    DispatchBook(DataSource db) {
        this.database = new DatabaseWork(db, "the database");
    }

    /**
     * Adds a new dispatch (its {@code units} are ignored: see {@link #send}).
     *
     * @throws EvidenceIndexException when the id is taken or the database refuses the row
     */
    public void create(DispatchRecord d) {
        database.inTransaction("creating dispatch " + d.id(), c -> {
            try (PreparedStatement s = c.prepareStatement(
                    "INSERT INTO dispatches (" + DISPATCH_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                s.setString(1, d.id());
                s.setObject(2, Times.toSql(Times.micros(d.createdAt())));
                s.setString(3, d.createdBy());
                s.setDouble(4, d.lat());
                s.setDouble(5, d.lon());
                s.setString(6, d.note());
                s.setString(7, d.priority());
                s.setObject(8, Times.toSql(d.cancelledAt()), Types.TIMESTAMP_WITH_TIMEZONE);
                s.setString(9, d.cancelledBy());
                s.executeUpdate();
            }
            return null;
        });
    }

    /**
     * Records that a unit was sent to the dispatch; sending it again starts its steps afresh (a new attempt after a
     * failure).
     */
    public void send(DispatchAssignment a) {
        database.inTransaction("recording unit " + a.unitId() + " on dispatch " + a.dispatchId(), c -> {
            try (PreparedStatement del =
                    c.prepareStatement("DELETE FROM dispatch_units WHERE dispatch_id = ? AND unit_id = ?")) {
                del.setString(1, a.dispatchId());
                del.setString(2, a.unitId());
                del.executeUpdate();
            }
            try (PreparedStatement s = c.prepareStatement(
                    "INSERT INTO dispatch_units (" + UNIT_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                s.setString(1, a.dispatchId());
                s.setString(2, a.unitId());
                s.setString(3, a.officerId());
                if (a.distanceMeters() == null) s.setNull(4, Types.DOUBLE);
                else s.setDouble(4, a.distanceMeters());
                s.setObject(5, Times.toSql(Times.micros(a.sentAt())));
                s.setString(6, a.sentBy());
                s.setObject(7, Times.toSql(Times.micros(a.deliveredAt())), Types.TIMESTAMP_WITH_TIMEZONE);
                s.setObject(8, Times.toSql(Times.micros(a.acknowledgedAt())), Types.TIMESTAMP_WITH_TIMEZONE);
                s.setObject(9, Times.toSql(Times.micros(a.arrivedAt())), Types.TIMESTAMP_WITH_TIMEZONE);
                s.setString(10, clip(a.problem()));
                s.executeUpdate();
            }
            return null;
        });
    }

    /**
     * Records that the unit reached {@code step} at {@code at}, unless it already had (the first time stands).
     *
     * @return whether this changed anything
     */
    public boolean mark(String dispatchId, String unitId, DispatchAssignment.Step step, Instant at) {
        return database.inTransaction("recording " + step + " of unit " + unitId + " on dispatch " + dispatchId, c -> {
            try (PreparedStatement s = c.prepareStatement("UPDATE dispatch_units SET " + step.column
                    + " = ? WHERE dispatch_id = ? AND unit_id = ? AND " + step.column + " IS NULL")) {
                s.setObject(1, Times.toSql(Times.micros(at)));
                s.setString(2, dispatchId);
                s.setString(3, unitId);
                return s.executeUpdate() > 0;
            }
        });
    }

    /** Records why the dispatch did not reach the unit, or why the unit refused it. */
    public void problem(String dispatchId, String unitId, String problem) {
        database.inTransaction("recording a problem of unit " + unitId + " on dispatch " + dispatchId, c -> {
            try (PreparedStatement s =
                    c.prepareStatement("UPDATE dispatch_units SET problem = ? WHERE dispatch_id = ? AND unit_id = ?")) {
                s.setString(1, clip(problem));
                s.setString(2, dispatchId);
                s.setString(3, unitId);
                s.executeUpdate();
            }
            return null;
        });
    }

    /**
     * Marks the dispatch cancelled, unless it already was.
     *
     * @return whether this cancelled it
     */
    public boolean cancel(String dispatchId, Instant at, String by) {
        return database.inTransaction("cancelling dispatch " + dispatchId, c -> {
            try (PreparedStatement s = c.prepareStatement(
                    "UPDATE dispatches SET cancelled_at = ?, cancelled_by = ? WHERE id = ? AND cancelled_at IS NULL")) {
                s.setObject(1, Times.toSql(Times.micros(at)));
                s.setString(2, by);
                s.setString(3, dispatchId);
                return s.executeUpdate() > 0;
            }
        });
    }

    /** The dispatch with its units, if there is one with this id. */
    public Optional<DispatchRecord> find(String dispatchId) {
        return database.query("reading dispatch " + dispatchId, c -> {
            List<DispatchRecord> found = dispatches(c, "WHERE id = ?", List.of(dispatchId), 1);
            return found.isEmpty() ? Optional.<DispatchRecord>empty() : Optional.of(found.get(0));
        });
    }

    /** Dispatches created at or after {@code since} and not cancelled, oldest first, with their units. */
    public List<DispatchRecord> openSince(Instant since, int limit) {
        return database.query(
                "reading open dispatches",
                c -> dispatches(
                        c,
                        "WHERE cancelled_at IS NULL AND created_at >= ?",
                        List.of(Times.toSql(Times.micros(since))),
                        limit));
    }

    /** The unit's part in its latest {@code limit} dispatches, newest first, each with its dispatch (units: only it). */
    public List<DispatchRecord> historyOf(String unitId, int limit) {
        return database.query("reading the dispatch history of unit " + unitId, c -> {
            List<DispatchRecord> out = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("SELECT d.id, d.created_at, d.created_by, d.lat, d.lon,"
                    + " d.note, d.priority, d.cancelled_at, d.cancelled_by, u.dispatch_id, u.unit_id, u.officer_id,"
                    + " u.distance_meters, u.sent_at, u.sent_by, u.delivered_at, u.acknowledged_at, u.arrived_at,"
                    + " u.problem FROM dispatch_units u JOIN dispatches d ON d.id = u.dispatch_id"
                    + " WHERE u.unit_id = ? ORDER BY u.sent_at DESC, d.id")) {
                s.setString(1, unitId);
                s.setMaxRows(limit);
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) out.add(dispatchOf(r).withUnits(List.of(assignmentOf(r, 10))));
                }
            }
            return out;
        });
    }

    private static List<DispatchRecord> dispatches(Connection c, String where, List<Object> params, int limit)
            throws SQLException {
        Map<String, DispatchRecord> byId = new LinkedHashMap<>();
        try (PreparedStatement s = c.prepareStatement(
                "SELECT " + DISPATCH_COLUMNS + " FROM dispatches " + where + " ORDER BY created_at, id")) {
            for (int i = 0; i < params.size(); i++) s.setObject(i + 1, params.get(i));
            s.setMaxRows(limit);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    DispatchRecord d = dispatchOf(r);
                    byId.put(d.id(), d);
                }
            }
        }
        if (byId.isEmpty()) return List.of();
        Map<String, List<DispatchAssignment>> units = new LinkedHashMap<>();
        String marks = String.join(", ", Collections.nCopies(byId.size(), "?"));
        try (PreparedStatement s = c.prepareStatement("SELECT " + UNIT_COLUMNS
                + " FROM dispatch_units WHERE dispatch_id IN (" + marks + ") ORDER BY sent_at, unit_id")) {
            int i = 1;
            for (String id : byId.keySet()) s.setString(i++, id);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    DispatchAssignment a = assignmentOf(r, 1);
                    units.computeIfAbsent(a.dispatchId(), k -> new ArrayList<>())
                            .add(a);
                }
            }
        }
        List<DispatchRecord> out = new ArrayList<>(byId.size());
        for (DispatchRecord d : byId.values()) out.add(d.withUnits(units.getOrDefault(d.id(), List.of())));
        return out;
    }

    private static DispatchRecord dispatchOf(ResultSet r) throws SQLException {
        return new DispatchRecord(
                r.getString(1),
                time(r, 2),
                r.getString(3),
                r.getDouble(4),
                r.getDouble(5),
                r.getString(6),
                r.getString(7),
                time(r, 8),
                r.getString(9),
                List.of());
    }

    /** The assignment in the ten columns from {@code first}, in {@link #UNIT_COLUMNS}' order. */
    private static DispatchAssignment assignmentOf(ResultSet r, int first) throws SQLException {
        double distance = r.getDouble(first + 3);
        boolean noDistance = r.wasNull();
        return new DispatchAssignment(
                r.getString(first),
                r.getString(first + 1),
                r.getString(first + 2),
                noDistance ? null : distance,
                time(r, first + 4),
                r.getString(first + 5),
                time(r, first + 6),
                time(r, first + 7),
                time(r, first + 8),
                r.getString(first + 9));
    }

    private static Instant time(ResultSet r, int column) throws SQLException {
        return Times.fromSql(r.getObject(column, OffsetDateTime.class));
    }

    private static String clip(String s) {
        return s == null || s.length() <= MAX_PROBLEM_CHARS ? s : s.substring(0, MAX_PROBLEM_CHARS);
    }
}
