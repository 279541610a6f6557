package org.openbwc.evidence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openbwc.evidence.encryption.AgencyKeyPair;
import org.openbwc.evidence.encryption.PieceCipher;

/** A journal checked against its manifest without the segment bytes, and the pieces it lists for checking them. */
@Timeout(60)
class JournalCheckTest {
    private static final KeyPair KEY = SyntheticRecording.newKey();
    private static final SyntheticRecording REC = SyntheticRecording.make("rec-a", KEY, 3, 4);
    private final EvidenceVerifier verifier = new EvidenceVerifier();

    @TempDir
    Path tmp;

    private VerificationResult check(byte[] manifest, byte[] journal) {
        return verifier.checkJournal(manifest, journal, Optional.of(KEY.getPublic()));
    }

    @Test
    void aGoodJournalMatchesItsManifest() throws Exception {
        VerificationResult result = check(REC.manifest, REC.journal);
        assertThat(result.ok()).as(result.message()).isTrue();
        assertThat(result.recordingId()).isEqualTo("rec-a");
        assertThat(result.message())
                .isEqualTo("rec-a journal matches the manifest: 3 segments, 12 fragments, 2.4 s, chain "
                        + Sha256.tail(REC.sealed.chainHead()) + ", signed by "
                        + ManifestSignature.fingerprint(KEY.getPublic()));
        assertThat(verifier.checkJournal(REC.manifest, REC.journal, Optional.empty())
                        .ok())
                .isTrue();
        // and the folder with its segments verifies in full
        Path dir = REC.writeTo(tmp);
        assertThat(verifier.verify(dir, Optional.of(KEY.getPublic())).message())
                .startsWith("rec-a OK: 3 segments, 12 fragments, 2.4 s, chain ");
    }

    @Test
    void aManifestAloneIsCheckedForItsKeyAndSignature() {
        VerificationResult good = verifier.checkManifest(REC.manifest, Optional.of(KEY.getPublic()));
        assertThat(good.ok()).as(good.message()).isTrue();
        assertThat(good.message())
                .isEqualTo("rec-a manifest signed by " + ManifestSignature.fingerprint(KEY.getPublic()));

        VerificationResult otherKey = verifier.checkManifest(
                REC.manifest, Optional.of(SyntheticRecording.newKey().getPublic()));
        assertThat(otherKey.ok()).isFalse();
        assertThat(otherKey.message()).contains("not by the expected key");

        byte[] edited = text(REC.manifest).replace("officer-42", "officer-43").getBytes(StandardCharsets.UTF_8);
        VerificationResult changed = verifier.checkManifest(edited, Optional.of(KEY.getPublic()));
        assertThat(changed.ok()).isFalse();
        assertThat(changed.message()).isEqualTo("manifest.json: signature invalid");

        assertThat(verifier.checkManifest("{".getBytes(StandardCharsets.UTF_8), Optional.empty())
                        .message())
                .startsWith("manifest.json: not a valid manifest");
    }

    @Test
    void aChangedFragmentHashBreaksTheChainAtItsLine() {
        String line = journalLine("\"seq\":6,");
        String changed = line.replaceFirst("\"sha256\":\"[0-9a-f]{64}\"", "\"sha256\":\"" + "0".repeat(64) + "\"");
        byte[] journal = text(REC.journal).replace(line, changed).getBytes(StandardCharsets.UTF_8);

        VerificationResult result = check(REC.manifest, journal);
        assertThat(result.ok()).isFalse();
        assertThat(result.message())
                .isEqualTo("journal.jsonl line " + lineNumber("\"seq\":6,") + ": chain mismatch at fragment 6");
    }

    @Test
    void aConsistentJournalOfOtherBytesDoesNotReachTheManifestsChainHead() {
        SyntheticRecording other = SyntheticRecording.make("rec-a", KEY, 3, 4, 99);
        VerificationResult result = check(REC.manifest, other.journal);
        assertThat(result.ok()).isFalse();
        assertThat(result.message())
                .isEqualTo("journal.jsonl: the chain ends at " + Sha256.tail(other.sealed.chainHead())
                        + ", manifest.json says " + Sha256.tail(REC.sealed.chainHead()));
    }

