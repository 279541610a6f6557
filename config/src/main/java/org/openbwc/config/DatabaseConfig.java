package org.openbwc.config;

import java.util.Map;

/** The gateway's database, which holds the evidence index: embedded in the data dir unless {@code url} names one. */
public record DatabaseConfig(
        @Doc("JDBC URL of the PostgreSQL database for the evidence index, e.g."
                + " jdbc:postgresql://db.example:5432/evidence (never with a password in it).")
        @NullMeans("the embedded database in <dataDir>/db, which needs nothing installed")
        @TextLength(min = 1, max = 2048)
        String url,

        @Doc("Database user.") @NullMeans("none") @TextLength(min = 1, max = 128)
        String user,

        @Doc("File holding the database password, readable only by the gateway's user; never the password itself.")
        @NullMeans("no password")
        @TextLength(min = 1, max = 4096)
        String passwordFile,

        @Doc("Connections the gateway keeps open to the database at most.")
        @DefaultValue("8")
        @IntRange(min = 1, max = 100)
        int maxPoolSize) {

    public DatabaseConfig {
        Constraints.check(DatabaseConfig.class, url, user, passwordFile, maxPoolSize);
    }

    /** The embedded database. */
    public static DatabaseConfig defaults() {
        return (DatabaseConfig) RecordSpec.of(DatabaseConfig.class).defaults(Map.of());
    }

    /** Copy with another URL (null for the embedded database). */
    public DatabaseConfig withUrl(String newUrl) {
        return new DatabaseConfig(newUrl, user, passwordFile, maxPoolSize);
    }

    /** Copy with another user. */
    public DatabaseConfig withUser(String newUser) {
        return new DatabaseConfig(url, newUser, passwordFile, maxPoolSize);
    }
}
