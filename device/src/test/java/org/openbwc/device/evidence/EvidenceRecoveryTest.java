package org.openbwc.device.evidence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openbwc.device.media.Fragment;
import org.openbwc.evidence.EvidenceVerifier;
import org.openbwc.evidence.VerificationResult;

class EvidenceRecoveryTest {
    private static final DeviceKey KEY = DeviceKey.generate();

    @TempDir
    Path tmp;

    @Test
    void aCrashWithATornFragmentAndATornJournalLineIsCutBackAndSealedLosingNothingBeforeTheTear() throws Exception {
        Fmp4Fixture clip = Fmp4Fixture.clip(12);
        Path live = tmp.resolve("live");
        EvidenceWriter writer = Recordings.writer(live, KEY).segmentMillis(3000).build();
        writer.open(Recordings.request("rec-crash").withPreEvent(new PreEventSnapshot(clip.init, List.of())));
        List<Fragment> before = clip.fragments.subList(0, 40);
        Recordings.feed(writer, before);
        Recordings.awaitIdle(writer, 40);
        Path dir = live.resolve("rec-crash");
        // What is on disk while recording, with no close: the image a power cut leaves.
        await().atMost(Duration.ofSeconds(10))
                .ignoreExceptions()
                .until(() -> Recordings.lines(dir, "fragment").size() == 40);
        Path crashRoot = tmp.resolve("crashed");
        Path crashed = Recordings.copy(dir, crashRoot.resolve("rec-crash"));
        writer.close(Recordings.PRESSED.plusSeconds(8));
        assertThat(crashed.resolve("manifest.json")).doesNotExist();

        // The power went while fragment 41 was being appended and its journal line written.
        Path lastSegment = crashed.resolve("seg-000003.mp4");
        long intactSize = Files.size(lastSegment);
        byte[] next = clip.fragments.get(40).bytes();
        byte[] half = Arrays.copyOf(next, next.length / 2);
        Files.write(lastSegment, half, StandardOpenOption.APPEND);
        long intactJournal = Files.size(crashed.resolve("journal.jsonl"));
        byte[] tornLine =
                "{\"type\":\"fragment\",\"segment\":\"seg-000003.mp4\",\"offset\":".getBytes(StandardCharsets.UTF_8);
        Files.write(crashed.resolve("journal.jsonl"), tornLine, StandardOpenOption.APPEND);

        List<RecoveredRecording> recovered = new EvidenceRecovery(crashRoot, KEY).recoverAll();

        assertThat(recovered).singleElement().satisfies(r -> {
            assertThat(r.recordingId()).isEqualTo("rec-crash");
            assertThat(r.sealed()).as(r.detail()).isTrue();
            assertThat(r.fragmentCount()).isEqualTo(40);
            assertThat(r.durationMillis()).isEqualTo(8000);
            assertThat(r.bytesTruncated()).isEqualTo(half.length);
            assertThat(r.endedAt()).isEqualTo(before.getLast().wallClock());
            assertThat(r.detail()).contains("40 fragments").contains("cut " + half.length + " bytes");
        });
        JsonNode manifest = Recordings.manifest(crashed);
        assertThat(manifest.get("recovered").asBoolean()).isTrue();
        assertThat(manifest.get("endReason").asText()).isEqualTo("recovered");
        assertThat(manifest.get("bytesTruncated").asLong()).isEqualTo(half.length);
        assertThat(manifest.get("endedAt").asText())
                .isEqualTo(before.getLast().wallClock().toString());
        assertThat(manifest.get("torn"))
                .extracting(t -> t.get("file").asText() + "@" + t.get("offset").asLong() + "+"
                        + t.get("bytes").asLong())
                .containsExactly(
                        "journal.jsonl@" + intactJournal + "+" + tornLine.length,
                        "seg-000003.mp4@" + intactSize + "+" + half.length);
        assertThat(Files.readAllBytes(crashed.resolve("seg-000003.mp4.torn-at-" + intactSize)))
                .isEqualTo(half);
        assertThat(Files.size(lastSegment)).isEqualTo(intactSize);

        // Nothing before the tear is lost: the segments are byte for byte what the live writer sealed.
        for (String segment : List.of("seg-000001.mp4", "seg-000002.mp4", "seg-000003.mp4")) {
            assertThat(Files.readAllBytes(crashed.resolve(segment)))
                    .as(segment)
                    .isEqualTo(Files.readAllBytes(dir.resolve(segment)));
        }
        assertThat(manifest.get("chainHead").asText())
                .isEqualTo(Recordings.manifest(dir).get("chainHead").asText());
        assertThat(Recordings.lines(crashed, "fragment"))
                .extracting(n -> n.get("muxSeq").asLong())
                .containsExactlyElementsOf(
                        before.stream().map(Fragment::sequence).toList());
        EvidenceWriterTest.assertChainRecomputes(crashed, "rec-crash");

        VerificationResult result = new EvidenceVerifier().verify(crashed, Optional.of(KEY.publicKey()));
        assertThat(result.ok()).as(result.message()).isTrue();
        assertThat(result.message()).contains("3 segments, 40 fragments, 8.0 s").contains("recovered after a crash");
        Fmp4Fixture.Probe probe = Fmp4Fixture.probe(lastSegment);
        assertThat(probe.decodeErrors()).isEmpty();
        assertThat(probe.videoSeconds()).isCloseTo(2.0, org.assertj.core.api.Assertions.within(0.21));
    }

