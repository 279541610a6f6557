package org.openbwc.device.evidence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openbwc.device.media.Fragment;
import org.openbwc.evidence.EndReason;
import org.openbwc.evidence.EvidenceJson;
import org.openbwc.evidence.EvidenceVerifier;
import org.openbwc.evidence.ManifestSignature;
import org.openbwc.evidence.VerificationResult;

class EvidenceWriterTest {
    private static final DeviceKey KEY = DeviceKey.generate();

    @TempDir
    Path root;

    @TempDir
    Path cache;

    @RegisterExtension
    final PreEventBuffers buffers = new PreEventBuffers();

    private PreEventBuffer preEventBuffer(int seconds, long maxBytes) {
        return buffers.open(seconds, maxBytes, cache);
    }

    @Test
    void aRecordingOfRealFragmentsPlaysPerSegmentChainsAndIsSigned() throws Exception {
        Fmp4Fixture clip = Fmp4Fixture.clip(12);
        List<Fragment> all = clip.fragments;
        PreEventBuffer buffer = preEventBuffer(2, 64L << 20);
        buffer.onInit(clip.init);
        for (Fragment f : all.subList(0, 22)) buffer.onFragment(f); // 4.4 s streamed; keeps 2 GOPs from fragment 11

        EvidenceWriter writer = Recordings.writer(root, KEY).segmentMillis(3000).build();
        writer.open(Recordings.request("rec-real"), buffer);
        for (Fragment f : all.subList(22, all.size())) {
            buffer.onFragment(f);
            writer.onFragment(f);
        }
        writer.addMarker(Recordings.PRESSED.plusSeconds(2), "subject ran");
        writer.addLocation(51.5007, -0.1246, 4.5, Recordings.PRESSED.plusSeconds(1));
        SealedRecording sealed = writer.close(Recordings.PRESSED.plusSeconds(9)).orElseThrow();

        Path dir = root.resolve("rec-real");
        List<Fragment> written = all.subList(10, all.size());
        long writtenMicros =
                written.stream().mapToLong(Fragment::durationMicros).sum();
        assertThat(sealed.fragmentCount()).isEqualTo(written.size());
        assertThat(sealed.segmentCount()).isEqualTo(4);

        List<JsonNode> fragmentLines = Recordings.lines(dir, "fragment");
        assertThat(fragmentLines)
                .extracting(n -> n.get("muxSeq").asLong())
                .containsExactlyElementsOf(
                        written.stream().map(Fragment::sequence).toList());
        assertThat(fragmentLines)
                .extracting(n -> n.get("seq").asLong())
                .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, written.size())
                        .boxed()
                        .toList());

        JsonNode manifest = Recordings.manifest(dir);
        assertThat(manifest.get("recordingId").asText()).isEqualTo("rec-real");
        assertThat(manifest.get("unitId").asText()).isEqualTo("unit-7");
        assertThat(manifest.get("officerId").asText()).isEqualTo("officer-42");
        assertThat(manifest.get("trigger").asText()).isEqualTo("button");
        assertThat(manifest.get("startedAt").asText()).isEqualTo("2025-03-01T10:00:04Z");
        assertThat(manifest.get("endedAt").asText()).isEqualTo("2025-03-01T10:00:13Z");
        assertThat(manifest.get("clockSource").asText()).isEqualTo("gnss");
        assertThat(manifest.get("clockOffsetMillis").asLong()).isEqualTo(3);
        assertThat(manifest.get("recovered").asBoolean()).isFalse();
        assertThat(manifest.get("softwareVersion").asText()).isEqualTo("test-1.0");
        assertThat(manifest.get("preEventSecondsIncluded").asDouble()).isEqualTo(2.4); // fragments 11..22
        assertThat(manifest.get("durationMicros").asLong()).isEqualTo(writtenMicros);
        assertThat(manifest.get("fragmentCount").asLong()).isEqualTo(written.size());
        assertThat(manifest.get("markers").get(0).get("label").asText()).isEqualTo("subject ran");
        assertThat(manifest.get("track").get(0).get("lat").asDouble()).isEqualTo(51.5007);

        // Each segment starts on a keyframe, holds >= 3 s unless last, and plays on its own.
        long nextFirst = 1;
        for (JsonNode segment : manifest.get("segments")) {
            String file = segment.get("file").asText();
            assertThat(segment.get("firstSeq").asLong()).isEqualTo(nextFirst);
            nextFirst = segment.get("lastSeq").asLong() + 1;
            JsonNode first = fragmentLines.get((int) segment.get("firstSeq").asLong() - 1);
            assertThat(first.get("segment").asText()).isEqualTo(file);
            assertThat(first.get("keyframe").asBoolean())
                    .as(file + " starts on a keyframe")
                    .isTrue();
            Path path = dir.resolve(file);
            assertThat(Files.size(path)).isEqualTo(segment.get("bytes").asLong());
            assertThat(sha256(Files.readAllBytes(path)))
                    .isEqualTo(segment.get("sha256").asText());
            Fmp4Fixture.Probe probe = Fmp4Fixture.probe(path);
            assertThat(probe.decodeErrors()).as(file + " decodes cleanly").isEmpty();
            assertThat(probe.codecs()).hasSize(2).contains("aac");
            assertThat(probe.videoSeconds())
                    .as(file + " video duration")
                    .isCloseTo(segment.get("durationMicros").asLong() / 1e6, within(0.21));
        }
        assertThat(nextFirst - 1).isEqualTo(written.size());
        for (int i = 0; i < 3; i++) {
            assertThat(manifest.get("segments").get(i).get("durationMicros").asLong())
                    .isGreaterThanOrEqualTo(3_000_000);
        }

        assertChainRecomputes(dir, "rec-real");
        assertSignatureVerifies(dir);
        VerificationResult result = new EvidenceVerifier().verify(dir, Optional.of(KEY.publicKey()));
        assertThat(result.ok()).as(result.message()).isTrue();
        assertThat(result.message())
                .matches("rec-real OK: 4 segments, " + written.size()
                        + " fragments, 10\\.1 s, chain …[0-9a-f]{8}, signed by ed25519:[0-9a-f]{16}");
    }

    @Test
    void segmentsRollAtTheFirstKeyframeAfterTheSegmentLength() throws Exception {
        SyntheticStream stream = SyntheticStream.standard(); // 1 s GOPs
        EvidenceWriter writer = Recordings.writer(root, KEY).segmentMillis(500).build();
        writer.open(Recordings.request("rec-roll")
                .withPreEvent(new PreEventSnapshot(SyntheticStream.init("a"), List.of())));
        Recordings.feed(writer, stream.next(23));
        writer.close(Recordings.PRESSED.plusSeconds(5));

        JsonNode manifest = Recordings.manifest(root.resolve("rec-roll"));
        assertThat(manifest.get("segments"))
                .extracting(s -> s.get("durationMicros").asLong())
                .containsExactly(1_000_000L, 1_000_000L, 1_000_000L, 1_000_000L, 600_000L);
        assertThat(manifest.get("segments"))
                .extracting(s -> s.get("firstSeq").asLong())
                .containsExactly(1L, 6L, 11L, 16L, 21L);
        // Every segment file begins with the init segment.
        for (JsonNode s : manifest.get("segments")) {
            byte[] head = Files.readAllBytes(
                    root.resolve("rec-roll").resolve(s.get("file").asText()));
            assertThat(new String(head, 0, 15, java.nio.charset.StandardCharsets.US_ASCII))
                    .isEqualTo("ftyp+moov init ");
        }
        assertThat(new EvidenceVerifier()
                        .verify(root.resolve("rec-roll"), Optional.empty())
                        .ok())
                .isTrue();
    }

    @Test
    void withNoPreEventTheRecordingStartsAtTheNextKeyframe() throws Exception {
        SyntheticStream stream = SyntheticStream.standard();
        stream.skip(2); // the stream is mid-GOP at the trigger
        EvidenceWriter writer = Recordings.writer(root, KEY).build();
        PreEventBuffer buffer = preEventBuffer(0, 1 << 20);
        buffer.onInit(SyntheticStream.init("a"));
        Recordings.feed(buffer::onFragment, stream.next(2));
        writer.open(Recordings.request("rec-zero"), buffer);
        Recordings.feed(writer, stream.next(10)); // seq 5..14
        writer.close(Recordings.PRESSED.plusSeconds(3));

        List<JsonNode> fragments = Recordings.lines(root.resolve("rec-zero"), "fragment");
        assertThat(fragments.getFirst().get("muxSeq").asLong()).isEqualTo(6);
        assertThat(fragments).hasSize(9);
        JsonNode manifest = Recordings.manifest(root.resolve("rec-zero"));
        assertThat(manifest.get("preEventSecondsIncluded").asDouble()).isZero();
        assertThat(manifest.get("droppedFragments").asLong()).isZero();
    }

    @Test
    void theMaximumLengthSealsTheRecordingByItselfAndReportsIt() throws Exception {
        List<SealedRecording> reported = new CopyOnWriteArrayList<>();
        EvidenceWriter writer = Recordings.writer(root, KEY)
                .maxRecordingMillis(2000)
                .onSealed(reported::add)
                .build();
        writer.open(
                Recordings.request("rec-max").withPreEvent(new PreEventSnapshot(SyntheticStream.init("a"), List.of())));
        Recordings.feed(writer, SyntheticStream.standard().next(30));

        await().atMost(Duration.ofSeconds(10)).until(() -> !reported.isEmpty());
        SealedRecording sealed = reported.getFirst();
        assertThat(sealed.reason()).isEqualTo(EndReason.MAX_DURATION);
        assertThat(sealed.fragmentCount()).isEqualTo(10);
        assertThat(sealed.durationMillis()).isEqualTo(2000);
        assertThat(sealed.endedAt()).isEqualTo(SyntheticStream.EPOCH.plusSeconds(2));
        assertThat(writer.isRecording()).isFalse();
        assertThat(writer.close(Instant.now())).isEmpty();
        assertThat(Recordings.manifest(root.resolve("rec-max")).get("endReason").asText())
                .isEqualTo("max-duration");
        assertThat(new EvidenceVerifier()
                        .verify(root.resolve("rec-max"), Optional.empty())
                        .ok())
                .isTrue();
    }

    @Test
    void aHoleInTheStreamIsJournaledAndTheRecordingResumesAtAKeyframe() throws Exception {
        SyntheticStream stream = SyntheticStream.standard();
        EvidenceWriter writer = Recordings.writer(root, KEY).build();
        writer.open(Recordings.request("rec-hole")
                .withPreEvent(new PreEventSnapshot(SyntheticStream.init("a"), List.of())));
        Recordings.feed(writer, stream.next(7));
        stream.skip(2); // 8 and 9 never arrive
        Recordings.feed(writer, stream.next(11)); // 10..20; 10 cannot be decoded without 9
        writer.close(Recordings.PRESSED.plusSeconds(5));

        Path dir = root.resolve("rec-hole");
        List<JsonNode> gaps = Recordings.lines(dir, "gap");
        assertThat(gaps).hasSize(1);
        assertThat(gaps.getFirst().get("droppedFragments").asLong()).isEqualTo(3);
        assertThat(gaps.getFirst().get("seq").asLong()).isEqualTo(8);
        List<JsonNode> fragments = Recordings.lines(dir, "fragment");
        assertThat(fragments)
                .extracting(n -> n.get("muxSeq").asLong())
                .containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 11L, 12L, 13L, 14L, 15L, 16L, 17L, 18L, 19L, 20L);
        assertThat(fragments.get(7).get("keyframe").asBoolean()).isTrue();
        assertThat(Recordings.manifest(dir).get("droppedFragments").asLong()).isEqualTo(3);
        assertThat(new EvidenceVerifier().verify(dir, Optional.empty()).ok()).isTrue();
    }

    @Test
    void aFullQueueDropsTheFragmentInsteadOfBlockingAndTheLossIsOnRecord() throws Exception {
        SyntheticStream stream = SyntheticStream.standard();
        EvidenceWriter writer = Recordings.writer(root, KEY).queueBytes(64_000).build();
        writer.open(Recordings.request("rec-full")
                .withPreEvent(new PreEventSnapshot(SyntheticStream.init("a"), List.of())));
        Recordings.feed(writer, stream.next(7));
        writer.onFragment(stream.fragment(stream.nextSeq(), 100_000)); // larger than the whole queue
        stream.skip(1);
        Recordings.feed(writer, stream.next(12));
        assertThat(writer.stats().queueOverflows()).isEqualTo(1);
        writer.close(Recordings.PRESSED.plusSeconds(5));

        Path dir = root.resolve("rec-full");
        assertThat(Recordings.lines(dir, "gap"))
                .singleElement()
                .satisfies(g -> assertThat(g.get("droppedFragments").asLong()).isEqualTo(3));
        assertThat(Recordings.manifest(dir).get("droppedFragments").asLong()).isEqualTo(3);
        assertThat(new EvidenceVerifier().verify(dir, Optional.empty()).ok()).isTrue();
    }

    @Test
    void fragmentsInBothTheSnapshotAndTheLiveStreamAreWrittenOnce() throws Exception {
        SyntheticStream stream = SyntheticStream.standard();
        List<Fragment> fragments = stream.next(15);
        EvidenceWriter writer = Recordings.writer(root, KEY).build();
        writer.open(Recordings.request("rec-dup")
                .withPreEvent(new PreEventSnapshot(SyntheticStream.init("a"), fragments.subList(0, 10))));
        Recordings.feed(writer, fragments.subList(7, 15));
        writer.close(Recordings.PRESSED.plusSeconds(3));

        Path dir = root.resolve("rec-dup");
        assertThat(Recordings.lines(dir, "fragment"))
                .extracting(n -> n.get("muxSeq").asLong())
                .containsExactlyElementsOf(
                        java.util.stream.LongStream.rangeClosed(1, 15).boxed().toList());
        assertThat(Recordings.lines(dir, "fragment"))
                .filteredOn(n -> n.has("preEvent"))
                .hasSize(10);
        assertThat(Recordings.manifest(dir).get("preEventSecondsIncluded").asDouble())
                .isEqualTo(2.0);
    }

    @Test
    void aStreamRestartWithANewInitStartsANewSegment() throws Exception {
        EvidenceWriter writer = Recordings.writer(root, KEY).build();
        writer.open(Recordings.request("rec-restart")
                .withPreEvent(new PreEventSnapshot(SyntheticStream.init("a"), List.of())));
        writer.onInit(SyntheticStream.init("a"));
        Recordings.feed(writer, SyntheticStream.standard().next(7));
        writer.onInit(SyntheticStream.init("b"));
        Recordings.feed(writer, SyntheticStream.standard().next(6)); // numbered from 1 again
        writer.close(Recordings.PRESSED.plusSeconds(3));

        Path dir = root.resolve("rec-restart");
        JsonNode manifest = Recordings.manifest(dir);
        assertThat(manifest.get("segments"))
                .extracting(s ->
                        s.get("firstSeq").asLong() + ".." + s.get("lastSeq").asLong())
                .containsExactly("1..7", "8..13");
        assertThat(new String(
                        Files.readAllBytes(dir.resolve("seg-000002.mp4")),
                        0,
                        16,
                        java.nio.charset.StandardCharsets.US_ASCII))
                .isEqualTo("ftyp+moov init b");
        assertThat(new EvidenceVerifier().verify(dir, Optional.empty()).ok()).isTrue();
    }

    @Test
    void theSameInitRepeatedContinuesTheSegmentButARestartedSequenceStartsANewOne() throws Exception {
        EvidenceWriter writer = Recordings.writer(root, KEY).build();
        writer.open(Recordings.request("rec-same")
                .withPreEvent(new PreEventSnapshot(SyntheticStream.init("a"), List.of())));
        SyntheticStream first = SyntheticStream.standard();
        Recordings.feed(writer, first.next(3));
        writer.onInit(SyntheticStream.init("a"));
        Recordings.feed(writer, first.next(4)); // 4..7 continue: a repeat
        writer.onInit(SyntheticStream.init("a"));
        Recordings.feed(writer, SyntheticStream.standard().next(3)); // 1..3 again: the encoder restarted
        writer.close(Recordings.PRESSED.plusSeconds(3));

        JsonNode manifest = Recordings.manifest(root.resolve("rec-same"));
        assertThat(manifest.get("segments"))
                .extracting(s ->
                        s.get("firstSeq").asLong() + ".." + s.get("lastSeq").asLong())
                .containsExactly("1..7", "8..10");
        assertThat(new EvidenceVerifier()
                        .verify(root.resolve("rec-same"), Optional.empty())
                        .ok())
                .isTrue();
    }

    @Test
    void statsShowTheOpenRecording() throws Exception {
        EvidenceWriter writer = Recordings.writer(root, KEY).build();
        assertThat(writer.stats().recording()).isFalse();
        writer.open(Recordings.request("rec-stats")
                .withPreEvent(new PreEventSnapshot(SyntheticStream.init("a"), List.of())));
        Recordings.feed(writer, SyntheticStream.standard().next(10));
        Recordings.awaitIdle(writer, 10);
        WriterStats stats = writer.stats();
        assertThat(stats.recordingId()).isEqualTo("rec-stats");
        assertThat(stats.mediaDurationMillis()).isEqualTo(2000);
        assertThat(stats.bytesWritten())
                .isEqualTo(10 * 2000 + SyntheticStream.init("a").bytes().length);
        assertThat(stats.freeBytes()).isPositive();
        assertThat(stats.totalBytes()).isGreaterThanOrEqualTo(stats.freeBytes());
        writer.close(Recordings.PRESSED);
        assertThat(writer.stats().recording()).isFalse();
    }

    @Test
    void refusesASecondRecordingAnExistingDirectoryAndAnUnsafeId() throws Exception {
        EvidenceWriter writer = Recordings.writer(root, KEY).build();
        assertThat(writer.close(Instant.now())).isEmpty();
        writer.open(Recordings.request("rec-a"));
        assertThatThrownBy(() -> writer.open(Recordings.request("rec-b")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("recording rec-a is still open");
        writer.close(Recordings.PRESSED);
        assertThatThrownBy(() -> writer.open(Recordings.request("rec-a")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already exists");
        assertThatThrownBy(() -> Recordings.request("../etc"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'../etc'");
        assertThat(writer.addMarker(Instant.now(), "nothing open")).isFalse();
    }

    static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    /** Recomputes the chain from the journal and the segment bytes with nothing but MessageDigest. */
    static void assertChainRecomputes(Path dir, String recordingId) throws Exception {
        HexFormat hex = HexFormat.of();
        byte[] chain = MessageDigest.getInstance("SHA-256")
                .digest(recordingId.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        List<JsonNode> pieces = new ArrayList<>();
        for (JsonNode line : Recordings.journal(dir)) {
            String type = line.get("type").asText();
            if (type.equals("init") || type.equals("fragment")) pieces.add(line);
        }
        assertThat(pieces).isNotEmpty();
        for (JsonNode piece : pieces) {
            byte[] bytes = new byte[piece.get("length").asInt()];
            try (FileChannel channel =
                    FileChannel.open(dir.resolve(piece.get("segment").asText()))) {
                channel.read(ByteBuffer.wrap(bytes), piece.get("offset").asLong());
            }
            byte[] sha = MessageDigest.getInstance("SHA-256").digest(bytes);
            assertThat(hex.formatHex(sha)).isEqualTo(piece.get("sha256").asText());
            MessageDigest next = MessageDigest.getInstance("SHA-256");
            next.update(chain);
            next.update(sha);
            chain = next.digest();
            assertThat(hex.formatHex(chain)).isEqualTo(piece.get("chain").asText());
        }
        assertThat(Recordings.manifest(dir).get("chainHead").asText()).isEqualTo(hex.formatHex(chain));
    }

    static void assertSignatureVerifies(Path dir) throws IOException {
        JsonNode manifest = Recordings.manifest(dir);
        byte[] signature = Base64.getDecoder().decode(manifest.get("signature").asText());
        var key =
                ManifestSignature.publicKeyFromBase64(manifest.get("publicKey").asText());
        assertThat(ManifestSignature.verify(
                        key,
                        EvidenceJson.canonicalWithoutSignature(
                                EvidenceJson.readTree(Files.readAllBytes(dir.resolve("manifest.json")))),
                        signature))
                .isTrue();
    }
}
