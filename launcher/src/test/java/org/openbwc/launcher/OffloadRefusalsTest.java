package org.openbwc.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openbwc.config.GatewayConfig;
import org.openbwc.evidence.SyntheticRecording;
import org.openbwc.gateway.Gateway;
import org.openbwc.gateway.identity.EnrolmentService;
import org.openbwc.gateway.identity.TestEnrolment;
import org.openbwc.pki.AgencyCa;
import org.openbwc.pki.IdentityRole;
import org.openbwc.pki.IssuedKey;
import org.openbwc.pki.Pem;
import org.openbwc.pki.TlsContexts;

/**
 * Strangers at the offload door, over the real units' listener of a real gateway: no client certificate, a gateway's
 * certificate, a revoked unit, a unit sending another unit's recording, and a manifest signed by a key other than
 * the one pinned at enrolment are each refused with a status and a reason, and nothing is staged for them.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class OffloadRefusalsTest {
    static final String UNIT = "bwc-021";
    static final String OTHER = "bwc-022";

    Path dir;
    GatewayConfig config;
    Gateway gateway;
    EnrolmentService enrolment;
    TestEnrolment.UnitKeys keys;
    SSLContext unitTls;

    @BeforeEach
    void start() throws IOException {
        dir = TempDirs.create("bwc-offload-refusals");
        config = TestGateways.embedded("gw-refusals", dir.resolve("gateway"));
        gateway = Gateway.start(config, Gateway.CaPolicy.CREATE_IF_MISSING);
        enrolment = gateway.enrolment();
        keys = TestEnrolment.unit(UNIT);
        EnrolmentService.Enrolled enrolled =
                enrolment.enrol("test", UNIT, enrolment.add(UNIT).token(), keys.csrPem(), keys.evidenceKeyPem());
        unitTls = TestEnrolment.keep(keys, enrolled.certificatePem(), enrolled.caPem(), dir.resolve("unit-keys"));
    }

    @AfterEach
    void stop() {
        BackgroundClose.gatewayAndFolder(gateway, dir);
    }

    @Test
    void withoutAUnitCertificateNothingIsAccepted() throws Exception {
        SSLContext anonymous = TlsContexts.trusting(config.pkiDir().resolve(AgencyCa.CERTIFICATE_FILE));
        HttpResponse<String> r = create(anonymous, UNIT + "-20261207-0600", "manifest.json", 100);
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.body()).contains("needs the unit's TLS client certificate");

        // A certificate from the agency CA, but a gateway's, not a unit's.
        AgencyCa ca = AgencyCa.open(config.pkiDir(), Clock.systemUTC());
        IssuedKey gatewayKey = ca.issueClient("gw-other", IdentityRole.GATEWAY, Duration.ofDays(1));
        Path folder = Files.createDirectories(dir.resolve("gw-keys"));
        Pem.writePrivateKey(folder.resolve("k.pem"), gatewayKey.key());
        Pem.writeCertificates(folder.resolve("c.pem"), gatewayKey.certificate(), ca.certificate());
        SSLContext gatewayTls = TlsContexts.mutual(
                folder.resolve("k.pem"),
                folder.resolve("c.pem"),
                config.pkiDir().resolve(AgencyCa.CERTIFICATE_FILE));
        assertThat(create(gatewayTls, UNIT + "-20261207-0600", "manifest.json", 100)
                        .statusCode())
                .isEqualTo(401);
        assertThat(get(gatewayTls, "/api/offload/recordings/" + UNIT + "-20261207-0600")
                        .statusCode())
                .isEqualTo(401);
        assertNothingStaged();
    }

    @Test
    void aRevokedUnitMayNotOffload() throws Exception {
        assertThat(create(unitTls, UNIT + "-20261207-0601", "manifest.json", 100)
                        .statusCode())
                .as("before revocation")
                .isEqualTo(201);
        enrolment.revoke(UNIT);

        HttpResponse<String> r;
        try {
            r = create(unitTls, UNIT + "-20261207-0602", "manifest.json", 100);
        } catch (IOException handshakeRefused) {
            return; // refused at TLS, as a revoked certificate may be: also a refusal
        }
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(r.body()).contains("unit " + UNIT + " is revoked");
        assertThat(config.dataDir()).isNotNull();
        assertThat(Path.of(config.dataDir()).resolve("offload").resolve(UNIT).resolve(UNIT + "-20261207-0602"))
                .doesNotExist();
    }

    @Test
    void aUnitCannotSendAnotherUnitsRecordingOrOneSignedByAnotherKey() throws Exception {
        // Another unit's recording, signed by that unit's key: the id and the manifest name the other unit.
        var otherKeys = TestEnrolment.unit(OTHER);
        SyntheticRecording foreign =
                SyntheticRecording.make(OTHER + "-20261207-0603", OTHER, otherKeys.evidence(), 1, 3, 1_000, 1);
        HttpResponse<String> r = create(unitTls, foreign.id, "manifest.json", foreign.manifest.length);
        if (r.statusCode() == 201) r = patch(unitTls, foreign.id, "manifest.json", foreign.manifest);
        assertThat(r.statusCode()).as(r.body()).isBetween(400, 499);
        assertThat(r.body()).containsIgnoringCase(OTHER);

        // Its own id, but signed by a key other than the one pinned at enrolment.
        SyntheticRecording forged =
                SyntheticRecording.make(UNIT + "-20261207-0604", UNIT, otherKeys.evidence(), 1, 3, 1_000, 2);
        assertThat(create(unitTls, forged.id, "manifest.json", forged.manifest.length)
                        .statusCode())
                .isEqualTo(201);
        HttpResponse<String> p = patch(unitTls, forged.id, "manifest.json", forged.manifest);
        assertThat(p.statusCode()).as(p.body()).isEqualTo(422);
        assertThat(p.body()).contains("key");
        assertThat(gateway.evidenceIndex().find(forged.id)).isEmpty();
        assertThat(gateway.evidenceIndex().find(foreign.id)).isEmpty();
    }

    HttpResponse<String> create(SSLContext tls, String recording, String file, long length) throws Exception {
        String meta = "recording " + b64(recording) + ",file " + b64(file);
        HttpRequest req = HttpRequest.newBuilder(uri("/api/offload/uploads"))
                .header("Tus-Resumable", "1.0.0")
                .header("Upload-Length", Long.toString(length))
                .header("Upload-Metadata", meta)
                .POST(HttpRequest.BodyPublishers.noBody())
                .build();
        return client(tls).send(req, HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> patch(SSLContext tls, String recording, String file, byte[] body) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(uri("/api/offload/uploads/" + recording + "/" + file))
                .header("Tus-Resumable", "1.0.0")
                .header("Upload-Offset", "0")
                .header("Content-Type", "application/offset+octet-stream")
                .method("PATCH", HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        return client(tls).send(req, HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> get(SSLContext tls, String path) throws Exception {
        return client(tls).send(HttpRequest.newBuilder(uri(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    void assertNothingStaged() throws IOException {
        Path staging = Path.of(config.dataDir()).resolve("offload");
        if (Files.isDirectory(staging)) {
            try (var files = Files.walk(staging)) {
                assertThat(files.filter(Files::isRegularFile)).isEmpty();
            }
        }
    }

    URI uri(String path) {
        return URI.create("https://127.0.0.1:" + gateway.unitPort() + path);
    }

    static HttpClient client(SSLContext tls) {
        return HttpClient.newBuilder()
                .sslContext(tls)
                .connectTimeout(Duration.ofSeconds(10))
                .build();
    }

    static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }
}