    @Test
    void aHaltedWriterLeavesItsRecordingForRecoveryLikeAPowerCut() throws Exception {
        Path root = tmp.resolve("halted");
        EvidenceWriter writer = Recordings.writer(root, KEY).segmentMillis(1000).build();
        writer.open(Recordings.request("rec-halt")
                .withPreEvent(new PreEventSnapshot(SyntheticStream.init("a"), List.of())));
        Recordings.feed(writer, SyntheticStream.standard().next(12));
        Recordings.awaitIdle(writer, 12);
        writer.halt();

        assertThat(writer.isRecording()).isFalse();
        assertThat(writer.close(Recordings.PRESSED)).isEmpty();
        assertThat(root.resolve("rec-halt").resolve("manifest.json")).doesNotExist();
        RecoveredRecording r = new EvidenceRecovery(root, KEY).recoverAll().getFirst();
        assertThat(r.sealed()).as(r.detail()).isTrue();
        assertThat(r.fragmentCount()).isEqualTo(12);
        assertThat(new EvidenceVerifier()
                        .verify(root.resolve("rec-halt"), Optional.empty())
                        .ok())
                .isTrue();
    }

    @Test
    void aLastSegmentHoldingOnlyItsInitIsSetAsideWhole() throws Exception {
        Path dir = crashImage("rec-init-only", 12, 1000);
        // Cut the image back to just after seg-000002's init line: the power went before its first fragment landed.
        List<String> lines = Files.readAllLines(dir.resolve("journal.jsonl"));
        int initLine = indexOf(lines, "\"type\":\"init\",\"segment\":\"seg-000002.mp4\"");
        Files.write(
                dir.resolve("journal.jsonl"),
                (String.join("\n", lines.subList(0, initLine + 1)) + "\n").getBytes(StandardCharsets.UTF_8));
        long initLength =
                Recordings.PLAIN.readTree(lines.get(initLine)).get("length").asLong();
        try (var channel =
                java.nio.channels.FileChannel.open(dir.resolve("seg-000002.mp4"), StandardOpenOption.WRITE)) {
            channel.truncate(initLength);
        }
        Files.deleteIfExists(dir.resolve("seg-000003.mp4"));

        RecoveredRecording r = new EvidenceRecovery(dir.getParent(), KEY).recover(dir);

        assertThat(r.sealed()).as(r.detail()).isTrue();
        assertThat(r.fragmentCount()).isEqualTo(5);
        assertThat(dir.resolve("seg-000002.mp4")).doesNotExist();
        assertThat(dir.resolve("seg-000002.mp4.torn-at-0")).hasSize(initLength);
        assertThat(Recordings.manifest(dir).get("segments")).hasSize(1);
        assertThat(new EvidenceVerifier().verify(dir, Optional.empty()).ok()).isTrue();
    }

    @Test
    void aSegmentFileTheJournalNeverNamedIsSetAsideWhole() throws Exception {
        Path dir = crashImage("rec-unnamed", 12, 1000);
        List<String> lines = Files.readAllLines(dir.resolve("journal.jsonl"));
        int initLine = indexOf(lines, "\"type\":\"init\",\"segment\":\"seg-000002.mp4\"");
        Files.write(
                dir.resolve("journal.jsonl"),
                (String.join("\n", lines.subList(0, initLine)) + "\n").getBytes(StandardCharsets.UTF_8));
        byte[] seg2 = Files.readAllBytes(dir.resolve("seg-000002.mp4"));

        RecoveredRecording r = new EvidenceRecovery(dir.getParent(), KEY).recover(dir);

        assertThat(r.sealed()).as(r.detail()).isTrue();
        assertThat(r.bytesTruncated()).isEqualTo(seg2.length + Files.size(dir.resolve("seg-000003.mp4.torn-at-0")));
        assertThat(Files.readAllBytes(dir.resolve("seg-000002.mp4.torn-at-0"))).isEqualTo(seg2);
        assertThat(new EvidenceVerifier().verify(dir, Optional.empty()).ok()).isTrue();
    }

