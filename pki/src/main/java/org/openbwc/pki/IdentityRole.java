package org.openbwc.pki;

import java.util.Locale;
import java.util.Optional;

/**
 * What a client certificate may do, written into its subject's organisational unit by the agency CA (never taken from
 * a certificate request), so a unit cannot obtain a gateway's rights by choosing its own name.
 */
public enum IdentityRole {
    /** A body-worn camera: publishes only its own topics. */
    UNIT,
    /** A gateway: reads the whole fleet and sends commands. */
    GATEWAY;

    /** The OU value, e.g. {@code unit}. */
    public String organisationalUnit() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The role an OU value names, if any. */
    public static Optional<IdentityRole> fromOrganisationalUnit(String ou) {
        for (IdentityRole r : values()) if (r.organisationalUnit().equals(ou)) return Optional.of(r);
        return Optional.empty();
    }
}
