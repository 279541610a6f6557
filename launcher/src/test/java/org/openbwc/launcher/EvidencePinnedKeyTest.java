package org.openbwc.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.openbwc.launcher.BwcCliTest.bwc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openbwc.gateway.identity.EnrolmentService;
import org.openbwc.gateway.identity.EnrolmentThrottle;
import org.openbwc.gateway.identity.TestEnrolment;
import org.openbwc.gateway.identity.UnitDirectory;
import org.openbwc.launcher.BwcCliTest.Run;
import org.openbwc.pki.AgencyCa;
import org.openbwc.pki.Fingerprints;
import org.openbwc.pki.Pem;

/**
 * {@code bwc evidence verify --pinned}: the recording's key is checked against the one the gateway pinned when the
 * unit enrolled, and the command always says which key it trusted. The recordings here are only manifests: the key
 * check comes before the hashes, which the device's own tests cover.
 */
class EvidencePinnedKeyTest {
    @TempDir
    Path dir;

    Path gatewayData;
    TestEnrolment.UnitKeys unit;

    @BeforeEach
    void enrol() {
        gatewayData = dir.resolve("gateway");
        Clock clock = Clock.systemUTC();
        AgencyCa ca = AgencyCa.create(gatewayData.resolve("pki"), "Test Police", clock);
        EnrolmentService service = new EnrolmentService(
                UnitDirectory.open(gatewayData, clock),
                ca,
                Duration.ofDays(1),
                gatewayData.resolve("pki/crl.pem"),
                EnrolmentThrottle.defaults(clock));
        unit = TestEnrolment.unit("bwc-009");
        service.enrol("127.0.0.1", "bwc-009", service.add("bwc-009").token(), unit.csrPem(), unit.evidenceKeyPem());
    }

    Path recording(String unitId, KeyPair signer) throws IOException {
        Path rec = dir.resolve("evidence").resolve(unitId + "-rec");
        Files.createDirectories(rec);
        String key = Base64.getEncoder().encodeToString(signer.getPublic().getEncoded());
        // A manifest the verifier can read, signed by nobody: the key check comes first, so it is all these tests need.
        String manifest = "{\"formatVersion\":1,\"recordingId\":\"%s-rec\",\"unitId\":\"%s\",\"officerId\":\"o\","
                + "\"trigger\":\"button\",\"startedAt\":\"2026-01-01T00:00:00Z\",\"endedAt\":\"2026-01-01T00:00:10Z\","
                + "\"endReason\":\"button\",\"clockSource\":\"gnss\",\"clockSet\":true,\"clockOffsetMillis\":null,"
                + "\"preEventSecondsIncluded\":0.0,\"durationMicros\":10000000,\"durationSeconds\":10.0,"
                + "\"markers\":[],\"track\":[],\"segments\":[],\"chainHead\":\"00\",\"fragmentCount\":0,"
                + "\"droppedFragments\":0,\"recovered\":false,\"bytesTruncated\":0,\"torn\":[],"
                + "\"softwareVersion\":\"test\",\"publicKey\":\"%s\",\"signature\":\"AAAA\"}";
        Files.writeString(rec.resolve("manifest.json"), manifest.formatted(unitId, unitId, key));
        return rec;
    }

    @Test
    void aRecordingSignedByAnotherKeyThanThePinnedOneFailsAndSaysWhichKeyWasTrusted() throws IOException {
        KeyPair other = TestEnrolment.ed25519();
        Path rec = recording("bwc-009", other);

        Run r = bwc("evidence", "verify", rec.toString(), "--pinned", gatewayData.toString());

        assertThat(r.exit()).isEqualTo(1);
        String pinned = Fingerprints.evidenceKey(unit.evidence().getPublic());
        assertThat(r.out()).contains("Trusted key: " + pinned, "pinned at enrolment of bwc-009");
        assertThat(r.err()).contains("not by the expected key");
    }

    @Test
    void aRecordingSignedByThePinnedKeyPassesTheKeyCheck() throws IOException {
        Path rec = recording("bwc-009", unit.evidence());

        Run r = bwc("evidence", "verify", rec.toString(), "--pinned", gatewayData.toString());

        assertThat(r.out())
                .contains("Trusted key: "
                        + Fingerprints.evidenceKey(unit.evidence().getPublic()));
        // The key matched; what fails is the signature of this stand-in recording.
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).doesNotContain("not by the expected key").containsIgnoringCase("signature");
    }

    @Test
    void withoutAPinnedKeyItSaysTheManifestIsAllItTrusted() throws IOException {
        KeyPair other = TestEnrolment.ed25519();
        Path rec = recording("bwc-009", other);

        Run r = bwc("evidence", "verify", rec.toString());

        assertThat(r.out()).contains("Trusted key: " + Fingerprints.evidenceKey(other.getPublic()), "manifest only");
        Run unknown =
                bwc("evidence", "verify", recording("bwc-010", other).toString(), "--pinned", gatewayData.toString());
        assertThat(unknown.exit()).isEqualTo(1);
        assertThat(unknown.err()).contains("no evidence key is pinned for unit bwc-010");
        Path keyFile = dir.resolve("key.pem");
        Files.writeString(keyFile, Pem.text(other.getPublic()));
        Run both = bwc(
                "evidence", "verify", rec.toString(), "--pinned", gatewayData.toString(), "--key", keyFile.toString());
        assertThat(both.exit()).isEqualTo(2);
        Run byFile = bwc("evidence", "verify", rec.toString(), "--key", keyFile.toString());
        assertThat(byFile.out()).contains("the key file " + keyFile);
        assertThat(byFile.err()).doesNotContain("not by the expected key").containsIgnoringCase("signature");
    }
}
