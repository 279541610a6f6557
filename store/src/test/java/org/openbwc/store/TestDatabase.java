package org.openbwc.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.openbwc.testsupport.SystemTools;

/**
 * A fresh, empty database for one test, of either kind: H2 in the test's temporary folder, or a schema of its own
 * ({@code t_<random>}) in the PostgreSQL at {@link #POSTGRES_URL}, dropped afterwards, so that runs sharing the server
 * never see each other's rows. Where PostgreSQL is not there the test is skipped, or fails in CI.
 */
public final class TestDatabase implements AutoCloseable {

    /** What the tests use: {@code STORE_TEST_POSTGRES_URL}, or the CI machines' server (trust auth). */
    public static final String POSTGRES_URL =
            System.getenv().getOrDefault("STORE_TEST_POSTGRES_URL", "jdbc:postgresql://127.0.0.1:5432/test");

    public static final String POSTGRES_USER = System.getenv().getOrDefault("STORE_TEST_POSTGRES_USER", "postgres");

    /** The two kinds of database every contract test runs on. */
    public enum Kind {
        H2,
        POSTGRESQL
    }

    private final DatabaseConfig config;
    private final String schema;

    private TestDatabase(DatabaseConfig config, String schema) {
        this.config = config;
        this.schema = schema;
    }

    public static TestDatabase create(Kind kind, Path tempDir) {
        return switch (kind) {
            case H2 -> new TestDatabase(DatabaseConfig.embedded(tempDir), null);
            case POSTGRESQL -> postgres();
        };
    }

    private static TestDatabase postgres() {
        String schema = "t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        try (Connection c = DriverManager.getConnection(POSTGRES_URL, POSTGRES_USER, null);
                Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
        } catch (SQLException e) {
            SystemTools.unavailable("PostgreSQL at " + POSTGRES_URL + " as " + POSTGRES_USER + " is not reachable ("
                    + e.getMessage() + "): the store's tests run on it in CI; start one, or point"
                    + " STORE_TEST_POSTGRES_URL at another");
        }
        // currentSchema: the pool's connections and Flyway both work in the test's own schema.
        String url = POSTGRES_URL + (POSTGRES_URL.contains("?") ? "&" : "?") + "currentSchema=" + schema;
        return new TestDatabase(new DatabaseConfig(url, POSTGRES_USER, null, 4), schema);
    }

    public DatabaseConfig config() {
        return config;
    }

    @Override
    public void close() throws SQLException {
        if (schema == null) return; // H2: the temporary folder goes with the test
        try (Connection c = DriverManager.getConnection(POSTGRES_URL, POSTGRES_USER, null);
                Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA " + schema + " CASCADE");
        }
    }
}
