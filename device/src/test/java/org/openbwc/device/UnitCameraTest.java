package org.openbwc.device;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openbwc.config.HalMode;
import org.openbwc.config.UnitConfig;
import org.openbwc.config.VideoConfig;
import org.openbwc.device.evidence.SealedRecording;
import org.openbwc.evidence.EndReason;
import org.openbwc.evidence.ManifestSignature;

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
