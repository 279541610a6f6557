package org.openbwc.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.openbwc.launcher.BwcCliTest.bwc;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openbwc.evidence.SyntheticRecording;
import org.openbwc.evidence.encryption.AgencyKeyPair;
import org.openbwc.launcher.BwcCliTest.Run;

/**
 * {@code bwc evidence export} of an encrypted recording: without the agency's private key it refuses and says which key
 * it needs, while {@code verify} passes without any. (A successful decrypting export of real media is the device's
 * {@code EncryptedRecordingTest}; these recordings are made-up bytes.)
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EvidenceExportAgencyKeyTest {
    private static final AgencyKeyPair AGENCY = AgencyKeyPair.generate();

    @TempDir
    Path dir;

    @Test
    void anEncryptedRecordingVerifiesWithoutAKeyButExportsOnlyWithTheAgencysPrivateKey() throws Exception {
        Path rec = SyntheticRecording.makeEncrypted("rec-cli", SyntheticRecording.newKey(), AGENCY.publicKey(), 2, 3)
                .writeTo(dir.resolve("evidence"));
        Path out = dir.resolve("out.mp4");

        Run verify = bwc("evidence", "verify", rec.toString());
        assertThat(verify.exit()).as(verify.err()).isZero();
        assertThat(verify.out()).contains("rec-cli OK: 2 segments", "media encrypted to agency key " + AGENCY.keyId());

        Run noKey = bwc("evidence", "export", rec.toString(), out.toString());
        assertThat(noKey.exit()).isEqualTo(1);
        assertThat(noKey.err())
                .contains("recording rec-cli is encrypted to agency key " + AGENCY.keyId())
                .contains("--agency-key");

        AgencyKeyPair other = AgencyKeyPair.generate();
        Path otherKey = Files.writeString(dir.resolve("other.key"), other.toPem());
        Run wrongKey = bwc("evidence", "export", "--agency-key", otherKey.toString(), rec.toString(), out.toString());
        assertThat(wrongKey.exit()).isEqualTo(1);
        assertThat(wrongKey.err())
                .contains("recording rec-cli was encrypted to agency key " + AGENCY.keyId() + "; the keys given are "
                        + other.keyId());

        Path publicKey =
                Files.writeString(dir.resolve("agency.pub"), AGENCY.publicKey().toPem());
        Run pub = bwc("evidence", "export", "--agency-key", publicKey.toString(), rec.toString(), out.toString());
        assertThat(pub.exit()).isEqualTo(2);
        assertThat(pub.err()).contains("is not an agency private key");
        assertThat(out).doesNotExist();
    }
}
