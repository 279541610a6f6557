package org.openbwc.gateway.auth;

import at.favre.lib.crypto.bcrypt.BCrypt;
import java.nio.charset.StandardCharsets;

/**
 * Hashes and checks operators' passwords with bcrypt; also the password rules a technician is told about. Not final:
 * tests stand in a slow check to hold the sign-in limits.
 */
public class PasswordHasher {

    /** About a quarter of a second per check on a small server: slow for guessing, fine for a sign-in. */
    public static final int DEFAULT_COST = 12;

    public static final int MIN_LENGTH = 10;
    /** bcrypt only reads the first 72 bytes; a longer password would silently be truncated. */
    public static final int MAX_BYTES = 72;

    private final int cost;
    // Checked against when the user does not exist, so a failed sign-in takes as long either way.
    private final String decoy;

    public PasswordHasher() {
        this(DEFAULT_COST);
    }

    public PasswordHasher(int cost) {
        if (cost < 4 || cost > 16) throw new IllegalArgumentException("bcrypt cost " + cost + " is out of range 4..16");
        this.cost = cost;
        this.decoy = hash("decoy-password-never-used");
    }

    /** @throws IllegalArgumentException when the password breaks a rule, saying which */
    public String hash(String password) {
        check(password);
        return BCrypt.withDefaults().hashToString(cost, password.toCharArray());
    }

    public boolean matches(String password, String hash) {
        if (password == null || password.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) return false;
        return BCrypt.verifyer().verify(password.toCharArray(), hash.toCharArray()).verified;
    }

    /** Spends the same time as {@link #matches} for a user name that does not exist. */
    void burnCheck(String password) {
        matches(password == null ? "" : password, decoy);
    }

    /** @throws IllegalArgumentException when the password is too short or too long */
    public static void check(String password) {
        if (password == null || password.codePointCount(0, password.length()) < MIN_LENGTH) {
            throw new IllegalArgumentException("password is too short: use at least " + MIN_LENGTH + " characters");
        }
        if (password.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
            throw new IllegalArgumentException("password is too long: bcrypt uses at most " + MAX_BYTES + " bytes");
        }
        if (password.isBlank()) throw new IllegalArgumentException("password must not be only spaces");
    }
}
