package org.openbwc.gateway.auth;

import java.time.Instant;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One monitoring-room account as stored in the users file.
 *
 * @param passwordHash a bcrypt hash ({@code $2a$...}); the password itself is never stored
 */
public record Operator(String name, Role role, String passwordHash, Instant created) {

    static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]{0,63}");
    public static final String NAME_RULE =
            "1 to 64 letters, digits, '.', '_', '@' or '-', starting with a letter or digit";

    public Operator {
        checkName(name);
        Objects.requireNonNull(role, "operator " + name + ": role is required (allowed: " + Role.allowed() + ")");
        if (passwordHash == null || !passwordHash.startsWith("$2")) {
            throw new IllegalArgumentException("operator " + name + ": passwordHash is not a bcrypt hash; set passwords"
                    + " with `bwc gateway user add`, never by hand");
        }
        Objects.requireNonNull(created, "operator " + name + ": created is required");
    }

    /** @throws IllegalArgumentException saying what a user name may contain */
    public static String checkName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("user name '" + name + "' is not allowed (" + NAME_RULE + ")");
        }
        return name;
    }
}
