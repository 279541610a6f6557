package org.openbwc.store;

import java.sql.Connection;
import java.sql.SQLException;
import org.h2.api.Trigger;

/**
 * H2's trigger that makes the custody log append-only (migration V3 in {@code db/vendor/h2}): any UPDATE or DELETE of
 * a row is refused. Public only because H2 instantiates it by name; nothing else should use it.
 */
public final class H2AppendOnlyTrigger implements Trigger {

    @Override
    public void fire(Connection conn, Object[] oldRow, Object[] newRow) throws SQLException {
        // 23001 restrict_violation, as the PostgreSQL trigger raises: an integrity refusal on both databases.
        throw new SQLException(
                "custody_entries is append-only: " + (newRow == null ? "DELETE" : "UPDATE") + " refused", "23001");
    }
}
