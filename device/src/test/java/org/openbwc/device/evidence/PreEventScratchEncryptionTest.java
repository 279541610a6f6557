package org.openbwc.device.evidence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.openbwc.device.media.Fragment;
import org.openbwc.evidence.encryption.DecryptionException;
import org.openbwc.evidence.encryption.PieceCipher;

/**
 * The pre-event scratch files are sealed under a key that lives only in memory (issue 16, item 2): on disk they are
 * noise to ffprobe and to a box scanner, they read back exactly, a damaged piece costs its GOP's rest and not the
 * recording, and a new start (another key) can only delete what the previous one left.
 */
@Timeout(120)
class PreEventScratchEncryptionTest {
    private static final long BIG = 64L << 20;
    private static final int SEALED = 2_000 + PieceCipher.OVERHEAD; // a standard synthetic fragment, sealed

    @TempDir
    Path cache;

    @TempDir
    Path root;

    @RegisterExtension
    final PreEventBuffers buffers = new PreEventBuffers();

    @Test
    void filledWithRealMediaTheScratchFilesHoldNoMp4BoxNoStreamAndAreOwnerOnly() throws Exception {
        Fmp4Fixture clip = Fmp4Fixture.clip(6);
        PreEventBuffer buffer = buffers.open(4, BIG, cache);
        buffer.onInit(clip.init);
        for (Fragment f : clip.fragments) buffer.onFragment(f);
        awaitOnDisk(buffer);

        List<Path> files = gopFiles();
        assertThat(files).hasSizeGreaterThanOrEqualTo(4);
        // the same media in plain form has the boxes and the streams the checks look for: they are not vacuous
        byte[] plain = concat(clip.fragments);
        assertThat(contains(plain, "moof")).isTrue();
        assertThat(contains(plain, "mdat")).isTrue();
        assertThat(streams(clip.file)).isNotEmpty();

        long bytes = 0;
        for (Path file : files) {
            byte[] data = Files.readAllBytes(file);
            bytes += data.length;
            for (String box : List.of("ftyp", "moof", "mdat", "moov")) {
                assertThat(contains(data, box))
                        .as(file + " holds '" + box + "'")
                        .isFalse();
            }
            assertThat(streams(file)).as("streams ffprobe finds in " + file).isEmpty();
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                    .as(file + " mode")
                    .isEqualTo("rw-------");
        }
        // nothing but the sealed pieces: every buffered fragment and its nonce and tag, no key, no index
        try (PreEventSnapshot snapshot = buffer.snapshot()) {
            assertThat(bytes)
                    .isEqualTo(snapshot.bytes() + (long) snapshot.fragments().size() * PieceCipher.OVERHEAD);
        }
        try (Stream<Path> all = Files.list(cache)) {
            assertThat(all.toList()).containsExactlyInAnyOrderElementsOf(files);
        }
        // a player given the unit's own init segment in front of the scratch gets nothing either
        Path withInit = root.resolve("init-and-scratch.mp4");
        Files.write(withInit, clip.init.bytes());
        Files.write(withInit, Files.readAllBytes(files.getFirst()), java.nio.file.StandardOpenOption.APPEND);
        assertThat(packets(withInit)).as("video packets after the init segment").isZero();
    }

    @Test
    void theSnapshotReadsBackTheFragmentsOfferedByteForByte() throws Exception {
        Fmp4Fixture clip = Fmp4Fixture.clip(6);
        PreEventBuffer buffer = buffers.open(3, BIG, cache);
        buffer.onInit(clip.init);
        for (Fragment f : clip.fragments) buffer.onFragment(f);
        awaitOnDisk(buffer);

        try (PreEventSnapshot snapshot = buffer.snapshot()) {
            List<Fragment> offered = clip.fragments.subList(
                    clip.fragments.size() - snapshot.fragments().size(), clip.fragments.size());
            List<Fragment> iterated = new ArrayList<>();
            for (Fragment f : snapshot.fragments()) iterated.add(f);
            assertThat(iterated).hasSameSizeAs(offered).hasSizeGreaterThanOrEqualTo(15);
            for (int i = 0; i < offered.size(); i++) {
                Fragment back = iterated.get(i);
                assertThat(back.bytes())
                        .as("fragment %d", offered.get(i).sequence())
                        .isEqualTo(offered.get(i).bytes());
                assertThat(back)
                        .usingRecursiveComparison()
                        .ignoringFields("bytes")
                        .isEqualTo(offered.get(i));
                assertThat(snapshot.fragments().get(i).bytes())
                        .isEqualTo(offered.get(i).bytes());
            }
        }
        assertThat(buffer.files().unreadableGops()).isZero();
    }

