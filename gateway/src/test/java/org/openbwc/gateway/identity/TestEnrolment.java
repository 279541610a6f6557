package org.openbwc.gateway.identity;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.openbwc.pki.CertificateRequests;
import org.openbwc.pki.KeyPairs;
import org.openbwc.pki.Pem;

/** What a unit sends at enrolment, made as a unit makes it; and a clock tests move by hand. */
public final class TestEnrolment {
    private TestEnrolment() {}

    /** A unit's TLS key pair and its Ed25519 evidence key, with the PEM texts enrolment sends. */
    public record UnitKeys(KeyPair tls, KeyPair evidence, String csrPem, String evidenceKeyPem) {}

    public static UnitKeys unit(String unitId) {
        return unit(unitId, unitId);
    }

    /** Keys for {@code unitId} whose certificate request names {@code csrName}. */
    public static UnitKeys unit(String unitId, String csrName) {
        KeyPair tls = KeyPairs.newTlsKeyPair();
        KeyPair evidence = ed25519();
        return new UnitKeys(
                tls, evidence, Pem.text(CertificateRequests.create(tls, csrName)), Pem.text(evidence.getPublic()));
    }

    public static KeyPair ed25519() {
        try {
            return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A clock that stands still until a test moves it. */
    public static final class MutableClock extends Clock {
        public volatile Instant now = Instant.parse("2026-11-29T10:00:00Z");

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
