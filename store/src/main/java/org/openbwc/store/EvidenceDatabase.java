package org.openbwc.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;
import java.io.IOException;
import java.nio.file.Files;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.output.MigrateResult;
import org.tinylog.Logger;

/**
 * The evidence index's database, open: a connection pool on the configured database, brought to the newest schema by
 * Flyway when it opens. Close it once, after the last request that uses it.
 */
public final class EvidenceDatabase implements AutoCloseable {

    /** Where the migrations are: one set for H2 and PostgreSQL (portable SQL, see V1). */
    static final String MIGRATIONS = "classpath:db/migration";

    /**
     * Where each database's own migrations are ({@code h2}, {@code postgresql}): only what cannot be said portably
     * (V3, the custody log's append-only trigger). Flyway itself has no vendor placeholder, so the URL picks it.
     */
    static final String VENDOR_MIGRATIONS = "classpath:db/vendor/";

    // A server that is up answers within a second; a refused port fails at once. Long enough for a busy machine.
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

    private final DatabaseConfig config;
    private final HikariDataSource pool;

    private EvidenceDatabase(DatabaseConfig config, HikariDataSource pool) {
        this.config = config;
        this.pool = pool;
    }

    /**
     * Opens the pool and migrates the schema to the newest version.
     *
     * @throws EvidenceIndexException naming the URL when the database cannot be reached or a migration fails
     * @throws IllegalArgumentException when the password file cannot be read
     */
    public static EvidenceDatabase open(DatabaseConfig config) {
        HikariDataSource pool = connect(config);
        try {
            MigrateResult result = Flyway.configure(EvidenceDatabase.class.getClassLoader())
                    .dataSource(pool)
                    .locations(MIGRATIONS, VENDOR_MIGRATIONS + vendor(config))
                    .failOnMissingLocations(true)
                    .validateMigrationNaming(true)
                    .loggers("slf4j")
                    .load()
                    .migrate();
            Logger.info(
                    "evidence index at {}: schema version {} ({} migrations applied now)",
                    config.url(),
                    result.targetSchemaVersion != null ? result.targetSchemaVersion : result.initialSchemaVersion,
                    result.migrationsExecuted);
            return new EvidenceDatabase(config, pool);
        } catch (FlywayException e) {
            pool.close();
            throw new EvidenceIndexException(
                    "migrating the evidence database at " + config.url() + " failed: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
    }

    /** The database's folder under {@link #VENDOR_MIGRATIONS}: DatabaseConfig accepts H2 and PostgreSQL only. */
    static String vendor(DatabaseConfig config) {
        return config.postgresql() ? "postgresql" : "h2";
    }

    private static HikariDataSource connect(DatabaseConfig config) {
        HikariConfig hikari = new HikariConfig();
        hikari.setPoolName("evidence-index");
        hikari.setJdbcUrl(config.url());
        if (config.user() != null) hikari.setUsername(config.user());
        if (config.passwordFile() != null) hikari.setPassword(readPassword(config));
        hikari.setMaximumPoolSize(config.maxPoolSize());
        hikari.setMinimumIdle(1);
        hikari.setConnectionTimeout(CONNECT_TIMEOUT.toMillis());
        try {
            // Fails here, at once, when the database is not there: better at start than on the first request.
            return new HikariDataSource(hikari);
        } catch (HikariPool.PoolInitializationException e) {
            throw new EvidenceIndexException(
                    "cannot open the evidence database at " + config.url()
                            + (config.user() != null ? " as " + config.user() : "") + ": " + rootMessage(e),
                    e);
        }
    }

    private static String readPassword(DatabaseConfig config) {
        try {
            return Files.readString(config.passwordFile()).strip();
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    "cannot read database.passwordFile " + config.passwordFile() + ": " + e, e);
        }
    }

    /** The driver's own words (connection refused, authentication failed, database in use), not the pool's wrapper. */
    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && !(t instanceof SQLException)) t = t.getCause();
        return t.getMessage();
    }

    /** The recordings and their custody, in this database. */
    public RecordingCatalog catalog() {
        return new RecordingCatalog(pool, Clock.systemUTC());
    }

    /** The officer directory and the units' assignments, in this database. */
    public OfficerRoster officers() {
        return new OfficerRoster(pool);
    }

    /** The dispatches (incidents and the units sent to them), in this database. */
    public DispatchBook dispatches() {
        return new DispatchBook(pool);
    }

    /** What this database was opened with. */
    public DatabaseConfig config() {
        return config;
    }

    DataSource dataSource() {
        return pool;
    }

    @Override
    public void close() {
        pool.close();
        Logger.info("evidence index at {} closed", config.url());
    }
}
