package org.openbwc.gateway.broker;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openbwc.gateway.broker.CertificateAuthenticator.Decision;
import org.openbwc.pki.IdentityRole;
import org.openbwc.protocol.TopicRules;
import org.openbwc.testsupport.TestIdentities;

/** Who the embedded broker lets in, decided on the certificate alone (the TLS listener checked its chain). */
class CertificateAuthenticatorTest {

    @TempDir
    Path dir;

    TestIdentities ids;
    final BrokerAccess access = BrokerAccess.of(Set.of("gw-1"), id -> !id.equals("bwc-revoked"), RefusedClients.NONE);

    @BeforeEach
    void makeCa() {
        ids = TestIdentities.create(dir);
    }

    X509Certificate cert(String id, IdentityRole role) {
        return ids.ca().issueClient(id, role, Duration.ofDays(1)).certificate();
    }

    @Test
    void aUnitGetsItsOwnRulesAndAGatewayItsOwn() {
        Decision unit =
                CertificateAuthenticator.decide("bwc-001", Optional.of(cert("bwc-001", IdentityRole.UNIT)), access);
        assertThat(unit.admitted()).isTrue();
        assertThat(unit.rules()).isEqualTo(TopicRules.unit("bwc-001"));
        Decision gateway =
                CertificateAuthenticator.decide("gw-1", Optional.of(cert("gw-1", IdentityRole.GATEWAY)), access);
        assertThat(gateway.rules()).isEqualTo(TopicRules.gateway("gw-1"));
    }

    @Test
    void everyRefusalSaysWhy() {
        assertThat(CertificateAuthenticator.decide("bwc-001", Optional.empty(), access)
                        .refusal())
                .contains("no TLS client certificate");
        assertThat(CertificateAuthenticator.decide("bwc-002", Optional.of(cert("bwc-001", IdentityRole.UNIT)), access)
                        .refusal())
                .contains("'bwc-002' differs from the certificate's CN 'bwc-001'");
        assertThat(CertificateAuthenticator.decide(
                                "bwc-revoked", Optional.of(cert("bwc-revoked", IdentityRole.UNIT)), access)
                        .refusal())
                .contains("not admitted");
        assertThat(CertificateAuthenticator.decide("gw-2", Optional.of(cert("gw-2", IdentityRole.GATEWAY)), access)
                        .refusal())
                .contains("not a gateway of this broker");
        assertThat(CertificateAuthenticator.decide("_replies", Optional.of(cert("_replies", IdentityRole.UNIT)), access)
                        .refusal())
                .contains("reserved");
        X509Certificate server = ids.ca()
                .issueServer(java.util.List.of("localhost"), Duration.ofDays(1))
                .certificate();
        assertThat(CertificateAuthenticator.decide("localhost", Optional.of(server), access)
                        .refusal())
                .contains("names no agency identity");
    }
}
