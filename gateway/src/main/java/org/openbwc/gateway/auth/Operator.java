package org.openbwc.gateway.auth;

import java.time.Instant;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One monitoring-room account as stored in the users file.
 *
 * @param passwordHash a bcrypt hash ({@code $2a$...}); the password itself is never stored
 * @param disabled a disabled account cannot sign in, and its sessions are not accepted
 * @param sessionsFrom sessions signed in before this instant are no longer accepted (set when the account is disabled
 *     or its password reset, so that those end every open session for good); null when never set
 */
public record Operator(
        String name, Role role, String passwordHash, Instant created, boolean disabled, Instant sessionsFrom) {

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

    /** A new, enabled account. */
    public Operator(String name, Role role, String passwordHash, Instant created) {
        this(name, role, passwordHash, created, false, null);
    }

    public Operator withRole(Role newRole) {
        return new Operator(name, newRole, passwordHash, created, disabled, sessionsFrom);
    }

    /** Disabled from {@code now} on: its open sessions end; or enabled again (old sessions stay ended). */
    public Operator withDisabled(boolean nowDisabled, Instant now) {
        return new Operator(name, role, passwordHash, created, nowDisabled, nowDisabled ? now : sessionsFrom);
    }

    /** A new password hash; sessions signed in with the old password end. */
    public Operator withPasswordHash(String newHash, Instant now) {
        return new Operator(name, role, newHash, created, disabled, now);
    }

    /** Whether a session signed in at {@code issuedAt} is still accepted for this account. */
    public boolean accepts(Instant issuedAt) {
        return !disabled && (sessionsFrom == null || !issuedAt.isBefore(sessionsFrom));
    }

    /** @throws IllegalArgumentException saying what a user name may contain */
    public static String checkName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("user name '" + name + "' is not allowed (" + NAME_RULE + ")");
        }
        return name;
    }
}
