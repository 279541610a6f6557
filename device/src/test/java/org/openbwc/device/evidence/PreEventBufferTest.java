package org.openbwc.device.evidence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.openbwc.device.media.Fragment;

class PreEventBufferTest {
    private static final long BIG = 64L << 20;

    @TempDir
    Path cache;

    @RegisterExtension
    final PreEventBuffers buffers = new PreEventBuffers();

    private PreEventBuffer buffer(int seconds, long maxBytes) {
        return buffers.open(seconds, maxBytes, cache);
    }

    @ParameterizedTest(name = "{0} s with {1} fragments of {2} µs per GOP")
    @CsvSource({"1, 5, 200000", "3, 5, 200000", "10, 5, 200000", "5, 10, 100000", "2, 1, 500000", "7, 20, 200000"})
    void keepsAtLeastThePreEventTimeAndLessThanOneGopMoreAlwaysFromAKeyframe(
            int seconds, int perGop, long fragmentMicros) {
        PreEventBuffer buffer = buffer(seconds, BIG);
        SyntheticStream stream = new SyntheticStream(perGop, fragmentMicros, 1000);
        buffer.onInit(SyntheticStream.init("a"));
        long gopMicros = perGop * fragmentMicros;
        long streamed = 0;
        for (int i = 0; i < 400; i++) {
            Fragment f = stream.next();
            buffer.onFragment(f);
            streamed += f.durationMicros();
            PreEventSnapshot snapshot = buffer.snapshot();
            assertThat(snapshot.fragments().getFirst().keyframeStart()).isTrue();
            assertThat(snapshot.durationMicros()).isEqualTo(buffer.bufferedMicros());
            if (streamed >= seconds * 1_000_000L) {
                assertThat(snapshot.durationMicros())
                        .isGreaterThanOrEqualTo(seconds * 1_000_000L)
                        .isLessThan(seconds * 1_000_000L + gopMicros);
            } else {
                assertThat(snapshot.durationMicros()).isEqualTo(streamed);
            }
            assertContiguous(snapshot.fragments());
        }
        assertThat(buffer.snapshot().init()).isEqualTo(SyntheticStream.init("a"));
    }

    @Test
    void fragmentsBeforeTheFirstKeyframeAreNotKept() {
        PreEventBuffer buffer = buffer(5, BIG);
        SyntheticStream stream = SyntheticStream.standard();
        stream.next(); // the keyframe, never seen by the buffer
        for (Fragment f : stream.next(4)) buffer.onFragment(f);
        assertThat(buffer.snapshot().fragments()).isEmpty();

        Fragment keyframe = stream.next();
        buffer.onFragment(keyframe);
        assertThat(sequences(buffer)).containsExactly(keyframe.sequence());
    }

    @Test
    void byteCapIsHonouredByEvictingWholeGopsFromTheHead() {
        long cap = 1L << 20;
        PreEventBuffer buffer = buffer(60, cap);
        SyntheticStream stream = new SyntheticStream(5, 200_000, 30_000); // 150 kB per GOP, 60 s would be 9 MB
        long peak = 0;
        for (int i = 0; i < 500; i++) {
            buffer.onFragment(stream.next());
            peak = Math.max(peak, buffer.bufferedBytes());
            PreEventSnapshot snapshot = buffer.snapshot();
            assertThat(snapshot.bytes()).isEqualTo(buffer.bufferedBytes()).isLessThanOrEqualTo(cap);
            if (!snapshot.fragments().isEmpty())
                assertThat(snapshot.fragments().getFirst().keyframeStart()).isTrue();
        }
        assertThat(peak).isLessThanOrEqualTo(cap).isGreaterThan(cap - 150_000);
        assertThat(buffer.evictedForMemory()).isPositive();
        assertThat(buffer.bufferedMicros()).isLessThan(60_000_000L);
    }

    @Test
    void aSingleGopOverTheCapIsDroppedAndBufferingResumesAtTheNextKeyframe() {
        PreEventBuffer buffer = buffer(10, 1L << 20);
        SyntheticStream huge = new SyntheticStream(5, 200_000, 300_000); // 1.5 MB per GOP
        List<Fragment> gop = huge.next(5);
        for (Fragment f : gop) {
            buffer.onFragment(f);
            assertThat(buffer.bufferedBytes()).isLessThanOrEqualTo(1L << 20);
        }
        assertThat(buffer.snapshot().fragments()).isEmpty();
        Fragment nextKeyframe = huge.next();
        buffer.onFragment(nextKeyframe);
        assertThat(sequences(buffer)).containsExactly(nextKeyframe.sequence());
    }

