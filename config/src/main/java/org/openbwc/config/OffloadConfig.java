package org.openbwc.config;

import java.util.Map;

/** When and how a unit sends its sealed recordings to the agency's evidence store. */
public record OffloadConfig(
        @Doc("When to send recordings to the evidence store: docked (only in the dock), any-link (whenever the gateway"
                + " is reachable) or never.")
        @DefaultValue("docked")
        OffloadWhen when,

        @Doc("The gateway's units' listener recordings go to, e.g. https://gateway.police.local:8444.")
        @NullMeans("the address of enrolment.url")
        @UrlSchemes({"https"})
        @TextLength(min = 1, max = 2048)
        String url,

        @Doc("Bandwidth cap for sending recordings, in megabits per second.")
        @DefaultValue("50")
        @IntRange(min = 1, max = 10000)
        int maxMbps,

        @Doc("Size of one upload part in MiB: a cut link re-sends at most one part.")
        @DefaultValue("4")
        @IntRange(min = 1, max = 64)
        int partMegabytes,

        @Doc("Encrypt the upload's TLS with the system's NSS library (ChaCha20-Poly1305 in native code, through the"
                + " JDK's PKCS#11 provider) when it is installed: about half the unit's CPU per MB of the JDK's own"
                + " cipher. false keeps the JDK's.")
        @DefaultValue("true")
        boolean nativeCipher) {

    public OffloadConfig {
        Constraints.check(OffloadConfig.class, when, url, maxMbps, partMegabytes, nativeCipher);
    }

    /** Offload when docked, to the enrolment address, at 50 Mbit/s in 4 MiB parts, with NSS's cipher where found. */
    public static OffloadConfig defaults() {
        return (OffloadConfig) RecordSpec.of(OffloadConfig.class).defaults(Map.of());
    }

    /** Copy with another policy. */
    public OffloadConfig withWhen(OffloadWhen newWhen) {
        return new OffloadConfig(newWhen, url, maxMbps, partMegabytes, nativeCipher);
    }

    /** Copy with another address. */
    public OffloadConfig withUrl(String newUrl) {
        return new OffloadConfig(when, newUrl, maxMbps, partMegabytes, nativeCipher);
    }
}
