package org.openbwc.gateway.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openbwc.evidence.encryption.AgencyKeyPair;
import org.openbwc.evidence.encryption.AgencyPublicKey;
import org.openbwc.gateway.fleet.Admission;
import org.openbwc.gateway.identity.EnrolledUnit.State;
import org.openbwc.gateway.identity.TestEnrolment.UnitKeys;
import org.openbwc.pki.AgencyCa;
import org.openbwc.pki.Fingerprints;
import org.openbwc.pki.Identity;
import org.openbwc.pki.IdentityRole;
import org.openbwc.testsupport.MovableClock;

/** Enrolment with keys born on the unit: one-time tokens, the CA's choice of subject, pinned keys, revocation. */
class EnrolmentServiceTest {
    static final String SOURCE = "10.0.0.7";

    @TempDir
    Path dataDir;

    final MovableClock clock = new MovableClock(Instant.parse("2026-11-29T10:00:00Z"));
    AgencyCa ca;
    UnitDirectory directory;
    EnrolmentService service;

    @BeforeEach
    void setUp() {
        ca = AgencyCa.create(dataDir.resolve("pki"), "Test Police", clock);
        directory = UnitDirectory.open(dataDir, clock);
        service = service(directory, new EnrolmentThrottle(100, Duration.ofMinutes(1), 100, clock));
    }

    EnrolmentService service(UnitDirectory d, EnrolmentThrottle throttle) {
        return new EnrolmentService(d, ca, Duration.ofDays(30), dataDir.resolve("pki/crl.pem"), throttle);
    }