    @Test
    void zeroSecondsKeepsOnlyTheInitSoTheRecordingStartsAtTheNextKeyframe() {
        PreEventBuffer buffer = buffer(0, BIG);
        buffer.onInit(SyntheticStream.init("a"));
        for (Fragment f : SyntheticStream.standard().next(12)) buffer.onFragment(f);
        PreEventSnapshot snapshot = buffer.snapshot();
        assertThat(snapshot.fragments()).isEmpty();
        assertThat(snapshot.init()).isEqualTo(SyntheticStream.init("a"));
    }

    @Test
    void aDifferentInitDropsTheFragmentsOfTheOldStream() {
        PreEventBuffer buffer = buffer(10, BIG);
        SyntheticStream stream = SyntheticStream.standard();
        buffer.onInit(SyntheticStream.init("a"));
        for (Fragment f : stream.next(7)) buffer.onFragment(f);
        buffer.onInit(SyntheticStream.init("a"));
        assertThat(buffer.snapshot().fragments()).hasSize(7);

        buffer.onInit(SyntheticStream.init("b"));
        assertThat(buffer.snapshot().fragments()).isEmpty();
        assertThat(buffer.snapshot().init()).isEqualTo(SyntheticStream.init("b"));
    }

    @Test
    void theSameInitFollowedByARestartedSequenceDropsTheOldStream() {
        PreEventBuffer buffer = buffer(10, BIG);
        SyntheticStream stream = SyntheticStream.standard();
        buffer.onInit(SyntheticStream.init("a"));
        for (Fragment f : stream.next(7)) buffer.onFragment(f);
        buffer.onInit(SyntheticStream.init("a"));
        buffer.onFragment(stream.next()); // 8 continues 7: a repeated init, not a restart
        assertThat(buffer.snapshot().fragments()).hasSize(8);

        buffer.onInit(SyntheticStream.init("a"));
        Fragment restarted = SyntheticStream.standard().next(); // numbered 1 again
        buffer.onFragment(restarted);
        assertThat(sequences(buffer)).containsExactly(restarted.sequence());
    }

    @Test
    void snapshotsTakenWhileTheMuxerFeedsAlwaysStartOnAKeyframeAndAreContiguous() throws Exception {
        PreEventBuffer buffer = buffer(2, BIG);
        SyntheticStream stream = new SyntheticStream(3, 10_000, 100);
        AtomicBoolean running = new AtomicBoolean(true);
        Thread muxer = new Thread(() -> {
            while (running.get()) buffer.onFragment(stream.next());
        });
        muxer.start();
        List<String> problems = new ArrayList<>();
        try {
            for (int i = 0; i < 2_000; i++) {
                try (PreEventSnapshot snapshot = buffer.snapshot()) {
                    List<Fragment> fragments = snapshot.fragments();
                    if (!fragments.isEmpty() && !fragments.getFirst().keyframeStart())
                        problems.add("non-keyframe head");
                    for (int k = 1; k < fragments.size(); k++) {
                        if (fragments.get(k).sequence() != fragments.get(k - 1).sequence() + 1) problems.add("hole");
                    }
                }
            }
        } finally {
            running.set(false);
            muxer.join();
        }
        assertThat(problems).isEmpty();
        buffer.close();
        assertThat(buffer.filesOpen()).isZero();
    }

    private static List<Long> sequences(PreEventBuffer buffer) {
        try (PreEventSnapshot snapshot = buffer.snapshot()) {
            return snapshot.fragments().stream().map(Fragment::sequence).toList();
        }
    }

