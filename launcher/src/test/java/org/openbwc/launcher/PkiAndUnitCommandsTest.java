package org.openbwc.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.openbwc.launcher.BwcCliTest.bwc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openbwc.gateway.identity.EnrolmentService;
import org.openbwc.gateway.identity.EnrolmentThrottle;
import org.openbwc.gateway.identity.UnitDirectory;
import org.openbwc.launcher.BwcCliTest.Run;
import org.openbwc.pki.AgencyCa;
import org.openbwc.pki.CertificateRequests;
import org.openbwc.pki.KeyPairs;
import org.openbwc.pki.Pem;

/** {@code bwc pki} and {@code bwc gateway unit} as an administrator uses them: what they print and change. */
class PkiAndUnitCommandsTest {
    static final Pattern TOKEN = Pattern.compile("^  ([A-Za-z0-9_-]{43})$", Pattern.MULTILINE);

    @TempDir
    Path dir;

    Path config;
    Path dataDir;

    @BeforeEach
    void config() throws IOException {
        dataDir = dir.resolve("data");
        config = dir.resolve("gateway.yaml");
        Files.writeString(
                config,
                "gatewayId: gw-1\ndataDir: " + dataDir + "\npki:\n  agencyName: Test Police\n"
                        + "  serverHosts: gw.police.local, 10.0.0.5\n");
    }

    @Test
    void pkiInitMakesTheCaOnceAndShowPrintsItsFingerprint() {
        Run shownBefore = bwc("pki", "show", "--config", config.toString());
        assertThat(shownBefore.exit()).isEqualTo(1);
        assertThat(shownBefore.err()).contains("bwc pki init");

        Run init = bwc("pki", "init", "--config", config.toString());

        assertThat(init.exit()).as(init.err()).isZero();
        String fingerprint =
                AgencyCa.open(dataDir.resolve("pki"), Clock.systemUTC()).fingerprint();
        assertThat(init.out()).contains(fingerprint, "enrolment.caFingerprint");
        Run again = bwc("pki", "init", "--config", config.toString());
        assertThat(again.exit()).isEqualTo(1);
        assertThat(again.err()).contains("already exists");
        assertThat(AgencyCa.open(dataDir.resolve("pki"), Clock.systemUTC()).fingerprint())
                .isEqualTo(fingerprint);
        Run show = bwc("pki", "show", "--config", config.toString());
        assertThat(show.exit()).isZero();
        assertThat(show.out()).contains(fingerprint, "CN=Test Police body-worn camera CA", "valid:");
    }

    @Test
    void pkiImportTakesTheAgencysOwnCa() {
        AgencyCa own = AgencyCa.create(dir.resolve("agency"), "Agency PKI", Clock.systemUTC());
        Run imported = bwc(
                "pki",
                "import",
                "--config",
                config.toString(),
                "--cert",
                dir.resolve("agency/ca.crt").toString(),
                "--key",
                dir.resolve("agency/ca.key").toString());
        assertThat(imported.exit()).as(imported.err()).isZero();
        assertThat(imported.out()).contains(own.fingerprint());
        assertThat(AgencyCa.open(dataDir.resolve("pki"), Clock.systemUTC()).fingerprint())
                .isEqualTo(own.fingerprint());
        Run notACa = bwc(
                "pki",
                "import",
                "--config",
                dir.resolve("gateway.yaml").toString(),
                "--cert",
                dir.resolve("nothing.crt").toString(),
                "--key",
                dir.resolve("agency/ca.key").toString());
        assertThat(notACa.exit()).isEqualTo(1);
    }

    @Test
    void unitAddPrintsATokenAndTheUnitsConfigListShowsItAndRevokeRefusesIt() throws IOException {
        Run noCa = bwc("gateway", "unit", "add", "bwc-007", "--config", config.toString());
        assertThat(noCa.exit()).isEqualTo(1);
        assertThat(noCa.err()).contains("bwc pki init");
        assertThat(bwc("pki", "init", "--config", config.toString()).exit()).isZero();
        AgencyCa ca = AgencyCa.open(dataDir.resolve("pki"), Clock.systemUTC());

        Run added = bwc("gateway", "unit", "add", "bwc-007", "--config", config.toString());

        assertThat(added.exit()).as(added.err()).isZero();
        assertThat(added.out())
                .contains("url: https://gw.police.local:8444", "tokenFile: ", "caFingerprint: \"" + ca.fingerprint());
        Matcher m = TOKEN.matcher(added.out());
        assertThat(m.find()).as(added.out()).isTrue();
        String token = m.group(1);
        assertThat(Files.readString(dataDir.resolve(UnitDirectory.FILE))).doesNotContain(token);
        Run pending = bwc("gateway", "unit", "list", "--config", config.toString());
        assertThat(pending.out()).containsPattern("bwc-007 +pending");

        // The unit enrols (as the running gateway would serve it).
        EnrolmentService gateway = new EnrolmentService(
                UnitDirectory.open(dataDir, Clock.systemUTC()),
                ca,
                Duration.ofDays(1),
                dataDir.resolve("pki/crl.pem"),
                EnrolmentThrottle.defaults(Clock.systemUTC()));
        var keys = KeyPairs.newTlsKeyPair();
        var evidence = org.openbwc.gateway.identity.TestEnrolment.ed25519();
        EnrolmentService.Enrolled e = gateway.enrol(
                "127.0.0.1",
                "bwc-007",
                token,
                Pem.text(CertificateRequests.create(keys, "bwc-007")),
                Pem.text(evidence.getPublic()));

        Run enrolled = bwc("gateway", "unit", "list", "--config", config.toString());
        assertThat(enrolled.out())
                .containsPattern("bwc-007 +enrolled")
                .contains(e.certificate().getSerialNumber().toString(16), e.evidenceKeyFingerprint());

        Run revoked = bwc("gateway", "unit", "revoke", "bwc-007", "--config", config.toString());
        assertThat(revoked.exit()).as(revoked.err()).isZero();
        assertThat(revoked.out()).contains("Revoked bwc-007", "crl.pem");
        assertThat(bwc("gateway", "unit", "list", "--config", config.toString()).out())
                .containsPattern("bwc-007 +revoked");
        assertThat(Files.readString(dataDir.resolve("pki/crl.pem"))).contains("BEGIN X509 CRL");
        Run readd = bwc("gateway", "unit", "add", "bwc-007", "--config", config.toString());
        assertThat(readd.exit()).isEqualTo(1);
        assertThat(readd.err()).contains("never readmitted");
        Run unknown = bwc("gateway", "unit", "revoke", "bwc-404", "--config", config.toString());
        assertThat(unknown.exit()).isEqualTo(1);
        assertThat(unknown.err()).contains("no unit 'bwc-404'");
        Run badId = bwc("gateway", "unit", "add", "a/b", "--config", config.toString());
        assertThat(badId.exit()).isEqualTo(2);
    }
}