    @Test
    void aJournalOfAnotherRecordingIsNamedAsSuch() {
        SyntheticRecording other = SyntheticRecording.make("rec-b", KEY, 3, 4);
        VerificationResult result = check(REC.manifest, other.journal);
        assertThat(result.ok()).isFalse();
        assertThat(result.recordingId()).isEqualTo("rec-a");
        assertThat(result.message()).isEqualTo("journal.jsonl is the journal of recording rec-b, not of rec-a");
    }

    @Test
    void aManifestSignedByAnotherKeyFailsWhenTheUnitKeyIsExpected() {
        KeyPair forger = SyntheticRecording.newKey();
        SyntheticRecording foreign = SyntheticRecording.make("rec-a", forger, 3, 4);
        assertThat(verifier.checkJournal(foreign.manifest, foreign.journal, Optional.empty())
                        .ok())
                .isTrue();
        VerificationResult result = check(foreign.manifest, foreign.journal);
        assertThat(result.ok()).isFalse();
        assertThat(result.message())
                .isEqualTo("manifest.json: signed by " + ManifestSignature.fingerprint(forger.getPublic())
                        + ", not by the expected key " + ManifestSignature.fingerprint(KEY.getPublic()));
    }

    @Test
    void aTornLastJournalLineFails() {
        byte[] torn = Arrays.copyOf(REC.journal, REC.journal.length - 5);
        int lines = text(REC.journal).split("\n").length;
        VerificationResult result = check(REC.manifest, torn);
        assertThat(result.ok()).isFalse();
        assertThat(result.message()).startsWith("journal.jsonl line " + lines + ": torn last line (");
    }

    @Test
    void aJournalWithoutItsMarkerDisagreesWithTheManifest() {
        byte[] journal = text(REC.journal)
                .replace(journalLine("\"type\":\"marker\"") + "\n", "")
                .getBytes(StandardCharsets.UTF_8);
        assertThat(check(REC.manifest, journal).message())
                .isEqualTo("journal.jsonl does not match manifest.json: field 'markers'");
    }

    @Test
    void anEditedManifestFieldIsNamedByTheJournal() {
        byte[] manifest =
                text(REC.manifest).replace("\"officer-42\"", "\"officer-99\"").getBytes(StandardCharsets.UTF_8);
        assertThat(check(manifest, REC.journal).message())
                .isEqualTo("manifest.json: field 'officerId' does not match the signature");
    }

    @Test
    void aManifestThatIsNotJsonIsReported() {
        VerificationResult result = check("{".getBytes(StandardCharsets.UTF_8), REC.journal);
        assertThat(result.ok()).isFalse();
        assertThat(result.recordingId()).isNull();
        assertThat(result.message()).startsWith("manifest.json: not a valid manifest: ");
    }

    @Test
    void theMediaPiecesLocateAndHashEveryInitAndFragment() {
        List<JournalEntry.MediaPiece> pieces = JournalReader.mediaPieces(REC.journal);
        assertThat(pieces).hasSize(3 + 12);
        assertThat(pieces.getFirst()).isInstanceOf(JournalEntry.InitWritten.class);
        assertThat(pieces.getFirst().segment()).isEqualTo("seg-000001.mp4");
        assertThat(pieces.getFirst().offset()).isZero();
        for (JournalEntry.MediaPiece piece : pieces) {
            byte[] segment = REC.segments.get(piece.segment());
            byte[] bytes = Arrays.copyOfRange(segment, (int) piece.offset(), (int) (piece.offset() + piece.length()));
            assertThat(piece.matches(bytes)).as(piece.toString()).isTrue();
            bytes[bytes.length / 2] ^= 1;
            assertThat(piece.matches(bytes)).isFalse();
        }
    }

