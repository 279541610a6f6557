package org.openbwc.gateway.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openbwc.evidence.encryption.AgencyKeyFiles;
import org.openbwc.evidence.encryption.AgencyKeyPair;
import org.openbwc.evidence.encryption.AgencyPublicKey;
import org.openbwc.gateway.auth.TestOperators;
import org.openbwc.gateway.fleet.CommandClient;
import org.openbwc.gateway.fleet.FleetConnection;
import org.openbwc.gateway.fleet.FleetRegistry;
import org.openbwc.gateway.identity.EnrolmentRefusedException;
import org.openbwc.gateway.identity.TestEnrolment;
import org.openbwc.gateway.identity.TestEnrolment.UnitKeys;
import org.openbwc.pki.AgencyCa;
import org.openbwc.pki.Identity;
import org.openbwc.pki.IdentityRole;
import org.openbwc.pki.Pem;

/** Enrolment over HTTP: a unit's POST /api/enrol, and the admin's tokens, list and revocation (audited). */
class EnrolmentRoutesTest {
    static final ObjectMapper MAPPER = new ObjectMapper();

    @TempDir
    Path dataDir;

    TestWeb http;
    String base;

    AgencyKeyPair agency;

    @BeforeEach
    void start() {
        agency = AgencyKeyPair.generate();
        AgencyKeyFiles.writeNew(dataDir, agency);
        http = TestWeb.start(
                "127.0.0.1",
                0,
                new FleetRegistry(),
                mock(FleetConnection.class),
                mock(CommandClient.class),
                dataDir,
                "gw-1");
        base = "http://127.0.0.1:" + http.port();
    }

    @AfterEach
    void stop() {
        http.close();
    }

    @Test
    void anAdminIssuesATokenAndTheUnitEnrolsWithIt() throws Exception {
        ApiClient admin = ApiClient.signedIn(base, TestOperators.ADMIN);
        ApiClient.Reply added = admin.post("/api/enrolments", "{\"unitId\": \"bwc-001\"}");
        assertThat(added.status()).as(added.body()).isEqualTo(200);
        String token = added.json().get("token").asText();
        String caFingerprint = AgencyCa.open(dataDir.resolve("pki"), java.time.Clock.systemUTC())
                .fingerprint();
        assertThat(added.json().get("caFingerprint").asText()).isEqualTo(caFingerprint);
        assertThat(added.json().get("expiresAt").asText()).isNotBlank();

        UnitKeys keys = TestEnrolment.unit("bwc-001");
        ApiClient.Reply enrolled = new ApiClient(base).post("/api/enrol", enrolBody("bwc-001", token, keys));

        assertThat(enrolled.status()).as(enrolled.body()).isEqualTo(200);
        X509Certificate cert = Pem.parseCertificates(
                        enrolled.json().get("certificate").asText(), "reply")
                .get(0);
        assertThat(cert.getPublicKey()).isEqualTo(keys.tls().getPublic());
        assertThat(Identity.of(cert)).contains(new Identity("bwc-001", IdentityRole.UNIT));
        assertThat(org.openbwc.pki.Fingerprints.sha256(
                        Pem.parseCertificates(enrolled.json().get("ca").asText(), "reply")
                                .get(0)))
                .isEqualTo(caFingerprint);
        assertThat(enrolled.json().get("evidenceKeyFingerprint").asText()).startsWith("ed25519:");
        assertThat(AgencyPublicKey.fromPem(enrolled.json().get("agencyKey").asText()))
                .isEqualTo(agency.publicKey());

        ApiClient.Reply list = admin.get("/api/enrolments");
        assertThat(list.json()).singleElement().satisfies(u -> {
            assertThat(u.get("unitId").asText()).isEqualTo("bwc-001");
            assertThat(u.get("state").asText()).isEqualTo("enrolled");
            assertThat(u.get("certificateSerial").asText())
                    .isEqualTo(cert.getSerialNumber().toString(16));
            assertThat(u.has("tokenSha256")).isFalse();
        });

        ApiClient.Reply reused = new ApiClient(base).post("/api/enrol", enrolBody("bwc-001", token, keys));
        assertThat(reused.status()).isEqualTo(401);
        assertThat(reused.json().get("error").asText()).isEqualTo(EnrolmentRefusedException.BAD_TOKEN);
    }

    @Test
    void anAdminRevokesAUnitItIsRefusedAndTheRevocationIsAudited() throws Exception {
        ApiClient admin = ApiClient.signedIn(base, TestOperators.ADMIN);
        String token = admin.post("/api/enrolments", "{\"unitId\": \"bwc-002\"}")
                .json()
                .get("token")
                .asText();
        UnitKeys keys = TestEnrolment.unit("bwc-002");
        assertThat(new ApiClient(base)
                        .post("/api/enrol", enrolBody("bwc-002", token, keys))
                        .status())
                .isEqualTo(200);

        ApiClient.Reply revoked = admin.post("/api/units/bwc-002/revoke", null);

        assertThat(revoked.status()).as(revoked.body()).isEqualTo(200);
        assertThat(revoked.json().get("state").asText()).isEqualTo("revoked");
        assertThat(admin.get("/api/audit").body()).contains("unit.revoke", "bwc-002", TestOperators.ADMIN);
        assertThat(admin.post("/api/enrolments", "{\"unitId\": \"bwc-002\"}").status())
                .isEqualTo(409);
        assertThat(admin.post("/api/units/bwc-404/revoke", null).status()).isEqualTo(404);
        ApiClient.Reply again = new ApiClient(base).post("/api/enrol", enrolBody("bwc-002", token, keys));
        assertThat(again.status()).isEqualTo(409);
    }

    @Test
    void badOrOversizedRequestsAreRefusedWithoutASession() throws Exception {
        ApiClient unit = new ApiClient(base);
        assertThat(unit.post("/api/enrol", "not json").status()).isEqualTo(400);
        UnitKeys keys = TestEnrolment.unit("bwc-003");
        assertThat(unit.post("/api/enrol", enrolBody("bwc-003", "guess", keys)).status())
                .isEqualTo(401);
        String huge =
                "{\"unitId\": \"bwc-003\", \"csr\": \"" + "A".repeat(EnrolmentRoutes.MAX_ENROL_BODY_BYTES) + "\"}";
        assertThat(unit.post("/api/enrol", huge).status()).isEqualTo(413);
        // An operator below admin cannot issue tokens.
        assertThat(ApiClient.signedIn(base, TestOperators.SUPERVISOR)
                        .post("/api/enrolments", "{\"unitId\": \"bwc-003\"}")
                        .status())
                .isEqualTo(403);
    }

    static String enrolBody(String unitId, String token, UnitKeys keys) throws Exception {
        return MAPPER.writeValueAsString(
                Map.of("unitId", unitId, "token", token, "csr", keys.csrPem(), "evidenceKey", keys.evidenceKeyPem()));
    }
}