    @Test
    void aUnitEnrolsWithItsOwnKeyAndTheGatewayPinsItsEvidenceKey() throws Exception {
        UnitDirectory.IssuedToken token = service.add("bwc-001");
        assertThat(token.expiresAt()).isEqualTo(clock.instant().plus(Duration.ofHours(24)));
        assertThat(token.reenrolment()).isFalse();
        assertThat(directory.verdict("bwc-001")).isEqualTo(Admission.Verdict.NOT_ENROLLED);
        UnitKeys keys = TestEnrolment.unit("bwc-001");

        EnrolmentService.Enrolled e =
                service.enrol(SOURCE, "bwc-001", token.token(), keys.csrPem(), keys.evidenceKeyPem());

        assertThat(e.certificate().getPublicKey()).isEqualTo(keys.tls().getPublic());
        e.certificate().verify(ca.certificate().getPublicKey());
        assertThat(Identity.of(e.certificate())).contains(new Identity("bwc-001", IdentityRole.UNIT));
        assertThat(e.ca()).isEqualTo(ca.certificate());
        assertThat(e.evidenceKeyFingerprint())
                .isEqualTo(Fingerprints.evidenceKey(keys.evidence().getPublic()));
        EnrolledUnit u = directory.find("bwc-001").orElseThrow();
        assertThat(u.state()).isEqualTo(State.ENROLLED);
        assertThat(u.certificateSerial())
                .isEqualTo(e.certificate().getSerialNumber().toString(16));
        assertThat(u.evidenceKeyFingerprint()).isEqualTo(e.evidenceKeyFingerprint());
        assertThat(u.tokenHash()).isNull();
        assertThat(directory.admits("bwc-001")).isTrue();
        assertThat(directory.admits("bwc-002")).isFalse();
        // What another process reads: the same, and never the token itself.
        assertThat(UnitDirectory.open(dataDir, clock).find("bwc-001")).contains(u);
        String file = Files.readString(dataDir.resolve(UnitDirectory.FILE));
        assertThat(file).doesNotContain(token.token()).contains("\"enrolled\"");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dataDir.resolve(UnitDirectory.FILE))))
                .isEqualTo("rw-------");
    }

    @Test
    void theUnitGetsTheAgencyPublicKeyWhenTheGatewayHasOne() {
        assertThat(service.agencyKey()).isEmpty();
        UnitKeys keys = TestEnrolment.unit("bwc-001");
        EnrolmentService.Enrolled without =
                service.enrol(SOURCE, "bwc-001", service.add("bwc-001").token(), keys.csrPem(), keys.evidenceKeyPem());
        assertThat(without.agencyKeyPem()).isEmpty();

        AgencyKeyPair agency = AgencyKeyPair.generate();
        EnrolmentService withKey = new EnrolmentService(
                directory,
                ca,
                Duration.ofDays(30),
                dataDir.resolve("pki/crl.pem"),
                new EnrolmentThrottle(100, Duration.ofMinutes(1), 100, clock),
                agency.publicKey());
        EnrolmentService.Enrolled with =
                withKey.enrol(SOURCE, "bwc-001", withKey.add("bwc-001").token(), keys.csrPem(), keys.evidenceKeyPem());

        assertThat(with.agencyKey()).isEqualTo(agency.publicKey());
        assertThat(AgencyPublicKey.fromPem(with.agencyKeyPem().orElseThrow())).isEqualTo(agency.publicKey());
    }

    @Test
    void theTokenOnlyStoresItsHash() {
        UnitDirectory.IssuedToken token = service.add("bwc-001");
        assertThat(directory.find("bwc-001").orElseThrow().tokenHash())
                .isEqualTo(UnitDirectory.hash(token.token()))
                .isNotEqualTo(token.token());
    }

    @Test
    void anExpiredTokenIsRefusedLikeAnUnknownOne() {
        UnitDirectory.IssuedToken token = service.add("bwc-001");
        clock.advance(Duration.ofHours(24).plusSeconds(1));
        UnitKeys keys = TestEnrolment.unit("bwc-001");

        assertThatThrownBy(() -> service.enrol(SOURCE, "bwc-001", token.token(), keys.csrPem(), keys.evidenceKeyPem()))
                .isInstanceOfSatisfying(EnrolmentRefusedException.class, e -> {
                    assertThat(e.status()).isEqualTo(401);
                    assertThat(e.getMessage()).isEqualTo(EnrolmentRefusedException.BAD_TOKEN);
                });
        assertThatThrownBy(() -> service.enrol(SOURCE, "bwc-404", token.token(), keys.csrPem(), keys.evidenceKeyPem()))
                .isInstanceOfSatisfying(EnrolmentRefusedException.class, e -> {
                    assertThat(e.status()).isEqualTo(401);
                    assertThat(e.getMessage()).isEqualTo(EnrolmentRefusedException.BAD_TOKEN);
                });
        assertThat(directory.find("bwc-001").orElseThrow().state()).isEqualTo(State.PENDING);
    }

    @Test
    void aTokenIsGoodForOneEnrolmentAndANewOneLetsAnEnrolledUnitEnrolAgain() {
        UnitDirectory.IssuedToken token = service.add("bwc-001");
        UnitKeys first = TestEnrolment.unit("bwc-001");
        service.enrol(SOURCE, "bwc-001", token.token(), first.csrPem(), first.evidenceKeyPem());
        UnitKeys second = TestEnrolment.unit("bwc-001");

        assertThatThrownBy(
                        () -> service.enrol(SOURCE, "bwc-001", token.token(), second.csrPem(), second.evidenceKeyPem()))
                .isInstanceOfSatisfying(EnrolmentRefusedException.class, e -> {
                    assertThat(e.status()).isEqualTo(401);
                    assertThat(e.getMessage())
                            .isEqualTo(EnrolmentRefusedException.BAD_TOKEN)
                            .contains("unit add");
                });

        UnitDirectory.IssuedToken again = service.add("bwc-001");
        assertThat(again.reenrolment()).isTrue();
        EnrolmentService.Enrolled e =
                service.enrol(SOURCE, "bwc-001", again.token(), second.csrPem(), second.evidenceKeyPem());
        EnrolledUnit u = directory.find("bwc-001").orElseThrow();
        assertThat(u.serials())
                .hasSize(2)
                .last()
                .isEqualTo(e.certificate().getSerialNumber().toString(16));
        assertThat(u.evidenceKeyFingerprint())
                .isEqualTo(Fingerprints.evidenceKey(second.evidence().getPublic()));
    }

    @Test
    void aNewTokenReplacesTheOldOne() {
        UnitDirectory.IssuedToken old = service.add("bwc-001");
        service.add("bwc-001");
        UnitKeys keys = TestEnrolment.unit("bwc-001");
        assertThatThrownBy(() -> service.enrol(SOURCE, "bwc-001", old.token(), keys.csrPem(), keys.evidenceKeyPem()))
                .isInstanceOfSatisfying(
                        EnrolmentRefusedException.class,
                        e -> assertThat(e.status()).isEqualTo(401));
    }

    @Test
    void aRevokedUnitIsRefusedListedInTheCrlAndEveryListenerHears() throws Exception {
        UnitDirectory other = UnitDirectory.open(dataDir, clock).watch(); // the running gateway, while the CLI revokes
        List<String> heardHere = new CopyOnWriteArrayList<>();
        List<String> heardThere = new CopyOnWriteArrayList<>();
        directory.listen(heardHere::add);
        other.listen(heardThere::add);
        try {
            UnitDirectory.IssuedToken token = service.add("bwc-001");
            UnitKeys keys = TestEnrolment.unit("bwc-001");
            EnrolmentService.Enrolled e =
                    service.enrol(SOURCE, "bwc-001", token.token(), keys.csrPem(), keys.evidenceKeyPem());
            UnitDirectory.IssuedToken pending = service.add("bwc-001");

            EnrolledUnit revoked = service.revoke("bwc-001").orElseThrow();

            assertThat(revoked.state()).isEqualTo(State.REVOKED);
            assertThat(revoked.revokedAt()).isEqualTo(clock.instant());
            assertThat(directory.verdict("bwc-001")).isEqualTo(Admission.Verdict.REVOKED);
            assertThat(directory.admits("bwc-001")).isFalse();
            assertThat(heardHere).containsExactly("bwc-001");
            await().atMost(Duration.ofSeconds(30)).until(() -> heardThere.contains("bwc-001"));
            assertThat(other.admits("bwc-001")).isFalse();
            assertThatThrownBy(() ->
                            service.enrol(SOURCE, "bwc-001", pending.token(), keys.csrPem(), keys.evidenceKeyPem()))
                    .isInstanceOfSatisfying(EnrolmentRefusedException.class, r -> {
                        assertThat(r.status()).isEqualTo(409);
                        assertThat(r.getMessage()).contains("revoked");
                    });
            assertThatThrownBy(() -> service.add("bwc-001"))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("never readmitted");
            X509CRL crl = (X509CRL) CertificateFactory.getInstance("X.509")
                    .generateCRL(new ByteArrayInputStream(
                            Files.readString(dataDir.resolve("pki/crl.pem")).getBytes(StandardCharsets.US_ASCII)));
            crl.verify(ca.certificate().getPublicKey());
            assertThat(crl.isRevoked(e.certificate())).isTrue();
            // Revoking again changes nothing and tells nobody twice.
            service.revoke("bwc-001");
            assertThat(heardHere).containsExactly("bwc-001");
            assertThat(service.revoke("bwc-404")).isEmpty();
        } finally {
            other.close();
        }
    }

    @Test
    void aBadRequestIsRefusedWith400AndUsesNoToken() {
        UnitDirectory.IssuedToken token = service.add("bwc-001");
        UnitKeys keys = TestEnrolment.unit("bwc-001");
        UnitKeys impostor = TestEnrolment.unit("bwc-001", "gw-1");
        assertRefused(400, () -> service.enrol(SOURCE, "bwc-001", token.token(), "not a csr", keys.evidenceKeyPem()));
        assertRefused(
                400, () -> service.enrol(SOURCE, "bwc-001", token.token(), impostor.csrPem(), keys.evidenceKeyPem()));
        String ecKey = org.openbwc.pki.Pem.text(keys.tls().getPublic());
        assertRefused(400, () -> service.enrol(SOURCE, "bwc-001", token.token(), keys.csrPem(), ecKey));
        assertRefused(400, () -> service.enrol(SOURCE, "a/b", token.token(), keys.csrPem(), keys.evidenceKeyPem()));
        // The token survived all of that.
        service.enrol(SOURCE, "bwc-001", token.token(), keys.csrPem(), keys.evidenceKeyPem());
    }

    @Test
    void attemptsFromOneAddressAreThrottledOthersAreNot() {
        EnrolmentService throttled = service(directory, new EnrolmentThrottle(3, Duration.ofMinutes(1), 100, clock));
        UnitKeys keys = TestEnrolment.unit("bwc-001");
        for (int i = 0; i < 3; i++) {
            assertRefused(401, () -> throttled.enrol(SOURCE, "bwc-001", "guess", keys.csrPem(), keys.evidenceKeyPem()));
        }
        assertRefused(429, () -> throttled.enrol(SOURCE, "bwc-001", "guess", keys.csrPem(), keys.evidenceKeyPem()));
        assertRefused(401, () -> throttled.enrol("10.0.0.8", "bwc-001", "guess", keys.csrPem(), keys.evidenceKeyPem()));
        clock.advance(Duration.ofMinutes(1));
        assertRefused(401, () -> throttled.enrol(SOURCE, "bwc-001", "guess", keys.csrPem(), keys.evidenceKeyPem()));
    }

    @Test
    void withoutACaEnrolmentSaysHowToMakeOne() {
        EnrolmentService none = new EnrolmentService(
                directory, null, Duration.ofDays(1), dataDir.resolve("crl.pem"), EnrolmentThrottle.defaults(clock));
        UnitKeys keys = TestEnrolment.unit("bwc-001");
        assertThatThrownBy(() -> none.enrol(SOURCE, "bwc-001", "t", keys.csrPem(), keys.evidenceKeyPem()))
                .isInstanceOfSatisfying(EnrolmentRefusedException.class, e -> {
                    assertThat(e.status()).isEqualTo(503);
                    assertThat(e.getMessage()).contains("bwc pki init");
                });
    }

    private static void assertRefused(int status, Runnable call) {
        assertThatThrownBy(call::run)
                .isInstanceOfSatisfying(
                        EnrolmentRefusedException.class,
                        e -> assertThat(e.status()).as(e.getMessage()).isEqualTo(status));
    }
}
