package org.openbwc.launcher;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.openbwc.gateway.auth.Operator;
import org.openbwc.gateway.auth.OperatorDirectory;
import org.openbwc.gateway.auth.PasswordHasher;
import org.openbwc.gateway.auth.Role;

/** Monitoring-room accounts for tests, one per role, hashed at the lowest bcrypt cost so signing in stays fast. */
final class TestAccounts {

    static final String ADMIN = "ada-admin";
    static final String SUPERVISOR = "sam-supervisor";
    static final String VIEWER = "val-viewer";
    private static final Map<String, Role> ROLES =
            Map.of(ADMIN, Role.ADMIN, SUPERVISOR, Role.SUPERVISOR, VIEWER, Role.VIEWER);
    private static final PasswordHasher FAST = new PasswordHasher(4);

    private TestAccounts() {}

    static String password(String user) {
        return "pw-of-" + user;
    }

    /** Writes the three accounts into the users file a gateway config names. */
    static void write(Path usersFile) {
        OperatorDirectory d = OperatorDirectory.open(usersFile);
        ROLES.forEach((name, role) -> d.add(new Operator(name, role, FAST.hash(password(name)), Instant.now()), true));
    }
}
