package org.openbwc.store;

import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Where the evidence index lives: the embedded H2 database in the data dir ({@link #embedded(Path)}), or a PostgreSQL
 * server when {@code database.url} names one.
 *
 * @param url a {@code jdbc:h2:} or {@code jdbc:postgresql:} URL, without a password in it
 * @param user the database user; null for none (the embedded database)
 * @param passwordFile a file holding the password (surrounding whitespace ignored); null for none. Never inline.
 * @param maxPoolSize connections the gateway keeps open at most, 1..100
 */
public record DatabaseConfig(String url, String user, Path passwordFile, int maxPoolSize) {

    /** Connections for the embedded database: one gateway process, a handful of concurrent requests. */
    public static final int EMBEDDED_POOL_SIZE = 4;

    /**
     * H2 in PostgreSQL mode with lower-case identifiers and PostgreSQL's null ordering, so that one set of migrations
     * and one set of queries serve both databases. DB_CLOSE_ON_EXIT=FALSE: the gateway closes the database itself at
     * the end of its shutdown; H2's own shutdown hook would close it under requests still being answered.
     */
    static final String H2_SETTINGS =
            ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH" + ";DB_CLOSE_ON_EXIT=FALSE";

    private static final Pattern INLINE_PASSWORD = Pattern.compile("(?i)[;?&]password=");

    public DatabaseConfig {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("database.url is empty: use a jdbc:postgresql://host:5432/db URL, or"
                    + " leave database out for the embedded database in the data dir");
        }
        url = url.strip();
        String lower = url.toLowerCase(Locale.ROOT);
        if (!lower.startsWith("jdbc:h2:") && !lower.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException("database.url " + url + " is not supported: only jdbc:postgresql:"
                    + " (e.g. jdbc:postgresql://db.example:5432/evidence) and jdbc:h2: URLs are");
        }
        if (lower.startsWith("jdbc:h2:mem:")) {
            throw new IllegalArgumentException("database.url " + url + " is an in-memory database: the evidence index"
                    + " would be lost when the gateway stops; use jdbc:h2:file:... or leave database out");
        }
        if (INLINE_PASSWORD.matcher(url).find()) {
            throw new IllegalArgumentException("database.url carries a password: put it in a file readable only by the"
                    + " gateway's user and name that file in database.passwordFile");
        }
        if (user != null && user.isBlank()) {
            throw new IllegalArgumentException("database.user is blank: give the user name, or leave it out");
        }
        if (maxPoolSize < 1 || maxPoolSize > 100) {
            throw new IllegalArgumentException("database.maxPoolSize " + maxPoolSize + " is out of range 1..100");
        }
    }

    /** The embedded default: an H2 database under {@code <dataDir>/db/evidence}, no user, no password. */
    public static DatabaseConfig embedded(Path dataDir) {
        Path file = dataDir.toAbsolutePath().normalize().resolve("db").resolve("evidence");
        return new DatabaseConfig("jdbc:h2:file:" + file + H2_SETTINGS, null, null, EMBEDDED_POOL_SIZE);
    }

    /** Whether this is a PostgreSQL server (as opposed to the embedded H2 database). */
    public boolean postgresql() {
        return url.toLowerCase(Locale.ROOT).startsWith("jdbc:postgresql:");
    }
}
