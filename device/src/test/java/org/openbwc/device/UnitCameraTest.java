package org.openbwc.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openbwc.config.EvidenceConfig;
import org.openbwc.config.HalMode;
import org.openbwc.config.UnitConfig;
import org.openbwc.config.VideoConfig;
import org.openbwc.device.evidence.SealedRecording;
import org.openbwc.device.identity.UnitKeyFiles;
import org.openbwc.evidence.EndReason;
import org.openbwc.evidence.ManifestSignature;
import org.openbwc.evidence.VerificationResult;
import org.openbwc.evidence.encryption.AgencyKeyPair;
import org.openbwc.evidence.encryption.RecordingDecryptor;
import org.openbwc.testsupport.Mp4BoxHeaders;

/**
 * The camera's shutdown: a recording it seals is handed on before close() returns; and its evidence key, replaced
 * loudly when recordings are there without it.
 */
class UnitCameraTest {
    @TempDir
    Path dir;

    @Test
    void closeReturnsOnlyOnceTheRecordingSealedAtShutdownWasHandedOn() throws Exception {
        UnitConfig config = UnitConfig.defaults("cam-1")
                .withHal(HalMode.MOCK)
                .withDataDir(dir.toString())
                .withVideo(VideoConfig.defaults().withSize(160, 120, 10).withBitrateKbps(100));
        List<SealedRecording> handedOn = new CopyOnWriteArrayList<>();
        UnitCamera camera = UnitCamera.start(
                config,
                "test",
                r -> {
                    // A slow listener: the writer completes the seal before it calls this, so close() must wait.
                    try {
                        Thread.sleep(500);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    handedOn.add(r);
                },
                List.of());
        assertThat(camera.failure()).isEmpty();
        camera.startRecording("cam-1-rec", "button", Instant.now(), true);

        camera.close();

        assertThat(handedOn).singleElement().satisfies(r -> {
            assertThat(r.recordingId()).isEqualTo("cam-1-rec");
            assertThat(r.reason()).isEqualTo(EndReason.SHUTDOWN);
        });
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void aCameraWithTheEnrolledAgencyKeyEncryptsItsRecordingsAndItsSelfCheckNeedsNoSecret() throws Exception {
        UnitConfig config = UnitConfig.defaults("cam-3")
                .withHal(HalMode.MOCK)
                .withDataDir(dir.toString())
                .withVideo(VideoConfig.defaults().withSize(160, 120, 10).withBitrateKbps(100));
        DataFolder data = DataFolder.of(config);
        AgencyKeyPair agency = AgencyKeyPair.generate();
        Files.createDirectories(data.keys());
        Files.writeString(
                new UnitKeyFiles(data.keys()).agencyKeyFile(),
                agency.publicKey().toPem());
        List<SealedRecording> sealed = new CopyOnWriteArrayList<>();
        UnitCamera camera = UnitCamera.start(config, "test", sealed::add, List.of());
        Path rec = data.evidence().resolve("cam-3-rec");
        try {
            assertThat(camera.failure()).isEmpty();
            camera.startRecording("cam-3-rec", "button", Instant.now(), true);
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> Files.exists(rec.resolve("seg-000001.mp4"))
                            && Files.size(rec.resolve("seg-000001.mp4")) > 2_000);
        } finally {
            camera.close();
        }
        assertThat(sealed)
                .singleElement()
                .satisfies(r -> assertThat(r.fragmentCount()).isPositive());
        assertThat(RecordingDecryptor.encryptedTo(rec)).isEqualTo(agency.keyId());
        assertThat(Mp4BoxHeaders.in(Files.readAllBytes(rec.resolve("seg-000001.mp4"))))
                .as("MP4 boxes in the stored segment")
                .isEmpty();
        VerificationResult check = camera.selfCheck(rec);
        assertThat(check.ok()).as(check.message()).isTrue();
        try (InputStream in = RecordingDecryptor.open(rec, List.of(agency)).plainSegment("seg-000001.mp4")) {
            assertThat(new String(in.readNBytes(8), StandardCharsets.ISO_8859_1))
                    .endsWith("ftyp");
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aConfiguredAgencyKeyFileThatIsNotThereStopsTheCameraNamingIt() {
        Path missing = dir.resolve("agency.pub");
        UnitConfig config = UnitConfig.defaults("cam-4")
                .withHal(HalMode.MOCK)
                .withDataDir(dir.toString())
                .withEvidence(EvidenceConfig.defaults().withAgencyKey(missing.toString()));
        assertThatThrownBy(() -> UnitCamera.start(config, "test", r -> {}, List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("evidence.agencyKey: " + missing.toAbsolutePath() + " does not exist");
    }

    @Test
    void aCameraThatFindsRecordingsButNoKeyKeepsRecordingWithANewKeyAndSaysSo() throws Exception {
        UnitConfig config = UnitConfig.defaults("cam-2")
                .withHal(HalMode.MOCK)
                .withDataDir(dir.toString())
                .withVideo(VideoConfig.defaults().withSize(160, 120, 10).withBitrateKbps(100));
        DataFolder data = DataFolder.of(config);
        java.nio.file.Files.createDirectories(data.evidence().resolve("cam-2-20261201T100000Z"));

        UnitCamera camera = UnitCamera.start(config, "test", r -> {}, List.of());
        try {
            assertThat(camera.keyMissing()).hasValueSatisfying(m -> {
                assertThat(m.recordings()).isEqualTo(1);
                assertThat(m.newFingerprint())
                        .isEqualTo(ManifestSignature.fingerprint(
                                ManifestSignature.publicKeyFromBase64(camera.publicKeyBase64())));
            });
            assertThat(camera.failure()).isEmpty();
        } finally {
            camera.close();
        }
    }
}
