package org.openbwc.config;

import java.util.Map;

/** How operators sign in to the monitoring room: where their accounts live and how long a session lasts. */
public record AuthConfig(
        @Doc("File with the operators' accounts (user name, role, bcrypt password hash), managed with `bwc gateway user"
                + " add|remove|list`. Kept apart from this file so the hashes can have tighter permissions than the"
                + " configuration a technician shares. A relative path is relative to the working directory.")
        @NullMeans("users.yaml in the gateway's dataDir")
        @TextLength(min = 1, max = 4096)
        String usersFile,

        @Doc("How long a sign-in lasts before the operator must sign in again.")
        @DefaultValue("720")
        @IntRange(min = 5, max = 10080)
        int sessionMinutes,

        @Doc("Failed sign-ins per user name, and per source address, within 5 minutes before each further attempt there"
                + " waits longer (1 s, doubling up to 60 s); accounts are never locked.")
        @DefaultValue("5")
        @IntRange(min = 1, max = 100)
        int maxFailedLogins) {

    public AuthConfig {
        Constraints.check(AuthConfig.class, usersFile, sessionMinutes, maxFailedLogins);
    }

    /** Accounts in the data directory, 12-hour sessions. */
    public static AuthConfig defaults() {
        return (AuthConfig) RecordSpec.of(AuthConfig.class).defaults(Map.of());
    }

    /** Copy reading accounts from another file. */
    public AuthConfig withUsersFile(String newUsersFile) {
        return new AuthConfig(newUsersFile, sessionMinutes, maxFailedLogins);
    }
}
