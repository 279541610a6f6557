package org.openbwc.evidence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openbwc.evidence.JournalEntry.FragmentWritten;

class EvidenceJsonTest {

    @Test
    void canonicalBytesSortMembersAtEveryLevelDropTheSignatureAndHaveNoWhitespace() throws Exception {
        String a =
                "{\"z\": 1, \"signature\": \"abc\", \"a\": {\"y\": [3, {\"q\": true, \"b\": null}], \"x\": \"é\"}, \"m\": 30.4}";
        String b = "{\"m\":30.4,\"a\":{\"x\":\"é\",\"y\":[3,{\"b\":null,\"q\":true}]},\"z\":1}";
        byte[] canonical =
                EvidenceJson.canonicalWithoutSignature(EvidenceJson.readTree(a.getBytes(StandardCharsets.UTF_8)));
        assertThat(new String(canonical, StandardCharsets.UTF_8))
                .isEqualTo("{\"a\":{\"x\":\"é\",\"y\":[3,{\"b\":null,\"q\":true}]},\"m\":30.4,\"z\":1}");
        assertThat(EvidenceJson.canonicalWithoutSignature(EvidenceJson.readTree(b.getBytes(StandardCharsets.UTF_8))))
                .isEqualTo(canonical);
    }

    @Test
    void aFragmentLineHasTheDocumentedFieldsInOrder() {
        FragmentWritten f = new FragmentWritten(
                "seg-000001.mp4",
                1234,
                5678,
                "ab".repeat(32),
                "cd".repeat(32),
                7,
                107,
                true,
                false,
                1_200_000,
                200_000,
                Instant.parse("2025-03-01T10:00:01.400Z"));
        String line = new String(EvidenceJson.journalLine(f), StandardCharsets.UTF_8);
        assertThat(line)
                .isEqualTo("{\"type\":\"fragment\",\"segment\":\"seg-000001.mp4\",\"offset\":1234,\"length\":5678,"
                        + "\"sha256\":\"" + "ab".repeat(32) + "\",\"chain\":\"" + "cd".repeat(32)
                        + "\",\"seq\":7,\"muxSeq\":107,"
                        + "\"keyframe\":true,\"mediaStartMicros\":1200000,\"durationMicros\":200000,"
                        + "\"wallClock\":\"2025-03-01T10:00:01.400Z\"}\n");
    }

    @Test
    void linesReadBackAsTheSameEntries() throws Exception {
        List<JournalEntry> entries = List.of(
                new JournalEntry.Opened(
                        "rec-1",
                        "unit-7",
                        null,
                        "sos",
                        Instant.parse("2025-03-01T10:00:00Z"),
                        "gnss",
                        true,
                        12L,
                        "1.0"),
                new JournalEntry.InitWritten("seg-000001.mp4", 0, 900, "a".repeat(64), "b".repeat(64), Instant.EPOCH),
                new JournalEntry.MarkerAdded(Instant.EPOCH, "suspect left"),
                new JournalEntry.LocationAdded(Instant.EPOCH, 51.5, -0.12, 4.0),
                new JournalEntry.Gap(9, 3, "queue"),
                new JournalEntry.SegmentSealed("seg-000001.mp4", 900, "c".repeat(64)),
                new JournalEntry.Closed(
                        Instant.EPOCH,
                        "recovered",
                        12,
                        List.of(new RecordingManifest.TornTail("seg-000001.mp4", 900, 12, "x"))));
        for (JournalEntry e : entries) {
            assertThat(EvidenceJson.readJournalEntry(EvidenceJson.journalLine(e)))
                    .isEqualTo(e);
        }
    }

    @Test
    void canonicalBytesAreWhatJacksonWroteForEarlierRecordings() throws Exception {
        // The tree writer of earlier versions, reproduced with Jackson: members sorted at every level, no whitespace.
        ObjectMapper jackson = new ObjectMapper();
        String manifest =
                "{\"signature\":\"x\",\"unitId\":\"unit-7\",\"officerId\":\"Müller \\\"Q\\\" \\t\\u0001\\u001f/\\u2028\","
                        + "\"durationSeconds\":54.016,\"preEventSecondsIncluded\":30.0,\"tiny\":1.0E-7,\"huge\":1.0E21,\"neg\":-0.5,"
                        + "\"bytes\":19403322,\"big\":123456789012345678901,\"zero\":-0,\"exp\":1e3,\"clockOffsetMillis\":null,"
                        + "\"recovered\":false,\"track\":[{\"lon\":13.404954,\"lat\":52.520008,\"at\":\"2026-11-29T11:39:29.400Z\","
                        + "\"accuracyMeters\":null}],\"markers\":[],\"emoji\":\"\\uD83D\\uDE00\"}";
        ObjectNode tree = (ObjectNode) jackson.readTree(manifest);
        tree.remove("signature");
        byte[] expected = jackson.writeValueAsBytes(sortedWithJackson(tree));
        byte[] ours = EvidenceJson.canonicalWithoutSignature(
                EvidenceJson.readTree(manifest.getBytes(StandardCharsets.UTF_8)));
        assertThat(new String(ours, StandardCharsets.UTF_8)).isEqualTo(new String(expected, StandardCharsets.UTF_8));
        assertThat(ours).isEqualTo(expected);
    }

    private static JsonNode sortedWithJackson(JsonNode node) {
        if (node instanceof ObjectNode object) {
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            java.util.List<String> names = new java.util.ArrayList<>();
            object.fieldNames().forEachRemaining(names::add);
            names.sort(null);
            for (String n : names) out.set(n, sortedWithJackson(object.get(n)));
            return out;
        }
        if (node instanceof ArrayNode array) {
            ArrayNode out = JsonNodeFactory.instance.arrayNode();
            for (JsonNode e : array) out.add(sortedWithJackson(e));
            return out;
        }
        return node;
    }

    @Test
    void aLineThatIsNotAKnownEntrySaysWhy() {
        assertThatThrownBy(
                        () -> EvidenceJson.readJournalEntry("{\"type\":\"rewind\"}".getBytes(StandardCharsets.UTF_8)))
                .hasMessage("unknown journal entry type 'rewind'");
        assertThatThrownBy(() -> EvidenceJson.readJournalEntry("[1]".getBytes(StandardCharsets.UTF_8)))
                .hasMessage("a journal entry must be a JSON object");
        assertThatThrownBy(() -> EvidenceJson.readJournalEntry("{\"seq\":1}".getBytes(StandardCharsets.UTF_8)))
                .hasMessage("a journal entry needs a 'type'");
        assertThatThrownBy(() -> EvidenceJson.readJournalEntry(
                        "{\"type\":\"gap\",\"droppedFragments\":2}".getBytes(StandardCharsets.UTF_8)))
                .hasMessage("field 'seq' is missing or null");
    }

    @Test
    void theChainStartsFromTheRecordingIdAndFoldsEachPieceHash() throws Exception {
        var sha = java.security.MessageDigest.getInstance("SHA-256");
        byte[] chain0 = sha.digest("rec-1".getBytes(StandardCharsets.UTF_8));
        byte[] piece = sha.digest("init bytes".getBytes(StandardCharsets.UTF_8));
        sha.update(chain0);
        sha.update(piece);
        String expected = java.util.HexFormat.of().formatHex(sha.digest());
        assertThat(Sha256.chainNext(
                        Sha256.chainStart("rec-1"), java.util.HexFormat.of().formatHex(piece)))
                .isEqualTo(expected);
    }
}
