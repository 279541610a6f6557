package org.openbwc.device.evidence;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openbwc.evidence.EvidenceJson;
import org.openbwc.evidence.EvidenceVerifier;
import org.openbwc.evidence.JournalWalk;
import org.openbwc.evidence.RecordingManifest;
import org.openbwc.evidence.Sha256;
import org.openbwc.evidence.VerificationResult;

/** Every kind of tampering makes verification fail, naming the file and the place. */
class EvidenceVerifierTest {
    private static final DeviceKey KEY = DeviceKey.generate();
    private final EvidenceVerifier verifier = new EvidenceVerifier();

    @TempDir
    Path tmp;

    Path dir;

    @BeforeEach
    void record() throws Exception {
        EvidenceWriter writer = Recordings.writer(tmp.resolve("evidence"), KEY)
                .segmentMillis(1000)
                .build();
        writer.open(
                Recordings.request("rec-t").withPreEvent(new PreEventSnapshot(SyntheticStream.init("a"), List.of())));
        Recordings.feed(writer, SyntheticStream.standard().next(20)); // 4 segments of 5 fragments
        writer.addMarker(Recordings.PRESSED.plusSeconds(1), "door opened");
        writer.close(Recordings.PRESSED.plusSeconds(4));
        dir = tmp.resolve("evidence").resolve("rec-t");
        assertThat(verify().ok()).as(verify().message()).isTrue();
    }

    private VerificationResult verify() {
        return verifier.verify(dir, Optional.of(KEY.publicKey()));
    }

    @Test
    void anUntouchedRecordingVerifiesWithAOneLineSummary() {
        assertThat(verify().message())
                .isEqualTo("rec-t OK: 4 segments, 20 fragments, 4.0 s, chain "
                        + Sha256.tail(manifest().chainHead()) + ", signed by " + KEY.fingerprint());
    }

    @Test
    void oneFlippedByteIsFoundInItsFragment() throws Exception {
        JsonNode fragment = fragmentLine(7); // second fragment of seg-000002
        long position = fragment.get("offset").asLong() + 100;
        flip(dir.resolve("seg-000002.mp4"), position);

        assertThat(verify().ok()).isFalse();
        assertThat(verify().message())
                .isEqualTo("seg-000002.mp4: sha256 mismatch at fragment 7 (offset "
                        + fragment.get("offset").asLong() + ")");
    }

    @Test
    void aByteFlippedInTheInitSegmentIsNamedToo() throws Exception {
        flip(dir.resolve("seg-000003.mp4"), 3);
        assertThat(verify().message()).isEqualTo("seg-000003.mp4: sha256 mismatch in the init segment (offset 0)");
    }

    @Test
    void aTruncatedSegmentSaysHowMuchIsMissing() throws Exception {
        try (RandomAccessFile file =
                new RandomAccessFile(dir.resolve("seg-000003.mp4").toFile(), "rw")) {
            file.setLength(file.length() - 1200);
        }
        assertThat(verify().message()).isEqualTo("seg-000003.mp4 truncated: 1200 bytes missing");
    }

    @Test
    void bytesAppendedToASegmentAreFound() throws Exception {
        Files.write(dir.resolve("seg-000004.mp4"), new byte[] {0, 1, 2}, java.nio.file.StandardOpenOption.APPEND);
        assertThat(verify().message()).isEqualTo("seg-000004.mp4: 3 unexpected bytes after the end");
    }

    @Test
    void swappedSegmentFilesAreOutOfOrder() throws Exception {
        Path two = dir.resolve("seg-000002.mp4");
        Path three = dir.resolve("seg-000003.mp4");
        Path aside = dir.resolve("swap.tmp");
        Files.move(two, aside);
        Files.move(three, two);
        Files.move(aside, three);
        assertThat(verify().message())
                .isEqualTo(
                        "segments out of order: seg-000002.mp4 holds the content listed for seg-000003.mp4 (fragments 11..15)");
    }

    @Test
    void aMissingSegmentIsNamed() throws Exception {
        Files.delete(dir.resolve("seg-000004.mp4"));
        assertThat(verify().message()).isEqualTo("seg-000004.mp4 missing");
    }

    @Test
    void anEditedEndTimeIsNamedAsNotMatchingTheSignature() throws Exception {
        editManifest(m -> m.put("endedAt", "2025-03-01T10:00:05Z"));
        assertThat(verify().message()).isEqualTo("manifest.json: field 'endedAt' does not match the signature");
    }

    @Test
    void anEditedOfficerIsNamedAsNotMatchingTheSignature() throws Exception {
        editManifest(m -> m.put("officerId", "officer-99"));
        assertThat(verify().message()).isEqualTo("manifest.json: field 'officerId' does not match the signature");
    }

    @Test
    void aRemovedMarkerIsNamedAsNotMatchingTheSignature() throws Exception {
        editManifest(m -> m.withArray("markers").removeAll());
        assertThat(verify().message()).isEqualTo("manifest.json: field 'markers' does not match the signature");
    }

    @Test
    void anEditThatTheJournalAlsoCarriesStillBreaksTheSignature() throws Exception {
        editManifest(m -> m.put("officerId", "officer-99"));
        Path journal = dir.resolve("journal.jsonl");
        Files.writeString(journal, Files.readString(journal).replace("officer-42", "officer-99"));
        assertThat(verify().message()).isEqualTo("manifest.json: signature invalid");
    }

    @Test
    void aForgedSignatureIsInvalid() throws Exception {
        DeviceKey forger = DeviceKey.generate();
        editManifest(m ->
                m.put("signature", java.util.Base64.getEncoder().encodeToString(forger.sign(new byte[] {1}))));
        assertThat(verify().message()).isEqualTo("manifest.json: signature invalid");
    }

