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
import org.junit.jupiter.api.io.TempDir;

/** A journal checked against its manifest without the segment bytes, and the pieces it lists for checking them. */
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
