package org.openbwc.evidence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.Signature;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class ManifestSignatureTest {

    @Test
    void aSignatureVerifiesOnlyWithItsKeyAndData() throws Exception {
        KeyPair key = SyntheticRecording.newKey();
        KeyPair other = SyntheticRecording.newKey();
        byte[] data = "manifest".getBytes(StandardCharsets.UTF_8);
        Signature signer = Signature.getInstance("Ed25519");
        signer.initSign(key.getPrivate());
        signer.update(data);
        byte[] signature = signer.sign();

        assertThat(ManifestSignature.verify(key.getPublic(), data, signature)).isTrue();
        assertThat(ManifestSignature.verify(other.getPublic(), data, signature)).isFalse();
        assertThat(ManifestSignature.verify(key.getPublic(), "manifesT".getBytes(StandardCharsets.UTF_8), signature))
                .isFalse();
        assertThat(ManifestSignature.verify(key.getPublic(), data, new byte[3])).isFalse();
    }

    @Test
    void aKeyReadsBackFromBase64AndHasAShortFingerprint() {
        KeyPair key = SyntheticRecording.newKey();
        String base64 = Base64.getEncoder().encodeToString(key.getPublic().getEncoded());
        assertThat(ManifestSignature.publicKeyFromBase64(base64)).isEqualTo(key.getPublic());
        assertThat(ManifestSignature.fingerprint(key.getPublic())).matches("ed25519:[0-9a-f]{16}");
        assertThatThrownBy(() -> ManifestSignature.publicKeyFromBase64("not a key"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("not a base64 X.509 Ed25519 public key");
    }

    @Test
    void segmentsAreNamedBySixDigitNumbersFromOne() {
        assertThat(RecordingLayout.segmentName(1)).isEqualTo("seg-000001.mp4");
        assertThat(RecordingLayout.segmentName(123456)).isEqualTo("seg-123456.mp4");
        assertThat(RecordingLayout.isSegmentName("seg-000042.mp4")).isTrue();
        assertThat(RecordingLayout.isSegmentName("seg-42.mp4")).isFalse();
        assertThatThrownBy(() -> RecordingLayout.segmentName(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