    private static void awaitOnDisk(PreEventBuffer buffer) {
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> buffer.heapBytes() == 0);
    }

    private long gopFiles() throws IOException {
        try (Stream<Path> files = Files.list(cache)) {
            return files.filter(p -> p.getFileName().toString().startsWith("gop-"))
                    .count();
        }
    }

    @Test
    void theBufferedMediaIsInFilesOffTheHeapAndReadsBackByteForByte() throws Exception {
        PreEventBuffer buffer = buffer(3, BIG);
        SyntheticStream stream = new SyntheticStream(5, 200_000, 40_000);
        buffer.onInit(SyntheticStream.init("a"));
        List<Fragment> sent = stream.next(30); // 6 s streamed, 3 s (3 GOPs) kept
        for (Fragment f : sent) buffer.onFragment(f);
        awaitOnDisk(buffer);

        assertThat(buffer.heapBytes()).isZero();
        assertThat(buffer.bufferedBytes()).isEqualTo(15 * 40_000L);
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> gopFiles() == 3);
        try (PreEventSnapshot snapshot = buffer.snapshot()) {
            assertThat(snapshot.durationMicros()).isEqualTo(3_000_000L);
            assertThat(snapshot.bytes()).isEqualTo(15 * 40_000L);
            List<Fragment> read = snapshot.fragments();
            assertThat(read).hasSize(15);
            for (int i = 0; i < read.size(); i++) {
                Fragment original = sent.get(15 + i);
                Fragment back = read.get(i);
                assertThat(back.bytes())
                        .as("fragment %d", original.sequence())
                        .isNotSameAs(original.bytes())
                        .isEqualTo(original.bytes());
                assertThat(back)
                        .usingRecursiveComparison()
                        .ignoringFields("bytes")
                        .isEqualTo(original);
            }
            assertThat(snapshot.lastGop()).extracting(Fragment::sequence).containsExactly(26L, 27L, 28L, 29L, 30L);
        }
        buffer.close();
        assertThat(gopFiles()).isZero();
        assertThat(buffer.filesOpen()).isZero();
    }

    @Test
    void aSnapshotKeepsItsGopsReadableAfterTheyAreEvictedAndFreesThemWhenClosed() throws Exception {
        PreEventBuffer buffer = buffer(1, BIG);
        SyntheticStream stream = SyntheticStream.standard();
        List<Fragment> first = stream.next(10);
        for (Fragment f : first) buffer.onFragment(f);
        awaitOnDisk(buffer);
        PreEventSnapshot held = buffer.snapshot(); // GOPs 6..10 (the second second)
        for (Fragment f : stream.next(20)) buffer.onFragment(f); // evicts them
        awaitOnDisk(buffer);
        assertThat(sequences(buffer)).first().isEqualTo(26L);

        assertThat(held.fragments()).extracting(Fragment::sequence).containsExactly(6L, 7L, 8L, 9L, 10L);
        for (int i = 0; i < 5; i++)
            assertThat(held.fragments().get(i).bytes())
                    .isEqualTo(first.get(5 + i).bytes());
        // the held GOP and the buffered one; the GOPs in between are gone
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> buffer.filesOpen() == 2 && gopFiles() == 2);
        held.close();
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> buffer.filesOpen() == 1 && gopFiles() == 1);
        assertThatThrownBy(() -> held.fragments().get(0)).hasMessageContaining("closed");
        buffer.close();
    }

    @Test
    void gopFilesLeftByAPreviousRunAreDeletedAtStartOtherFilesKeptAndTheFolderIsPrivate() throws Exception {
        Files.write(cache.resolve("gop-00000007.m4s"), new byte[100]);
        Files.write(cache.resolve("notes.txt"), new byte[10]);
        PreEventBuffer buffer = buffer(5, BIG);
        assertThat(gopFiles()).isZero();
        assertThat(cache.resolve("notes.txt")).exists();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(cache)))
                .isEqualTo("rwx------");
        buffer.close();
    }

    @Test
    void withAnUnusableCacheTheBufferStaysInMemoryUnderItsHeapCap() throws Exception {
        Path notADirectory = Files.write(cache.resolve("taken"), new byte[1]);
        long heapCap = 1L << 20;
        PreEventBuffer buffer = buffers.track(new PreEventBuffer(30, BIG, notADirectory.resolve("pre-event"), heapCap));
        SyntheticStream stream = new SyntheticStream(5, 200_000, 30_000); // 150 kB per GOP
        buffer.onInit(SyntheticStream.init("a"));
        List<Fragment> sent = stream.next(100);
        for (Fragment f : sent) {
            buffer.onFragment(f);
            assertThat(buffer.heapBytes()).isLessThanOrEqualTo(heapCap);
        }
        assertThat(buffer.heapBytes()).isEqualTo(buffer.bufferedBytes()).isPositive();
        assertThat(buffer.evictedForMemory()).isPositive();
        try (PreEventSnapshot snapshot = buffer.snapshot()) {
            assertThat(snapshot.fragments().getFirst().keyframeStart()).isTrue();
            assertThat(snapshot.fragments().getLast().bytes())
                    .isSameAs(sent.getLast().bytes());
        }
        buffer.close();
    }

    @Test
    void rejectsSettingsOutOfRange() {
        assertThatThrownBy(() -> new PreEventBuffer(121, BIG, cache))
                .hasMessageContaining("preEventSeconds 121 is out of range 0..120");
        assertThatThrownBy(() -> new PreEventBuffer(-1, BIG, cache)).hasMessageContaining("-1");
        assertThatThrownBy(() -> new PreEventBuffer(5, 1000, cache)).hasMessageContaining("maxBytes 1000");
    }

    private static void assertContiguous(List<Fragment> fragments) {
        for (int i = 1; i < fragments.size(); i++) {
            assertThat(fragments.get(i).sequence())
                    .isEqualTo(fragments.get(i - 1).sequence() + 1);
        }
    }
}
