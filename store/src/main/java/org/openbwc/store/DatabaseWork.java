package org.openbwc.store;

import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * Runs JDBC work on one connection of the gateway's database, alone or as one transaction, and turns an
 * {@link SQLException} into an {@link EvidenceIndexException} that says what was being done; shared by the index, the
 * officer roster and the dispatch book.
 */
final class DatabaseWork {
    /** Work on one connection. */
    @FunctionalInterface
    interface Work<T> {
        T on(Connection c) throws SQLException;
    }

    private final DataSource db;
    private final String refusedBy;

    /** @param refusedBy what a refusal names, e.g. "the evidence index": "adding recording r-1 refused by ..." */
    DatabaseWork(DataSource db, String refusedBy) {
        this.db = db;
        this.refusedBy = refusedBy;
    }

    <T> T query(String what, Work<T> work) {
        try (Connection c = db.getConnection()) {
            return work.on(c);
        } catch (SQLException e) {
            throw failure(what, e);
        }
    }

    <T> T inTransaction(String what, Work<T> work) {
        try (Connection c = db.getConnection()) {
            c.setAutoCommit(false);
            try {
                T result = work.on(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                // The pool hands the connection out again: the next user expects auto-commit.
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw failure(what, e);
        }
    }

    private EvidenceIndexException failure(String what, SQLException e) {
        String state = e.getSQLState();
        // SQLSTATE class 23: the schema's own constraints refused the row (a foreign key, a check, a duplicate).
        String kind = state != null && state.startsWith("23") ? "refused by " + refusedBy : "failed";
        return new EvidenceIndexException(what + " " + kind + ": " + e.getMessage() + " (SQLSTATE " + state + ")", e);
    }
}