    @Test
    void aRecordingThatCrashedBeforeItsFirstFragmentIsSealedEmpty() throws Exception {
        Path dir = crashImage("rec-empty", 3, 60_000);
        List<String> lines = Files.readAllLines(dir.resolve("journal.jsonl"));
        Files.write(dir.resolve("journal.jsonl"), (lines.getFirst() + "\n").getBytes(StandardCharsets.UTF_8));

        RecoveredRecording r = new EvidenceRecovery(dir.getParent(), KEY).recover(dir);

        assertThat(r.sealed()).isTrue();
        assertThat(r.fragmentCount()).isZero();
        assertThat(r.endedAt()).isEqualTo(Recordings.PRESSED);
        VerificationResult result = new EvidenceVerifier().verify(dir, Optional.empty());
        assertThat(result.ok()).as(result.message()).isTrue();
        assertThat(result.message()).contains("0 segments, 0 fragments");
    }

    @Test
    void aJournalThatContradictsItselfIsNotACrashAndTheRecordingIsLeftUntouched() throws Exception {
        Path dir = crashImage("rec-damaged", 12, 1000);
        List<String> lines = Files.readAllLines(dir.resolve("journal.jsonl"));
        int line = indexOf(lines, "\"seq\":3,");
        lines.set(line, lines.get(line).replaceFirst("\"chain\":\"[0-9a-f]{4}", "\"chain\":\"0000"));
        Files.write(dir.resolve("journal.jsonl"), (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
        Map<String, String> before = hashes(dir);

        List<RecoveredRecording> results = new EvidenceRecovery(dir.getParent(), KEY).recoverAll();

        assertThat(results).singleElement().satisfies(r -> {
            assertThat(r.sealed()).isFalse();
            assertThat(r.detail())
                    .contains("damaged or altered")
                    .contains("line " + (line + 1))
                    .contains("chain mismatch at fragment 3");
        });
        assertThat(hashes(dir)).isEqualTo(before);
    }

    @Test
    void recoveryOnlyTouchesUnsealedRecordingsAndFinishesAnInterruptedRun() throws Exception {
        Path dir = crashImage("rec-twice", 12, 1000);
        EvidenceWriter writer = Recordings.writer(dir.getParent(), KEY).build();
        writer.open(Recordings.request("rec-sealed")
                .withPreEvent(new PreEventSnapshot(SyntheticStream.init("a"), List.of())));
        Recordings.feed(writer, SyntheticStream.standard().next(5));
        writer.close(Recordings.PRESSED);
        Files.write(dir.resolve("seg-000003.mp4"), new byte[] {1, 2, 3}, StandardOpenOption.APPEND);

        EvidenceRecovery recovery = new EvidenceRecovery(dir.getParent(), KEY);
        assertThat(recovery.recoverAll())
                .extracting(RecoveredRecording::recordingId)
                .containsExactly("rec-twice");
        // Power lost again just before the manifest landed: the next boot seals from the finished journal.
        Files.delete(dir.resolve("manifest.json"));
        assertThat(recovery.recoverAll())
                .singleElement()
                .satisfies(r -> assertThat(r.bytesTruncated()).isEqualTo(3));
        assertThat(recovery.recoverAll()).isEmpty();
        assertThat(new EvidenceVerifier().verify(dir, Optional.empty()).ok()).isTrue();
    }

    /** A synthetic recording as a crash after its last fragment leaves it: no manifest, last segment not sealed. */
    private Path crashImage(String id, int fragments, long segmentMillis) throws Exception {
        Path root = tmp.resolve("evidence");
        EvidenceWriter writer =
                Recordings.writer(root, KEY).segmentMillis(segmentMillis).build();
        writer.open(Recordings.request(id).withPreEvent(new PreEventSnapshot(SyntheticStream.init("a"), List.of())));
        Recordings.feed(writer, SyntheticStream.standard().next(fragments));
        writer.close(Recordings.PRESSED.plusSeconds(3));
        Path dir = root.resolve(id);
        Files.delete(dir.resolve("manifest.json"));
        List<String> lines = Files.readAllLines(dir.resolve("journal.jsonl"));
        // The close line and the last segment's seal are written only at close.
        List<String> kept = lines.subList(0, lines.size() - 2);
        Files.write(dir.resolve("journal.jsonl"), (String.join("\n", kept) + "\n").getBytes(StandardCharsets.UTF_8));
        return dir;
    }

    private static int indexOf(List<String> lines, String fragment) {
        for (int i = 0; i < lines.size(); i++) if (lines.get(i).contains(fragment)) return i;
        throw new AssertionError("no line contains " + fragment);
    }

    private static Map<String, String> hashes(Path dir) throws Exception {
        Map<String, String> map = new TreeMap<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : files.toList())
                map.put(p.getFileName().toString(), EvidenceWriterTest.sha256(Files.readAllBytes(p)));
        }
        return map;
    }
}
