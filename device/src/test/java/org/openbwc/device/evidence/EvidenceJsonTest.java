package org.openbwc.device.evidence;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openbwc.device.evidence.JournalEntry.FragmentWritten;

class EvidenceJsonTest {

    @Test
    void canonicalBytesSortMembersAtEveryLevelDropTheSignatureAndHaveNoWhitespace() throws Exception {
        String a = "{\"z\": 1, \"signature\": \"abc\", \"a\": {\"y\": [3, {\"q\": true, \"b\": null}], \"x\": \"é\"}, \"m\": 30.4}";
        String b = "{\"m\":30.4,\"a\":{\"x\":\"é\",\"y\":[3,{\"b\":null,\"q\":true}]},\"z\":1}";
        byte[] canonical = EvidenceJson.canonicalWithoutSignature(EvidenceJson.PRETTY.readTree(a));
        assertThat(new String(canonical, StandardCharsets.UTF_8))
                .isEqualTo("{\"a\":{\"x\":\"é\",\"y\":[3,{\"b\":null,\"q\":true}]},\"m\":30.4,\"z\":1}");
        assertThat(EvidenceJson.canonicalWithoutSignature(EvidenceJson.PRETTY.readTree(b))).isEqualTo(canonical);
    }

    @Test
    void aFragmentLineHasTheDocumentedFieldsInOrder() {
        FragmentWritten f = new FragmentWritten("seg-000001.mp4", 1234, 5678, "ab".repeat(32), "cd".repeat(32), 7, 107, true,
                false, 1_200_000, 200_000, Instant.parse("2025-03-01T10:00:01.400Z"));
        String line = new String(EvidenceJournal.encode(f), StandardCharsets.UTF_8);
        assertThat(line).isEqualTo("{\"type\":\"fragment\",\"segment\":\"seg-000001.mp4\",\"offset\":1234,\"length\":5678,"
                + "\"sha256\":\"" + "ab".repeat(32) + "\",\"chain\":\"" + "cd".repeat(32) + "\",\"seq\":7,\"muxSeq\":107,"
                + "\"keyframe\":true,\"mediaStartMicros\":1200000,\"durationMicros\":200000,"
                + "\"wallClock\":\"2025-03-01T10:00:01.400Z\"}\n");
    }

    @Test
    void linesReadBackAsTheSameEntries() throws Exception {
        List<JournalEntry> entries = List.of(
                new JournalEntry.Opened("rec-1", "unit-7", null, "sos", Instant.parse("2025-03-01T10:00:00Z"), "gnss", true, 12L, "1.0"),
                new JournalEntry.InitWritten("seg-000001.mp4", 0, 900, "a".repeat(64), "b".repeat(64), Instant.EPOCH),
                new JournalEntry.MarkerAdded(Instant.EPOCH, "suspect left"),
                new JournalEntry.LocationAdded(Instant.EPOCH, 51.5, -0.12, 4.0),
                new JournalEntry.Gap(9, 3, "queue"),
                new JournalEntry.SegmentSealed("seg-000001.mp4", 900, "c".repeat(64)),
                new JournalEntry.Closed(Instant.EPOCH, "recovered", 12, List.of(new RecordingManifest.TornTail("seg-000001.mp4", 900, 12, "x"))));
        for (JournalEntry e : entries) {
            assertThat(EvidenceJson.COMPACT.readValue(EvidenceJournal.encode(e), JournalEntry.class)).isEqualTo(e);
        }
    }

    @Test
    void theChainStartsFromTheRecordingIdAndFoldsEachPieceHash() throws Exception {
        var sha = java.security.MessageDigest.getInstance("SHA-256");
        byte[] chain0 = sha.digest("rec-1".getBytes(StandardCharsets.UTF_8));
        byte[] piece = sha.digest("init bytes".getBytes(StandardCharsets.UTF_8));
        sha.update(chain0);
        sha.update(piece);
        String expected = java.util.HexFormat.of().formatHex(sha.digest());
        assertThat(Sha256.chainNext(Sha256.chainStart("rec-1"), java.util.HexFormat.of().formatHex(piece))).isEqualTo(expected);
    }
}