    @ParameterizedTest(name = "byte flipped in fragment {0} of the GOP")
    @CsvSource({"0", "2", "4"})
    void aFlippedByteLeavesOutTheDamagedFragmentAndTheRestOfItsGopWithAWarning(int damagedInGop) throws Exception {
        PreEventBuffer buffer = buffers.open(3, BIG, cache);
        SyntheticStream stream = SyntheticStream.standard(); // GOPs 1-5, 6-10, 11-15
        buffer.onInit(SyntheticStream.init("a"));
        List<Fragment> sent = stream.next(15);
        for (Fragment f : sent) buffer.onFragment(f);
        awaitOnDisk(buffer);

        flipByte(cache.resolve("gop-00000001.m4s"), (long) damagedInGop * SEALED + 100);

        long damaged = 6 + damagedInGop;
        List<Long> expected = new ArrayList<>();
        for (long s = 1; s <= 15; s++) if (s < damaged || s > 10) expected.add(s);
        try (PreEventSnapshot snapshot = buffer.snapshot()) {
            List<Fragment> read = new ArrayList<>();
            for (Fragment f : snapshot.fragments()) read.add(f);
            assertThat(read).extracting(Fragment::sequence).containsExactlyElementsOf(expected);
            for (Fragment f : read)
                assertThat(f.bytes()).isEqualTo(sent.get((int) f.sequence() - 1).bytes());
            assertThat(buffer.files().unreadableGops()).as("GOPs warned about").isEqualTo(1);

            // indexed access says what is wrong instead of handing out wrong bytes
            assertThatThrownBy(() -> snapshot.fragments().get((int) damaged - 1))
                    .isInstanceOf(UncheckedIOException.class)
                    .hasMessageContaining("did not decrypt")
                    .hasRootCauseInstanceOf(javax.crypto.AEADBadTagException.class);
        }
    }

