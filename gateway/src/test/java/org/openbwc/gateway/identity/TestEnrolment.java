package org.openbwc.gateway.identity;

import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import javax.net.ssl.SSLContext;
import org.openbwc.pki.CertificateRequests;
import org.openbwc.pki.KeyPairs;
import org.openbwc.pki.Pem;
import org.openbwc.pki.TlsContexts;

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

    /**
     * Enrols {@code unitId} at {@code service} the way a unit does (a token, its own key pair, a certificate request)
     * and writes what a unit keeps ({@code unit.key}, {@code unit.crt}, {@code ca.crt}) into {@code folder}.
     *
     * @return the unit's TLS context: its enrolled certificate, trusting only the agency CA
     */
    public static SSLContext enrol(EnrolmentService service, String unitId, Path folder) {
        UnitKeys keys = unit(unitId);
        String token = service.add(unitId).token();
        EnrolmentService.Enrolled enrolled = service.enrol("test", unitId, token, keys.csrPem(), keys.evidenceKeyPem());
        return keep(keys, enrolled.certificatePem(), enrolled.caPem(), folder);
    }

    /** Writes what a unit keeps after enrolment into {@code folder}; its TLS context from those files. */
    public static SSLContext keep(UnitKeys keys, String certificatePem, String caPem, Path folder) {
        Pem.writePrivateKey(folder.resolve("unit.key"), keys.tls().getPrivate());
        Pem.writeAtomically(folder.resolve("unit.crt"), certificatePem, false);
        Pem.writeAtomically(folder.resolve("ca.crt"), caPem, false);
        return TlsContexts.mutual(folder.resolve("unit.key"), folder.resolve("unit.crt"), folder.resolve("ca.crt"));
    }

    public static KeyPair ed25519() {
        try {
            return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
