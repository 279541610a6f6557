package org.openbwc.device.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openbwc.config.EnrolmentConfig;
import org.openbwc.evidence.encryption.AgencyKeyFiles;
import org.openbwc.evidence.encryption.AgencyKeyPair;
import org.openbwc.json.JsonReader;
import org.openbwc.json.JsonWriter;
import org.openbwc.pki.AgencyCa;
import org.openbwc.pki.Identity;
import org.openbwc.pki.IdentityRole;
import org.openbwc.pki.IssuedKey;
import org.openbwc.pki.Pem;
import org.openbwc.pki.TlsContexts;
import org.openbwc.testsupport.TcpProxy;

/**
 * A unit enrols against a stand-in for the gateway's units' listener (HTTPS with a server certificate from the agency
 * CA, signing what the unit sends): it writes its key files only when the server and the reply come from the pinned
 * CA, retries while the gateway is unreachable, and does not hammer a gateway that refuses it.
 */
class UnitEnrolmentTest {
    static final String UNIT = "bwc-enrol-1";
    static final UnitEnrolment.Delays FAST =
            new UnitEnrolment.Delays(Duration.ofMillis(50), Duration.ofMillis(200), Duration.ofHours(1));

    @TempDir
    Path dir;

    AgencyCa ca;
    HttpsServer server;
    final List<Map<String, Object>> requests = new CopyOnWriteArrayList<>();
    /** What the stand-in answers: null signs the request; otherwise this status and error. */
    volatile Integer refuseWith;
    /** A CA the stand-in sends instead of its own (a gateway that is not the agency's). */
    volatile AgencyCa otherCa;
    /** The agencyKey field of the reply: null leaves it out, as a gateway without encryption.publicKey does. */
    volatile String agencyKeyPem;

