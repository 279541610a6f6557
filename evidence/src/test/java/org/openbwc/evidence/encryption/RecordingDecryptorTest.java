package org.openbwc.evidence.encryption;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openbwc.evidence.EvidenceVerifier;
import org.openbwc.evidence.SyntheticRecording;

/** An encrypted recording opened with the agency's key, piece by piece, and what it refuses. */
@Timeout(60)
class RecordingDecryptorTest {
    private static final KeyPair UNIT = SyntheticRecording.newKey();
    private static final AgencyKeyPair AGENCY = AgencyKeyPair.generate();
    private static final SyntheticRecording REC =
            SyntheticRecording.makeEncrypted("rec-d", UNIT, AGENCY.publicKey(), 2, 4);

    @TempDir
    Path tmp;

    @Test
    void eachSegmentDecryptsToItsPlaintextWithTheRightKeyAmongSeveral() throws Exception {
        Path dir = REC.writeTo(tmp);
        RecordingDecryptor decryptor =
                RecordingDecryptor.open(dir, List.of(AgencyKeyPair.generate(), AGENCY, AgencyKeyPair.generate()));
        assertThat(decryptor.keyId()).isEqualTo(AGENCY.keyId());
        assertThat(RecordingDecryptor.encryptedTo(dir)).isEqualTo(AGENCY.keyId());
        assertThat(decryptor.segments()).containsExactly("seg-000001.mp4", "seg-000002.mp4");
        for (String segment : decryptor.segments()) {
            try (InputStream in = decryptor.plainSegment(segment)) {
                assertThat(in.readAllBytes()).isEqualTo(REC.plain.get(segment));
            }
            RecordingDecryptor.SegmentLayout layout = decryptor.layout(segment);
            assertThat(layout.pieces()).hasSize(5);
            assertThat(layout.plainLength()).isEqualTo(REC.plain.get(segment).length);
            // a byte range: find the piece holding a plaintext position and open just that one
            long position = layout.plainLength() - 1;
            RecordingDecryptor.Piece last = layout.pieces().get(layout.pieceAt(position));
            byte[] plain = decryptor.open(last);
            assertThat(plain[(int) (position - last.plainOffset())])
                    .isEqualTo(REC.plain.get(segment)[(int) position]);
            assertThat(layout.pieceAt(layout.plainLength())).isEqualTo(-1);
        }
    }

    @Test
    void aRecordingEncryptedToAnotherKeyNamesTheKeysOnBothSides() throws Exception {
        Path dir = REC.writeTo(tmp);
        AgencyKeyPair other = AgencyKeyPair.generate();
        assertThatThrownBy(() -> RecordingDecryptor.open(dir, List.of(other)))
                .isInstanceOf(DecryptionException.class)
                .hasMessage("recording rec-d was encrypted to agency key " + AGENCY.keyId() + "; the keys given are "
                        + other.keyId());
        assertThatThrownBy(() -> RecordingDecryptor.open(dir, List.of()))
                .hasMessage("recording rec-d was encrypted to agency key " + AGENCY.keyId() + "; no key was given");
    }

    @Test
    void aFlippedCiphertextByteIsCaughtByVerifyAndByDecryptionNamingThePlace() throws Exception {
        Path dir = REC.writeTo(tmp);
        Path segment = dir.resolve("seg-000002.mp4");
        byte[] bytes = Files.readAllBytes(segment);
        RecordingDecryptor.Piece third = RecordingDecryptor.open(dir, List.of(AGENCY))
                .layout("seg-000002.mp4")
                .pieces()
                .get(2);
        bytes[(int) third.offset() + 20] ^= 0x01;
        Files.write(segment, bytes);

        assertThat(new EvidenceVerifier()
                        .verify(dir, Optional.of(UNIT.getPublic()))
                        .message())
                .contains("seg-000002.mp4")
                .contains("sha256 mismatch");
        RecordingDecryptor decryptor = RecordingDecryptor.open(dir, List.of(AGENCY));
        assertThatThrownBy(() -> decryptor.plainSegment("seg-000002.mp4").readAllBytes())
                .isInstanceOf(DecryptionException.class)
                .hasMessageContaining("seg-000002.mp4 at offset " + third.offset())
                .hasMessageContaining("tag mismatch");
    }

    @Test
    void aPlaintextRecordingIsNotForTheDecryptor() throws Exception {
        Path dir = SyntheticRecording.make("rec-p", UNIT, 1, 2).writeTo(tmp);
        assertThat(RecordingDecryptor.encryptedTo(dir)).isNull();
        assertThatThrownBy(() -> RecordingDecryptor.open(dir, List.of(AGENCY)))
                .isInstanceOf(DecryptionException.class)
                .hasMessage("recording rec-p is not encrypted");
    }
}
