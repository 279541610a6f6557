package org.openbwc.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The officer directory and the units' assignments in the gateway's database: officers added, changed and removed;
 * which officer each unit carries now; the history of assignments. Each change is one transaction. A unit carries at
 * most one officer and an officer at most one unit: assigning an officer who carries another unit is refused, and
 * an officer who carries a unit cannot be removed. Thread-safe: every call takes its own connection from the pool.
 */
public final class OfficerRoster {
    /** Why an assignment ended: an operator (or the CLI) unassigned. */
    public static final String UNASSIGNED = "unassigned";
    /** Why an assignment ended: the unit was docked and the gateway's policy unassigns then. */
    public static final String DOCKED = "docked";
    /** Why an assignment ended: another officer was assigned to the unit. */
    public static final String REPLACED = "replaced";

    private static final String ASSIGNMENT_COLUMNS =
            "id, unit_id, officer_id, assigned_at, assigned_by, unassigned_at, unassigned_by, unassign_reason";

    private final DatabaseWork database;

    OfficerRoster(DataSource db) {
        this.database = new DatabaseWork(db, "the database");
    }

    /** Every officer, by id. */
    public List<Officer> all() {
        return database.query("listing the officers", c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT id, name, callsign FROM officers ORDER BY id");
                    ResultSet r = s.executeQuery()) {
                List<Officer> out = new ArrayList<>();
                while (r.next()) out.add(officer(r));
                return out;
            }
        });
    }

    public Optional<Officer> find(String id) {
        return database.query("reading officer " + id, c -> findOfficer(c, id));
    }

    /**
     * Adds an officer.
     *
     * @throws IllegalStateException when an officer with that id exists
     */
    public void add(Officer officer, Instant at) {
        database.inTransaction("adding officer " + officer.id(), c -> {
            if (findOfficer(c, officer.id()).isPresent()) {
                throw new IllegalStateException("officer " + officer.id() + " exists already");
            }
            try (PreparedStatement s = c.prepareStatement(
                    "INSERT INTO officers (id, name, callsign, created_at, updated_at) VALUES (?, ?, ?, ?, ?)")) {
                s.setString(1, officer.id());
                s.setString(2, officer.name());
                s.setString(3, officer.callsign());
                s.setObject(4, Times.toSql(at));
                s.setObject(5, Times.toSql(at));
                s.executeUpdate();
            }
            return null;
        });
    }

    /**
     * Changes an officer's name and callsign.
     *
     * @return the officer as it was
     * @throws NoSuchElementException when there is no such officer
     */
    public Officer update(Officer officer, Instant at) {
        return database.inTransaction("changing officer " + officer.id(), c -> {
            Officer before = findOfficer(c, officer.id())
                    .orElseThrow(() -> new NoSuchElementException("no officer " + officer.id()));
            try (PreparedStatement s =
                    c.prepareStatement("UPDATE officers SET name = ?, callsign = ?, updated_at = ? WHERE id = ?")) {
                s.setString(1, officer.name());
                s.setString(2, officer.callsign());
                s.setObject(3, Times.toSql(at));
                s.setString(4, officer.id());
                s.executeUpdate();
            }
            return before;
        });
    }

    /**
     * Removes an officer from the directory; the history of their assignments stays.
     *
     * @return the officer removed
     * @throws NoSuchElementException when there is no such officer
     * @throws IllegalStateException when the officer carries a unit now
     */
    public Officer remove(String id) {
        return database.inTransaction("removing officer " + id, c -> {
            Officer before = findOfficer(c, id).orElseThrow(() -> new NoSuchElementException("no officer " + id));
            Optional<String> unit = unitOf(c, id);
            if (unit.isPresent()) {
                throw new IllegalStateException(
                        "officer " + id + " carries unit " + unit.get() + ": unassign the unit first");
            }
            try (PreparedStatement s = c.prepareStatement("DELETE FROM officers WHERE id = ?")) {
                s.setString(1, id);
                s.executeUpdate();
            }
            return before;
        });
    }

    /**
     * Assigns an officer to a unit; an officer the unit carried before is unassigned ({@link #REPLACED}) in the same
     * transaction. Assigning the officer the unit already carries changes nothing.
     *
     * @return the assignment open now
     * @throws NoSuchElementException when there is no such officer
     * @throws IllegalStateException when the officer carries another unit
     */
    public UnitAssignment assign(String unitId, String officerId, String actor, Instant at) {
        Objects.requireNonNull(unitId, "unitId");
        Objects.requireNonNull(actor, "actor");
        return database.inTransaction("assigning officer " + officerId + " to unit " + unitId, c -> {
            findOfficer(c, officerId).orElseThrow(() -> new NoSuchElementException("no officer " + officerId));
            Optional<UnitAssignment> current = openAssignment(c, unitId);
            if (current.isPresent() && current.get().officerId().equals(officerId)) return current.get();
            Optional<String> elsewhere = unitOf(c, officerId);
            if (elsewhere.isPresent()) {
                throw new IllegalStateException(
                        "officer " + officerId + " carries unit " + elsewhere.get() + ": unassign that unit first");
            }
            if (current.isPresent()) end(c, current.get(), actor, REPLACED, at);
            long id;
            try (PreparedStatement s = c.prepareStatement(
                    "INSERT INTO officer_assignments (unit_id, officer_id, assigned_at, assigned_by) VALUES (?, ?, ?, ?)",
                    Statement.RETURN_GENERATED_KEYS)) {
                s.setString(1, unitId);
                s.setString(2, officerId);
                s.setObject(3, Times.toSql(at));
                s.setString(4, actor);
                s.executeUpdate();
                try (ResultSet keys = s.getGeneratedKeys()) {
                    keys.next();
                    id = keys.getLong(1);
                }
            }
            try (PreparedStatement s = c.prepareStatement(
                    "INSERT INTO unit_officers (unit_id, officer_id, assignment_id) VALUES (?, ?, ?)")) {
                s.setString(1, unitId);
                s.setString(2, officerId);
                s.setLong(3, id);
                s.executeUpdate();
            }
            return new UnitAssignment(id, unitId, officerId, Times.micros(at), actor, null, null, null);
        });
    }

    /**
     * Ends the unit's open assignment.
     *
     * @param reason {@link #UNASSIGNED} or {@link #DOCKED}
     * @return the assignment ended, or empty when the unit carried nobody
     */
    public Optional<UnitAssignment> unassign(String unitId, String actor, String reason, Instant at) {
        return database.inTransaction("unassigning unit " + unitId, c -> {
            Optional<UnitAssignment> current = openAssignment(c, unitId);
            if (current.isEmpty()) return Optional.empty();
            end(c, current.get(), actor, reason, at);
            return Optional.of(new UnitAssignment(
                    current.get().id(),
                    unitId,
                    current.get().officerId(),
                    current.get().assignedAt(),
                    current.get().assignedBy(),
                    Times.micros(at),
                    actor,
                    reason));
        });
    }

    /** The officer the unit carries now, if any. */
    public Optional<Officer> officerOf(String unitId) {
        return database.query("reading the officer of unit " + unitId, c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT o.id, o.name, o.callsign FROM unit_officers u"
                    + " JOIN officers o ON o.id = u.officer_id WHERE u.unit_id = ?")) {
                s.setString(1, unitId);
                try (ResultSet r = s.executeQuery()) {
                    return r.next() ? Optional.of(officer(r)) : Optional.empty();
                }
            }
        });
    }

    /** Every unit that carries an officer now, with the officer, by unit id. */
    public Map<String, Officer> assigned() {
        return database.query("listing the units' officers", c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT u.unit_id, o.id, o.name, o.callsign"
                            + " FROM unit_officers u JOIN officers o ON o.id = u.officer_id ORDER BY u.unit_id");
                    ResultSet r = s.executeQuery()) {
                Map<String, Officer> out = new LinkedHashMap<>();
                while (r.next()) {
                    out.put(r.getString(1), new Officer(r.getString(2), r.getString(3), r.getString(4)));
                }
                return out;
            }
        });
    }

    /** Units that carried an officer once and carry nobody now: the gateway keeps them unassigned. */
    public List<String> unassignedUnits() {
        return database.query("listing the unassigned units", c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT DISTINCT unit_id FROM officer_assignments"
                            + " WHERE unit_id NOT IN (SELECT unit_id FROM unit_officers) ORDER BY unit_id");
                    ResultSet r = s.executeQuery()) {
                List<String> out = new ArrayList<>();
                while (r.next()) out.add(r.getString(1));
                return out;
            }
        });
    }

    /** The unit's assignments, newest first, at most {@code limit}. */
    public List<UnitAssignment> history(String unitId, int limit) {
        if (limit < 1) throw new IllegalArgumentException("limit " + limit + " must be >= 1");
        return database.query("reading the assignments of unit " + unitId, c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT " + ASSIGNMENT_COLUMNS
                    + " FROM officer_assignments WHERE unit_id = ? ORDER BY assigned_at DESC, id DESC")) {
                s.setString(1, unitId);
                s.setMaxRows(limit);
                try (ResultSet r = s.executeQuery()) {
                    List<UnitAssignment> out = new ArrayList<>();
                    while (r.next()) out.add(assignment(r));
                    return out;
                }
            }
        });
    }

    private static void end(Connection c, UnitAssignment a, String actor, String reason, Instant at)
            throws SQLException {
        try (PreparedStatement s = c.prepareStatement("UPDATE officer_assignments SET unassigned_at = ?,"
                + " unassigned_by = ?, unassign_reason = ? WHERE id = ?")) {
            s.setObject(1, Times.toSql(at));
            s.setString(2, actor);
            s.setString(3, reason);
            s.setLong(4, a.id());
            s.executeUpdate();
        }
        try (PreparedStatement s = c.prepareStatement("DELETE FROM unit_officers WHERE unit_id = ?")) {
            s.setString(1, a.unitId());
            s.executeUpdate();
        }
    }

    private static Optional<UnitAssignment> openAssignment(Connection c, String unitId) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT " + prefixed("a") + " FROM unit_officers u"
                + " JOIN officer_assignments a ON a.id = u.assignment_id WHERE u.unit_id = ?")) {
            s.setString(1, unitId);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? Optional.of(assignment(r)) : Optional.empty();
            }
        }
    }

    private static String prefixed(String alias) {
        return alias + "." + ASSIGNMENT_COLUMNS.replace(", ", ", " + alias + ".");
    }

    private static Optional<String> unitOf(Connection c, String officerId) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT unit_id FROM unit_officers WHERE officer_id = ?")) {
            s.setString(1, officerId);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? Optional.of(r.getString(1)) : Optional.empty();
            }
        }
    }

    private static Optional<Officer> findOfficer(Connection c, String id) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT id, name, callsign FROM officers WHERE id = ?")) {
            s.setString(1, id);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? Optional.of(officer(r)) : Optional.empty();
            }
        }
    }

    private static Officer officer(ResultSet r) throws SQLException {
        return new Officer(r.getString(1), r.getString(2), r.getString(3));
    }

    private static UnitAssignment assignment(ResultSet r) throws SQLException {
        return new UnitAssignment(
                r.getLong(1),
                r.getString(2),
                r.getString(3),
                Times.fromSql(r.getObject(4, OffsetDateTime.class)),
                r.getString(5),
                Times.fromSql(r.getObject(6, OffsetDateTime.class)),
                r.getString(7),
                r.getString(8));
    }
}
