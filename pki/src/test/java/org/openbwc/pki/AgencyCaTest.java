package org.openbwc.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgencyCaTest {
    private final Clock clock = Clock.systemUTC();

    @Test
    void makesACaWhoseKeyOnlyItsOwnerCanRead(@TempDir Path dir) throws Exception {
        AgencyCa ca = AgencyCa.create(dir, "Test Police", clock);

        assertThat(ca.certificate().getBasicConstraints()).isGreaterThanOrEqualTo(0);
        assertThat(ca.certificate().getSubjectX500Principal().getName()).contains("O=Test Police");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(AgencyCa.KEY_FILE))))
                .isEqualTo("rw-------");
        assertThat(AgencyCa.open(dir, clock).fingerprint()).isEqualTo(ca.fingerprint());
        assertThat(ca.fingerprint()).matches("([0-9A-F]{2}:){31}[0-9A-F]{2}");
    }

    @Test
    void neverReplacesAnExistingCa(@TempDir Path dir) {
        AgencyCa.create(dir, "Test Police", clock);

        assertThatThrownBy(() -> AgencyCa.create(dir, "Other", clock))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already exists");
    }

    @Test
    void importsACaAndRefusesAKeyThatIsNotItsOwn(@TempDir Path dir) {
        AgencyCa original = AgencyCa.create(dir.resolve("a"), "A", clock);
        AgencyCa other = AgencyCa.create(dir.resolve("b"), "B", clock);

        assertThatThrownBy(() -> AgencyCa.importFrom(
                        dir.resolve("c"),
                        dir.resolve("a").resolve(AgencyCa.CERTIFICATE_FILE),
                        dir.resolve("b").resolve(AgencyCa.KEY_FILE),
                        clock))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is not the private key of");
        AgencyCa imported = AgencyCa.importFrom(
                dir.resolve("d"),
                dir.resolve("a").resolve(AgencyCa.CERTIFICATE_FILE),
                dir.resolve("a").resolve(AgencyCa.KEY_FILE),
                clock);
        assertThat(imported.fingerprint()).isEqualTo(original.fingerprint()).isNotEqualTo(other.fingerprint());
    }

    @Test
    void theCaNotTheRequesterChoosesTheSubject(@TempDir Path dir) throws Exception {
        AgencyCa ca = AgencyCa.create(dir, "Test Police", clock);
        KeyPair keys = KeyPairs.newTlsKeyPair();

        X509Certificate cert = ca.signRequest(
                CertificateRequests.create(keys, "bwc-001"), "bwc-001", IdentityRole.UNIT, Duration.ofDays(30));

        cert.verify(ca.certificate().getPublicKey());
        assertThat(cert.getPublicKey()).isEqualTo(keys.getPublic());
        assertThat(Identity.of(cert)).contains(new Identity("bwc-001", IdentityRole.UNIT));
        assertThat(cert.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.2");
        assertThatThrownBy(() -> ca.signRequest(
                        CertificateRequests.create(keys, "gw-1"), "bwc-001", IdentityRole.UNIT, Duration.ofDays(30)))
                .hasMessageContaining("names CN=gw-1 but the enrolment is for bwc-001");
    }

    @Test
    void refusesARequestNotSignedByItsOwnKey(@TempDir Path dir) {
        AgencyCa ca = AgencyCa.create(dir, "Test Police", clock);
        KeyPair mine = KeyPairs.newTlsKeyPair();
        KeyPair theirs = KeyPairs.newTlsKeyPair();
        var request = CertificateRequests.create(mine, "bwc-001");
        // Swap the public key under the signature: the request claims a key that did not sign it.
        var forged = new org.bouncycastle.pkcs.PKCS10CertificationRequest(
                new org.bouncycastle.asn1.pkcs.CertificationRequest(
                        new org.bouncycastle.asn1.pkcs.CertificationRequestInfo(
                                request.getSubject(),
                                org.bouncycastle.asn1.x509.SubjectPublicKeyInfo.getInstance(
                                        theirs.getPublic().getEncoded()),
                                new org.bouncycastle.asn1.DERSet()),
                        request.getSignatureAlgorithm(),
                        new org.bouncycastle.asn1.DERBitString(request.getSignature())));

        assertThatThrownBy(() -> ca.signRequest(forged, "bwc-001", IdentityRole.UNIT, Duration.ofDays(30)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("signature does not match");
    }

    @Test
    void serverCertificatesCoverTheirHostsAndNeverOutliveTheCa(@TempDir Path dir) throws Exception {
        AgencyCa ca = AgencyCa.create(dir, "Test Police", clock);

        IssuedKey server = ca.issueServer(List.of("gateway.local", "127.0.0.1"), Duration.ofDays(100_000));

        assertThat(server.certificate().getSubjectAlternativeNames().stream().map(l -> (Object) l.get(1)))
                .containsExactly("gateway.local", "127.0.0.1");
        assertThat(server.certificate().getNotAfter())
                .isEqualTo(ca.certificate().getNotAfter());
        assertThat(Identity.of(server.certificate())).isEmpty();
    }

    @Test
    void revocationListsNameTheRevokedSerials(@TempDir Path dir) throws Exception {
        AgencyCa ca = AgencyCa.create(dir, "Test Police", clock);
        X509Certificate unit =
                ca.issueClient("bwc-002", IdentityRole.UNIT, Duration.ofDays(1)).certificate();

        String pem = ca.revocationList(List.of(unit.getSerialNumber()), Duration.ofDays(7));
        X509CRL crl = (X509CRL) CertificateFactory.getInstance("X.509")
                .generateCRL(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));

        crl.verify(ca.certificate().getPublicKey());
        assertThat(crl.isRevoked(unit)).isTrue();
        assertThat(crl.getRevokedCertificate(BigInteger.TEN)).isNull();
    }

    @Test
    void fingerprintsAreReadInTheFormsTechniciansCopy() {
        String hex = "ab".repeat(32);
        String canonical = Fingerprints.normalise(hex);

        assertThat(Fingerprints.normalise("SHA256:" + canonical.toLowerCase())).isEqualTo(canonical);
        assertThat(canonical).startsWith("AB:AB:");
        assertThatThrownBy(() -> Fingerprints.normalise("abcd")).hasMessageContaining("64 hex digits");
    }
}