    @Test
    void theMediaPiecesOfATornJournalNameTheLine() {
        byte[] torn = Arrays.copyOf(REC.journal, REC.journal.length - 5);
        int lines = text(REC.journal).split("\n").length;
        assertThatThrownBy(() -> JournalReader.mediaPieces(torn))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("journal.jsonl line " + lines + ": torn last line");
    }

    @Test
    void anEncryptedRecordingChecksWithoutAnySecretAndItsPlaintextHashesAreChained() throws Exception {
        AgencyKeyPair agency = AgencyKeyPair.generate();
        SyntheticRecording enc = SyntheticRecording.makeEncrypted("rec-e", KEY, agency.publicKey(), 2, 3);
        VerificationResult result = check(enc.manifest, enc.journal);
        assertThat(result.ok()).as(result.message()).isTrue();
        assertThat(result.message()).endsWith("; media encrypted to agency key " + agency.keyId());
        assertThat(enc.sealed.encryption().keyId()).isEqualTo(agency.keyId());
        assertThat(verifier.verify(enc.writeTo(tmp), Optional.of(KEY.getPublic()))
                        .ok())
                .isTrue();
        // each listed piece matches the sealed bytes, never the plaintext
        for (JournalEntry.MediaPiece piece : JournalReader.mediaPieces(enc.journal)) {
            byte[] file = enc.segments.get(piece.segment());
            byte[] sealed = Arrays.copyOfRange(file, (int) piece.offset(), (int) (piece.offset() + piece.length()));
            assertThat(piece.matches(sealed)).isTrue();
            assertThat(piece.plainLength()).isEqualTo(piece.length() - PieceCipher.OVERHEAD);
        }
        assertThat(enc.segments.get("seg-000001.mp4")).isNotEqualTo(enc.plain.get("seg-000001.mp4"));

        String text = text(enc.journal);
        String line =
                text.lines().filter(l -> l.contains("\"seq\":2,")).findFirst().orElseThrow();
        String changed =
                line.replaceFirst("\"plainSha256\":\"[0-9a-f]{64}\"", "\"plainSha256\":\"" + "1".repeat(64) + "\"");
        VerificationResult altered =
                check(enc.manifest, text.replace(line, changed).getBytes(StandardCharsets.UTF_8));
        assertThat(altered.ok()).isFalse();
        assertThat(altered.message()).endsWith("chain mismatch at fragment 2");

        String open = text.lines().findFirst().orElseThrow();
        String stripped = open.replaceFirst(",\"encryption\":\\{[^}]*\\}", "");
        assertThat(stripped).isNotEqualTo(open);
        VerificationResult noKey =
                check(enc.manifest, text.replace(open, stripped).getBytes(StandardCharsets.UTF_8));
        assertThat(noKey.ok()).isFalse();
        assertThat(noKey.message()).contains("plainSha256/plainLength but the recording is not encrypted");

        byte[] unencryptedManifest = text(enc.manifest)
                .replaceFirst("\"encryption\" ?: ?\\{[^}]*\\},?", "")
                .getBytes(StandardCharsets.UTF_8);
        VerificationResult manifestStripped = check(unencryptedManifest, enc.journal);
        assertThat(manifestStripped.ok()).isFalse();
        assertThat(manifestStripped.message())
                .isEqualTo("manifest.json: field 'encryption' does not match the signature");
    }

    @Test
    void aPlaintextManifestHasNoEncryptionMember() {
        assertThat(text(REC.manifest)).doesNotContain("encryption");
        assertThat(text(REC.journal)).doesNotContain("plainSha256");
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static String journalLine(String containing) {
        return Arrays.stream(text(REC.journal).split("\n"))
                .filter(l -> l.contains(containing))
                .findFirst()
                .orElseThrow();
    }

    private static int lineNumber(String containing) {
        String[] lines = text(REC.journal).split("\n");
        for (int i = 0; i < lines.length; i++) if (lines[i].contains(containing)) return i + 1;
        throw new AssertionError(containing);
    }
}