    Path tokenFile;
    UnitKeyFiles files;
    final KeyPair evidence = ed25519();
    final List<UnitEnrolment> started = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        ca = AgencyCa.create(dir.resolve("pki"), "Test Police", Clock.systemUTC());
        IssuedKey serverKey = ca.issueServer(List.of("127.0.0.1"), Duration.ofDays(1));
        server = serverFor(ca, serverKey);
        tokenFile = dir.resolve("token");
        Files.writeString(tokenFile, "the-token\n");
        files = new UnitKeyFiles(dir.resolve("unit/keys"));
    }

    HttpsServer serverFor(AgencyCa serverCa, IssuedKey serverKey) throws IOException {
        Path key = dir.resolve("server-" + System.nanoTime() + ".key");
        Path crt = dir.resolve("server-" + System.nanoTime() + ".crt");
        Pem.writePrivateKey(key, serverKey.key());
        Pem.writeCertificates(crt, serverKey.certificate(), serverCa.certificate());
        HttpsServer s = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        s.setHttpsConfigurator(new HttpsConfigurator(
                TlsContexts.mutual(key, crt, dir.resolve("pki").resolve(AgencyCa.CERTIFICATE_FILE))));
        s.createContext("/api/enrol", this::answer);
        s.start();
        return s;
    }

    @AfterEach
    void stop() {
        started.forEach(UnitEnrolment::close);
        server.stop(0);
    }

    private void answer(HttpExchange ex) throws IOException {
        @SuppressWarnings("unchecked")
        Map<String, Object> req =
                (Map<String, Object>) JsonReader.parse(ex.getRequestBody().readAllBytes());
        requests.add(req);
        Map<String, Object> reply = new LinkedHashMap<>();
        int status = 200;
        if (refuseWith != null) {
            status = refuseWith;
            reply.put("error", "the enrolment token is unknown, expired or already used");
        } else {
            AgencyCa signer = otherCa != null ? otherCa : ca;
            X509Certificate cert = signer.signRequest(
                    Pem.parseCsr((String) req.get("csr"), "csr"),
                    (String) req.get("unitId"),
                    IdentityRole.UNIT,
                    Duration.ofDays(1));
            reply.put("certificate", Pem.text(cert));
            reply.put("ca", Pem.text(signer.certificate()));
            reply.put("evidenceKeyFingerprint", "ed25519:test");
            if (agencyKeyPem != null) reply.put("agencyKey", agencyKeyPem);
        }
        byte[] body = JsonWriter.compact(reply);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(status, body.length);
        ex.getResponseBody().write(body);
        ex.close();
    }

    UnitEnrolment enrolment(String url, String fingerprint) {
        EnrolmentConfig config = new EnrolmentConfig(url, tokenFile.toString(), fingerprint);
        UnitEnrolment e = new UnitEnrolment(UNIT, config, files, evidence.getPublic(), FAST);
        started.add(e);
        return e;
    }

    String url() {
        return "https://127.0.0.1:" + server.getAddress().getPort();
    }

    @Test
    void aUnitEnrolsWithAKeyItMadeAndWritesItsIdentity() throws Exception {
        UnitEnrolment e = enrolment(url(), ca.fingerprint());

        assertThat(e.attempt()).isEqualTo(UnitEnrolment.Outcome.ENROLLED);

        assertThat(files.present()).isTrue();
        X509Certificate cert = Pem.readCertificate(files.certificateFile());
        assertThat(Identity.of(cert)).contains(new Identity(UNIT, IdentityRole.UNIT));
        assertThat(Pem.readCertificate(files.caFile())).isEqualTo(ca.certificate());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(files.keyFile())))
                .isEqualTo("rw-------");
        // The private key stayed on the unit; the request carried the token, a CSR and the evidence key.
        Map<String, Object> sent = requests.get(0);
        assertThat(sent).containsEntry("unitId", UNIT).containsEntry("token", "the-token");
        assertThat(sent.toString()).doesNotContain("PRIVATE KEY");
        assertThat(Pem.parsePublicKey((String) sent.get("evidenceKey"), "sent")).isEqualTo(evidence.getPublic());
        files.tlsContext(); // the files make a working TLS identity
    }

    @Test
    void theAgencyKeyFromTheGatewayIsStoredForTheRecordings() throws Exception {
        AgencyKeyPair agency = AgencyKeyPair.generate();
        agencyKeyPem = agency.publicKey().toPem();

        assertThat(enrolment(url(), ca.fingerprint()).attempt()).isEqualTo(UnitEnrolment.Outcome.ENROLLED);

        assertThat(AgencyKeyFiles.readPublicKey(files.agencyKeyFile())).isEqualTo(agency.publicKey());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(files.agencyKeyFile())))
                .isEqualTo("rw-r--r--");
        try (var names = Files.list(files.folder())) {
            assertThat(names.map(f -> f.getFileName().toString()))
                    .containsExactlyInAnyOrder("unit.key", "ca.crt", "unit.crt", "agency.pub");
        }
    }

    @Test
    void aReEnrolmentReplacesTheAgencyKeyAndOneWithoutAKeyLeavesItAsItIs() throws Exception {
        AgencyKeyPair first = AgencyKeyPair.generate();
        AgencyKeyPair rotated = AgencyKeyPair.generate();
        agencyKeyPem = first.publicKey().toPem();
        assertThat(enrolment(url(), ca.fingerprint()).attempt()).isEqualTo(UnitEnrolment.Outcome.ENROLLED);

        agencyKeyPem = rotated.publicKey().toPem();
        assertThat(enrolment(url(), ca.fingerprint()).attempt()).isEqualTo(UnitEnrolment.Outcome.ENROLLED);
        assertThat(AgencyKeyFiles.readPublicKey(files.agencyKeyFile())).isEqualTo(rotated.publicKey());

        agencyKeyPem = null;
        assertThat(enrolment(url(), ca.fingerprint()).attempt()).isEqualTo(UnitEnrolment.Outcome.ENROLLED);
        assertThat(AgencyKeyFiles.readPublicKey(files.agencyKeyFile())).isEqualTo(rotated.publicKey());
    }

    @Test
    void aReplyWithAPrivateKeyAsTheAgencyKeyIsRefusedAndNothingIsWritten() throws Exception {
        agencyKeyPem = AgencyKeyPair.generate().toPem();

        assertThat(enrolment(url(), ca.fingerprint()).attempt()).isEqualTo(UnitEnrolment.Outcome.REFUSED);

        assertThat(files.folder()).doesNotExist();
    }

    @Test
    void aServerFromAnotherCaIsNotTrustedAndNothingIsWritten() throws Exception {
        AgencyCa stranger = AgencyCa.create(dir.resolve("stranger"), "Not The Police", Clock.systemUTC());
        UnitEnrolment e = enrolment(url(), stranger.fingerprint());

        assertThat(e.attempt()).isEqualTo(UnitEnrolment.Outcome.REFUSED);

        assertThat(requests).isEmpty();
        assertThat(files.folder()).doesNotExist();
    }

    @Test
    void theHostNameIsCheckedToo() throws Exception {
        HttpsServer elsewhere = serverFor(ca, ca.issueServer(List.of("gw.elsewhere.example"), Duration.ofDays(1)));
        try {
            UnitEnrolment e =
                    enrolment("https://127.0.0.1:" + elsewhere.getAddress().getPort(), ca.fingerprint());
            assertThat(e.attempt()).isEqualTo(UnitEnrolment.Outcome.REFUSED);
            assertThat(requests).isEmpty();
            assertThat(files.folder()).doesNotExist();
        } finally {
            elsewhere.stop(0);
        }
    }

    @Test
    void aReplyWhoseCaIsNotThePinnedOneIsRefusedAndNothingIsWritten() throws Exception {
        otherCa = AgencyCa.create(dir.resolve("other"), "Other", Clock.systemUTC());
        UnitEnrolment e = enrolment(url(), ca.fingerprint());

        assertThat(e.attempt()).isEqualTo(UnitEnrolment.Outcome.REFUSED);

        assertThat(requests).hasSize(1);
        assertThat(files.folder()).doesNotExist();
    }

    @Test
    void aRefusedTokenIsNotRetriedInATightLoop() {
        refuseWith = 401;
        UnitEnrolment e = UnitEnrolment.startIfNeeded(
                        UNIT,
                        new EnrolmentConfig(url(), tokenFile.toString(), ca.fingerprint()),
                        files,
                        evidence.getPublic(),
                        FAST)
                .orElseThrow();
        started.add(e);

        await().atMost(Duration.ofSeconds(30)).until(() -> requests.size() >= 1);
        // FAST retries an unreachable gateway every 50-200 ms; after a refusal it waits an hour.
        await().pollDelay(Duration.ofMillis(600)).atMost(Duration.ofSeconds(30)).until(() -> true);
        assertThat(requests).hasSize(1);
        assertThat(e.enrolled()).isFalse();
        assertThat(files.present()).isFalse();
    }

    @Test
    void aRevokedUnitStopsTrying() {
        refuseWith = 409;
        UnitEnrolment e = enrolment(url(), ca.fingerprint());
        assertThat(e.attempt()).isEqualTo(UnitEnrolment.Outcome.REVOKED);
        assertThat(files.present()).isFalse();
    }

    @Test
    void itRetriesWhileTheGatewayIsUnreachableAndEnrolsOnceItIsBack() {
        try (TcpProxy proxy =
                new TcpProxy("tcp://127.0.0.1:" + server.getAddress().getPort())) {
            proxy.cut();
            UnitEnrolment e = UnitEnrolment.startIfNeeded(
                            UNIT,
                            new EnrolmentConfig(
                                    "https://127.0.0.1:" + proxy.port(), tokenFile.toString(), ca.fingerprint()),
                            files,
                            evidence.getPublic(),
                            FAST)
                    .orElseThrow();
            started.add(e);
            // Several attempts (50-200 ms apart) fail meanwhile.
            await().pollDelay(Duration.ofMillis(500))
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> true);
            assertThat(e.enrolled()).isFalse();

            proxy.restore();

            await().atMost(Duration.ofSeconds(60)).until(e::enrolled);
            assertThat(files.present()).isTrue();
        }
    }

    @Test
    void nothingStartsWhenTheUnitHasItsIdentityOrNoEnrolmentIsConfigured() throws Exception {
        assertThat(UnitEnrolment.startIfNeeded(UNIT, EnrolmentConfig.defaults(), files, evidence.getPublic(), FAST))
                .isEmpty();
        UnitEnrolment first = enrolment(url(), ca.fingerprint());
        assertThat(first.attempt()).isEqualTo(UnitEnrolment.Outcome.ENROLLED);
        assertThat(UnitEnrolment.startIfNeeded(
                        UNIT,
                        new EnrolmentConfig(url(), tokenFile.toString(), ca.fingerprint()),
                        files,
                        evidence.getPublic(),
                        FAST))
                .isEmpty();
        assertThat(new String(Files.readAllBytes(files.certificateFile()), StandardCharsets.US_ASCII))
                .contains("BEGIN CERTIFICATE");
    }

    static KeyPair ed25519() {
        try {
            return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
