package org.openbwc.config;

import java.util.List;
import java.util.Map;

/**
 * How a unit gets its identity from the agency's gateway at first boot: the enrolment address, the one-time token an
 * administrator issued for it, and the fingerprint of the agency CA it must find at that address.
 */
@CrossCheck(EnrolmentConfig.AllOrNothing.class)
public record EnrolmentConfig(
        @Doc("The gateway's enrolment address, e.g. https://gateway.police.local:8443. A unit without"
                + " <dataDir>/keys/unit.crt makes its own key pair at first boot and asks this address for its"
                + " certificate; its private keys never leave it.")
        @NullMeans("no enrolment: the unit uses the key files already in <dataDir>/keys/")
        @UrlSchemes({"https"})
        String url,

        @Doc("File holding the one-time enrolment token printed by `bwc gateway unit add UNIT-ID` (valid 24 hours, good"
                + " for one enrolment). A relative path is relative to the working directory.")
        @NullMeans("no token")
        @TextLength(min = 1, max = 4096)
        String tokenFile,

        @Doc("SHA-256 fingerprint of the agency CA's certificate, as `bwc pki show` prints it. The unit trusts the"
                + " enrolment address only if its certificate chain ends at this CA.")
        @NullMeans("no fingerprint")
        @Pattern(
                regex = "(?:[Ss][Hh][Aa]256:)?[0-9A-Fa-f]{2}(?::?[0-9A-Fa-f]{2}){31}",
                allowed = "64 hex digits, optionally in colon-separated pairs as `bwc pki show` prints them")
        String caFingerprint) {

    public EnrolmentConfig {
        Constraints.check(EnrolmentConfig.class, url, tokenFile, caFingerprint);
    }

    /** No enrolment. */
    public static EnrolmentConfig defaults() {
        return (EnrolmentConfig) RecordSpec.of(EnrolmentConfig.class).defaults(Map.of());
    }

    /** Whether the unit enrols at first boot. */
    public boolean enabled() {
        return url != null;
    }

    /** An enrolment address needs its token file and CA fingerprint, and they mean nothing without it. */
    static final class AllOrNothing implements CrossRule {
        @Override
        public void check(ValueLookup values, List<Violation> out) {
            boolean any = false;
            boolean all = true;
            for (String key : List.of("url", "tokenFile", "caFingerprint")) {
                Object v = values.get(key);
                if (v == Constraints.INVALID) return;
                any |= v != null;
                all &= v != null;
            }
            if (any && !all) {
                for (String key : List.of("url", "tokenFile", "caFingerprint")) {
                    if (values.get(key) == null) {
                        out.add(new Violation(
                                key,
                                null,
                                "is missing: enrolment needs url, tokenFile and caFingerprint together",
                                "all three set, or none",
                                null));
                    }
                }
            }
        }
    }
}
