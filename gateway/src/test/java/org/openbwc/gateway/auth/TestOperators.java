package org.openbwc.gateway.auth;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/** Operator accounts for tests: one per role, hashed at the lowest bcrypt cost so signing in stays fast. */
public final class TestOperators {

    public static final String ADMIN = "ada-admin";
    public static final String SUPERVISOR = "sam-supervisor";
    public static final String VIEWER = "val-viewer";
    private static final Map<String, Role> ROLES =
            Map.of(ADMIN, Role.ADMIN, SUPERVISOR, Role.SUPERVISOR, VIEWER, Role.VIEWER);
    private static final PasswordHasher FAST = new PasswordHasher(4);

    private TestOperators() {}

    public static String password(String user) {
        return "pw-of-" + user;
    }

    /** Writes the three accounts into {@code file} (created if missing). */
    public static Path write(Path file) {
        OperatorDirectory d = OperatorDirectory.open(file);
        ROLES.forEach((name, role) -> d.add(new Operator(name, role, FAST.hash(password(name)), Instant.now()), true));
        return file;
    }

    /** An authenticator over the three accounts, its users file and session tokens under {@code dataDir}. */
    public static Authenticator authenticator(Path dataDir, Clock clock) {
        OperatorDirectory d = OperatorDirectory.open(write(dataDir.resolve("users.yaml")));
        return new Authenticator(d, FAST, SessionTokens.open(dataDir, clock), Duration.ofHours(1), 5, clock);
    }
}