    @Test
    void aRecordingResignedWithAnotherKeyFailsWhenTheUnitKeyIsExpected() throws Exception {
        DeviceKey other = DeviceKey.generate();
        RecordingManifest unsigned = EvidenceJson.manifest(
                        EvidenceJson.readTree(Files.readAllBytes(dir.resolve("manifest.json"))))
                .withSignature(null);
        RecordingManifest foreign = new RecordingManifest(
                unsigned.formatVersion(),
                unsigned.recordingId(),
                unsigned.unitId(),
                unsigned.officerId(),
                unsigned.trigger(),
                unsigned.startedAt(),
                unsigned.endedAt(),
                unsigned.endReason(),
                unsigned.clockSource(),
                unsigned.clockSet(),
                unsigned.clockOffsetMillis(),
                unsigned.preEventSecondsIncluded(),
                unsigned.durationMicros(),
                unsigned.durationSeconds(),
                unsigned.markers(),
                unsigned.track(),
                unsigned.segments(),
                unsigned.chainHead(),
                unsigned.fragmentCount(),
                unsigned.droppedFragments(),
                unsigned.recovered(),
                unsigned.bytesTruncated(),
                unsigned.torn(),
                unsigned.softwareVersion(),
                other.publicKeyBase64(),
                null);
        Files.delete(dir.resolve("manifest.json"));
        ManifestFile.writeSigned(dir, foreign, other);

        assertThat(verifier.verify(dir, Optional.empty()).ok()).isTrue();
        assertThat(verify().ok()).isFalse();
        assertThat(verify().message())
                .isEqualTo("manifest.json: signed by " + other.fingerprint() + ", not by the expected key "
                        + KEY.fingerprint());
    }

    @Test
    void aDeletedJournalLineIsNamedByLineAndFragment() throws Exception {
        List<String> lines = Files.readAllLines(dir.resolve("journal.jsonl"));
        int line = -1;
        for (int i = 0; i < lines.size(); i++) if (lines.get(i).contains("\"seq\":12,")) line = i;
        lines.remove(line);
        Files.write(dir.resolve("journal.jsonl"), (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));

        assertThat(verify().message())
                .isEqualTo(
                        "journal.jsonl line " + (line + 1) + ": fragment 12 missing (fragment 13 follows fragment 11)");
    }

    @Test
    void aDeletedMarkerLineMakesTheJournalDisagreeWithTheManifest() throws Exception {
        List<String> lines = Files.readAllLines(dir.resolve("journal.jsonl"));
        lines.removeIf(l -> l.contains("\"type\":\"marker\""));
        Files.write(dir.resolve("journal.jsonl"), (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
        assertThat(verify().message()).isEqualTo("journal.jsonl does not match manifest.json: field 'markers'");
    }

    @Test
    void aJournalFragmentRehashedToMatchAFlippedByteBreaksTheChain() throws Exception {
        JsonNode fragment = fragmentLine(3);
        flip(dir.resolve("seg-000001.mp4"), fragment.get("offset").asLong() + 10);
        byte[] bytes = new byte[fragment.get("length").asInt()];
        try (RandomAccessFile file =
                new RandomAccessFile(dir.resolve("seg-000001.mp4").toFile(), "r")) {
            file.seek(fragment.get("offset").asLong());
            file.readFully(bytes);
        }
        Path journal = dir.resolve("journal.jsonl");
        Files.writeString(
                journal,
                Files.readString(journal).replace(fragment.get("sha256").asText(), EvidenceWriterTest.sha256(bytes)));
        // The segment hash in the manifest is signed, so the file is still caught first; the journal alone would not
        // do.
        assertThat(verify().message()).startsWith("seg-000001.mp4: ");
        Path journalOnly = tmp.resolve("journal-only");
        Recordings.copy(dir, journalOnly);
        assertThat(JournalWalk.run(journalOnly).problem())
                .isEqualTo("journal.jsonl line " + (lineOf(3) + 1) + ": chain mismatch at fragment 3");
    }

    @Test
    void anUnsealedRecordingIsReportedAsSuch() throws Exception {
        Files.delete(dir.resolve("manifest.json"));
        assertThat(verify().message()).startsWith("manifest.json missing");
    }

    private RecordingManifest manifest() {
        try {
            return EvidenceJson.manifest(EvidenceJson.readTree(Files.readAllBytes(dir.resolve("manifest.json"))));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private JsonNode fragmentLine(long seq) {
        return Recordings.lines(dir, "fragment").stream()
                .filter(n -> n.get("seq").asLong() == seq)
                .findFirst()
                .orElseThrow();
    }

    private int lineOf(long seq) throws Exception {
        List<String> lines = Files.readAllLines(dir.resolve("journal.jsonl"));
        for (int i = 0; i < lines.size(); i++) if (lines.get(i).contains("\"seq\":" + seq + ",")) return i;
        throw new AssertionError("fragment " + seq);
    }

    private static void flip(Path file, long position) throws Exception {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(position);
            int b = f.read();
            f.seek(position);
            f.write(b ^ 0x01);
        }
    }

    private void editManifest(java.util.function.Consumer<ObjectNode> edit) throws Exception {
        ObjectNode manifest = (ObjectNode) Recordings.manifest(dir);
        edit.accept(manifest);
        Path tmpFile = dir.resolve("manifest.edit");
        Files.write(tmpFile, Recordings.PLAIN.writerWithDefaultPrettyPrinter().writeValueAsBytes(manifest));
        Files.move(tmpFile, dir.resolve("manifest.json"), StandardCopyOption.REPLACE_EXISTING);
    }
}
