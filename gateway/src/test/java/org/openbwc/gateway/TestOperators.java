package org.openbwc.gateway;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.openbwc.gateway.auth.Authenticator;
import org.openbwc.gateway.auth.Operator;
import org.openbwc.gateway.auth.OperatorDirectory;
import org.openbwc.gateway.auth.PasswordHasher;
import org.openbwc.gateway.auth.Role;
import org.openbwc.gateway.auth.SessionTokens;

/** Operator accounts for tests: one per role, hashed at the lowest bcrypt cost so signing in stays fast. */
final class TestOperators {

    static final String ADMIN = "ada-admin";
    static final String SUPERVISOR = "sam-supervisor";
    static final String VIEWER = "val-viewer";
    private static final Map<String, Role> ROLES =
            Map.of(ADMIN, Role.ADMIN, SUPERVISOR, Role.SUPERVISOR, VIEWER, Role.VIEWER);
    private static final PasswordHasher FAST = new PasswordHasher(4);

    private TestOperators() {}

    static String password(String user) {
        return "pw-of-" + user;
    }

    /** Writes the three accounts into {@code file} (created if missing). */
    static Path write(Path file) {
        OperatorDirectory d = OperatorDirectory.open(file);
        ROLES.forEach((name, role) -> d.add(new Operator(name, role, FAST.hash(password(name)), Instant.now()), true));
        return file;
    }

    static Authenticator authenticator(Path dataDir, Clock clock) {
        OperatorDirectory d = OperatorDirectory.open(write(dataDir.resolve("users.yaml")));
        return new Authenticator(d, FAST, SessionTokens.open(dataDir, clock), Duration.ofHours(1), 5, clock);
    }
}