    @Test
    void aTruncatedScratchFileLeavesOutWhatIsMissingAndKeepsTheRest() throws Exception {
        PreEventBuffer buffer = buffers.open(3, BIG, cache);
        SyntheticStream stream = SyntheticStream.standard();
        for (Fragment f : stream.next(15)) buffer.onFragment(f);
        awaitOnDisk(buffer);
        try (var channel = java.nio.channels.FileChannel.open(
                cache.resolve("gop-00000002.m4s"), java.nio.file.StandardOpenOption.WRITE)) {
            channel.truncate(3L * SEALED + 10); // a torn fourth piece
        }
        try (PreEventSnapshot snapshot = buffer.snapshot()) {
            List<Long> read = new ArrayList<>();
            for (Fragment f : snapshot.fragments()) read.add(f.sequence());
            assertThat(read).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L, 12L, 13L);
        }
        assertThat(buffer.files().unreadableGops()).isEqualTo(1);
    }

    @Test
    void aRecordingMadeFromDamagedScratchIsSealedWithTheGapJournalled() throws Exception {
        Fmp4Fixture clip = Fmp4Fixture.clip(12);
        List<Fragment> all = clip.fragments;
        PreEventBuffer buffer = buffers.open(2, BIG, cache);
        buffer.onInit(clip.init);
        for (Fragment f : all.subList(0, 22)) buffer.onFragment(f); // keeps GOPs 11-15, 16-20, 21-22
        awaitOnDisk(buffer);
        // the third piece of GOP 16-20 (the buffer's fourth GOP): fragment 18
        long at = all.get(15).bytes().length + all.get(16).bytes().length + 2L * PieceCipher.OVERHEAD;
        flipByte(cache.resolve("gop-00000003.m4s"), at + 40);

        EvidenceWriter writer = Recordings.writer(root, DeviceKey.generate())
                .segmentMillis(3000)
                .build();
        writer.open(Recordings.request("rec-damaged"), buffer);
        for (Fragment f : all.subList(22, all.size())) {
            buffer.onFragment(f);
            writer.onFragment(f);
        }
        SealedRecording sealed = writer.close(Recordings.PRESSED.plusSeconds(9)).orElseThrow();

        Path dir = root.resolve("rec-damaged");
        List<Long> muxSeqs = Recordings.lines(dir, "fragment").stream()
                .map(n -> n.get("muxSeq").asLong())
                .toList();
        assertThat(muxSeqs).startsWith(11L, 12L, 13L, 14L, 15L, 16L, 17L, 21L, 22L, 23L);
        assertThat(muxSeqs.getLast()).isEqualTo(all.getLast().sequence());
        assertThat(sealed.fragmentCount()).isEqualTo(muxSeqs.size());
        List<JsonNode> gaps = Recordings.lines(dir, "gap");
        assertThat(gaps).hasSize(1);
        assertThat(gaps.getFirst().get("droppedFragments").asLong()).isEqualTo(3);
        assertThat(buffer.files().unreadableGops()).isEqualTo(1);
    }

    @Test
    void aSecondStartOnTheSameFolderCannotOpenTheFirstsPiecesAndDeletesThem() throws Exception {
        PreEventBuffer before = buffers.open(3, BIG, cache);
        List<Fragment> sent = SyntheticStream.standard().next(10);
        for (Fragment f : sent) before.onFragment(f);
        awaitOnDisk(before);
        assertThat(gopFiles()).hasSize(2);
        // what a power cut leaves: the files, without the process that held their key
        byte[] firstPiece = Arrays.copyOf(Files.readAllBytes(cache.resolve("gop-00000000.m4s")), SEALED);

        PreEventFiles rebooted = new PreEventFiles(cache);
        try {
            assertThat(gopFiles()).as("left by the previous start").isEmpty();
            assertThatThrownBy(() -> rebooted.open(firstPiece, 0, 0, 1)).isInstanceOf(DecryptionException.class);
            // the same bytes open under the key that sealed them, and only where they were written
            assertThat(before.files().open(firstPiece, 0, 0, 1))
                    .isEqualTo(sent.getFirst().bytes());
            assertThatThrownBy(() -> before.files().open(firstPiece, 1, 0, 1))
                    .as("moved to another GOP's file")
                    .isInstanceOf(DecryptionException.class);
            assertThatThrownBy(() -> before.files().open(firstPiece, 0, SEALED, 1))
                    .as("moved within its file")
                    .isInstanceOf(DecryptionException.class);
        } finally {
            rebooted.close();
        }
    }

    private static void awaitOnDisk(PreEventBuffer buffer) {
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> buffer.heapBytes() == 0);
    }

    private List<Path> gopFiles() throws IOException {
        try (Stream<Path> files = Files.list(cache)) {
            return files.filter(p -> p.getFileName().toString().startsWith("gop-"))
                    .sorted()
                    .toList();
        }
    }

    private static void flipByte(Path file, long at) throws IOException {
        byte[] data = Files.readAllBytes(file);
        data[Math.toIntExact(at)] ^= 0x01;
        Files.write(file, data);
    }

    private static byte[] concat(List<Fragment> fragments) {
        var out = new java.io.ByteArrayOutputStream();
        for (Fragment f : fragments) out.writeBytes(f.bytes());
        return out.toByteArray();
    }

    private static boolean contains(byte[] data, String ascii) {
        byte[] needle = ascii.getBytes(StandardCharsets.US_ASCII);
        outer:
        for (int i = 0; i + needle.length <= data.length; i++) {
            for (int k = 0; k < needle.length; k++) if (data[i + k] != needle[k]) continue outer;
            return true;
        }
        return false;
    }

    /** The streams ffprobe finds in a file (none for noise, whatever its exit code). */
    /**
     * Streams ffprobe finds reading the file as MP4, what scratch files held before they were sealed. Left to guess the
     * format, ffprobe now and then takes a few random bytes for some raw video format (seen once in CI on a sealed
     * file), which says nothing about the media.
     */
    private static List<String> streams(Path file) throws IOException, InterruptedException {
        return ffprobe(file, "-f", "mov", "-show_entries", "stream=codec_type");
    }

    /** Video packets ffprobe can read from a file. */
    private static long packets(Path file) throws IOException, InterruptedException {
        return ffprobe(file, "-select_streams", "v:0", "-show_entries", "packet=pts")
                .size();
    }

    private static List<String> ffprobe(Path file, String... query) throws IOException, InterruptedException {
        Fmp4Fixture.requireFfmpeg();
        List<String> command = new ArrayList<>(List.of(Fmp4Fixture.FFPROBE.toString(), "-v", "quiet"));
        command.addAll(List.of(query));
        command.addAll(List.of("-of", "csv=p=0", file.toString()));
        Process p = new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("ffprobe timed out on " + file);
        }
        return out.lines().map(String::strip).filter(s -> !s.isEmpty()).toList();
    }
}
