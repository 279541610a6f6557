package org.openbwc.device.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.openbwc.device.media.TestBoxes.NON_SYNC;
import static org.openbwc.device.media.TestBoxes.SYNC;
import static org.openbwc.device.media.TestBoxes.audioTraf;
import static org.openbwc.device.media.TestBoxes.box;
import static org.openbwc.device.media.TestBoxes.concat;
import static org.openbwc.device.media.TestBoxes.ftyp;
import static org.openbwc.device.media.TestBoxes.fullBox;
import static org.openbwc.device.media.TestBoxes.largeBox;
import static org.openbwc.device.media.TestBoxes.moov;
import static org.openbwc.device.media.TestBoxes.u32;
import static org.openbwc.device.media.TestBoxes.u64;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class FragmentSplitterTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2025-03-01T14:07:09Z"), ZoneOffset.UTC);
    /** 3 s of 320x180@15 openh264 (GOP 15) + AAC, fragmented as the pipeline asks, by the natives' own ffmpeg. */
    private static byte[] ffmpegStream;

    @BeforeAll
    static void muxARealStream() throws Exception {
        FfmpegCli cli = FfmpegCli.locate();
        ffmpegStream = MediaTools.runForBytes(cli.command(
                "-hide_banner",
                "-nostdin",
                "-v",
                "error",
                "-f",
                "lavfi",
                "-i",
                "testsrc2=size=320x180:rate=15",
                "-f",
                "lavfi",
                "-i",
                "sine=frequency=1000:sample_rate=48000",
                "-t",
                "3",
                "-c:v",
                "libopenh264",
                "-b:v",
                "300k",
                "-g",
                "15",
                "-c:a",
                "aac",
                "-b:a",
                "64k",
                "-f",
                "mp4",
                "-movflags",
                "frag_keyframe+empty_moov+default_base_moof",
                "-frag_duration",
                "200000",
                "pipe:1"));
    }

    @Test
    void cutsARealFfmpegStreamIntoInitAndContiguousFragments() throws IOException {
        RecordingSink sink = new RecordingSink();
        FragmentSplitter splitter = new FragmentSplitter(sink, CLOCK);
        writeInRandomChunks(splitter, ffmpegStream, new Random(7));
        splitter.close();

        assertThat(sink.events.getFirst().init()).as("init segment comes first").isNotNull();
        InitSegment init = sink.init;
        assertThat(init.codecs()).matches("avc1\\.42C0[0-9A-F]{2},mp4a\\.40\\.2");
        assertThat(init.width()).isEqualTo(320);
        assertThat(init.height()).isEqualTo(180);
        assertThat(init.timescaleVideo()).isPositive();
        assertThat(new String(init.bytes(), 4, 4, StandardCharsets.ISO_8859_1)).isEqualTo("ftyp");

        List<Fragment> fragments = sink.fragments;
        assertThat(fragments).hasSizeBetween(12, 20);
        long expectedStart = 0;
        for (int i = 0; i < fragments.size(); i++) {
            Fragment f = fragments.get(i);
            assertThat(f.sequence()).as("sequence of fragment %d", i).isEqualTo(i + 1);
            assertThat(f.mediaStartMicros())
                    .as("fragment %d starts where the previous ended", i)
                    .isCloseTo(expectedStart, within(2L));
            assertThat(new String(f.bytes(), 4, 4, StandardCharsets.ISO_8859_1)).isEqualTo("moof");
            assertThat(f.wallClock()).isEqualTo(CLOCK.instant());
            expectedStart = f.mediaStartMicros() + f.durationMicros();
        }
        assertThat(expectedStart).as("total video duration").isCloseTo(3_000_000L, within(100_000L));
        // GOP of 15 frames at 15 fps: a keyframe, and so a fragment that may start a file, every second (the muxer
        // shifts video by AAC's 1024-sample priming, 21 ms, after the first frame)
        List<Long> keyframeStarts = fragments.stream()
                .filter(Fragment::keyframeStart)
                .map(Fragment::mediaStartMicros)
                .toList();
        assertThat(keyframeStarts).hasSize(3);
        for (int second = 0; second < 3; second++) {
            assertThat(keyframeStarts.get(second)).isCloseTo(second * 1_000_000L, within(30_000L));
        }

        long pieces = init.bytes().length
                + fragments.stream().mapToLong(f -> f.bytes().length).sum();
        assertThat(splitter.bytes()).isEqualTo(ffmpegStream.length);
        assertThat(splitter.droppedBoxes()).as("the trailing mfra").isEqualTo(1);
        assertThat(pieces).isLessThan(ffmpegStream.length).isGreaterThan(ffmpegStream.length - 1000);
    }

    @Test
    void whereWritesSplitTheStreamDoesNotChangeThePieces() throws IOException {
        RecordingSink whole = new RecordingSink();
        try (FragmentSplitter splitter = new FragmentSplitter(whole, CLOCK)) {
            splitter.write(ffmpegStream);
        }
        RecordingSink byteByByte = new RecordingSink();
        try (FragmentSplitter splitter = new FragmentSplitter(byteByByte, CLOCK)) {
            for (byte b : ffmpegStream) splitter.write(b);
        }
        assertThat(byteByByte.init.bytes()).isEqualTo(whole.init.bytes());
        assertThat(byteByByte.fragments).hasSameSizeAs(whole.fragments);
        for (int i = 0; i < whole.fragments.size(); i++) {
            assertThat(byteByByte.fragments.get(i).bytes())
                    .isEqualTo(whole.fragments.get(i).bytes());
            assertThat(byteByByte.fragments.get(i).keyframeStart())
                    .isEqualTo(whole.fragments.get(i).keyframeStart());
        }
    }

    @Test
    void readsInitSegmentFieldsFromAHandBuiltMovie() throws IOException {
        RecordingSink sink = split(ftyp(), moov(3000, NON_SYNC));

        assertThat(sink.init.codecs()).isEqualTo("avc1.640028,mp4a.40.2");
        assertThat(sink.init.width()).isEqualTo(1280);
        assertThat(sink.init.height()).isEqualTo(720);
        assertThat(sink.init.timescaleVideo()).isEqualTo(90_000);
        assertThat(sink.init.bytes()).isEqualTo(concat(ftyp(), moov(3000, NON_SYNC)));
        assertThat(sink.fragments).isEmpty();
    }

    @Test
    void anAudioOnlyFragmentOfAMovieWithVideoLastsNoTime() throws IOException {
        // The muxer cuts audio into fragments of its own between the video ones: counted, they made every duration the
        // sum of both tracks (a pre-event buffer holding 18 s of its 30, a 74 s recording signed as 109 s).
        byte[] moof = box("moof", fullBox("mfhd", 0, 0, u32(8)), audioTraf(48_000 * 9));
        RecordingSink sink = split(ftyp(), moov(3000, SYNC), moof, box("mdat", new byte[20]));

        assertThat(sink.fragments).hasSize(1);
        Fragment audio = sink.fragments.getFirst();
        assertThat(audio.durationMicros()).isZero();
        assertThat(audio.keyframeStart()).isFalse();
        assertThat(audio.sequence()).isEqualTo(8);
    }

    /** Where the first video sample's flags come from, most specific first. */
    enum FlagSource {
        TRUN_FIRST_SAMPLE_FLAGS,
        TRUN_SAMPLE_FLAGS,
        TFHD_DEFAULT,
        TREX_DEFAULT
    }

    @ParameterizedTest
    @EnumSource(FlagSource.class)
    void takesKeyframeAndDurationFromTheVideoTrackWhereverTheFlagsLive(FlagSource source) throws IOException {
        for (boolean keyframe : new boolean[] {true, false}) {
            long first = keyframe ? SYNC : NON_SYNC;
            long other = keyframe ? NON_SYNC : SYNC;
            byte[] moov = moov(3000, source == FlagSource.TREX_DEFAULT ? first : other);
            byte[] tfhd;
            byte[] trun;
            long expectedDuration;
            switch (source) {
                case TRUN_FIRST_SAMPLE_FLAGS -> {
                    // first_sample_flags overrides the first sample's own flags
                    tfhd = fullBox("tfhd", 0, 0x020000, u32(1));
                    trun = fullBox(
                            "trun",
                            0,
                            0x000001 | 0x000004 | 0x100 | 0x400,
                            u32(3),
                            u32(0),
                            u32(first),
                            u32(3000),
                            u32(other),
                            u32(3000),
                            u32(NON_SYNC),
                            u32(3000),
                            u32(NON_SYNC));
                    expectedDuration = 100_000;
                }
                case TRUN_SAMPLE_FLAGS -> {
                    tfhd = fullBox("tfhd", 0, 0x020000, u32(1));
                    trun = fullBox(
                            "trun",
                            0,
                            0x100 | 0x200 | 0x400 | 0x800,
                            u32(2),
                            u32(4500),
                            u32(100),
                            u32(first),
                            u32(0),
                            u32(4500),
                            u32(50),
                            u32(NON_SYNC),
                            u32(0));
                    expectedDuration = 100_000;
                }
                case TFHD_DEFAULT -> {
                    // default duration 4500 x 3 samples; the tfhd default flags beat the trex ones
                    tfhd = fullBox("tfhd", 0, 0x020000 | 0x08 | 0x20, u32(1), u32(4500), u32(first));
                    trun = fullBox("trun", 0, 0x000001, u32(3), u32(0));
                    expectedDuration = 150_000;
                }
                default -> {
                    tfhd = fullBox("tfhd", 0, 0x020000, u32(1));
                    trun = fullBox("trun", 0, 0x000001, u32(3), u32(0));
                    expectedDuration = 100_000;
                }
            }
            byte[] videoTraf = box("traf", tfhd, fullBox("tfdt", 1, 0, u64(5L * 90_000)), trun);
            // audio first: the splitter must pick the video traf, not the first one
            byte[] moof = box("moof", fullBox("mfhd", 0, 0, u32(7)), audioTraf(48_000 * 9), videoTraf);
            RecordingSink sink = split(ftyp(), moov, moof, box("mdat", new byte[64]));

            assertThat(sink.fragments).hasSize(1);
            Fragment fragment = sink.fragments.getFirst();
            assertThat(fragment.keyframeStart())
                    .as("%s, keyframe %s", source, keyframe)
                    .isEqualTo(keyframe);
            assertThat(fragment.sequence()).isEqualTo(7);
            assertThat(fragment.mediaStartMicros()).isEqualTo(5_000_000);
            assertThat(fragment.durationMicros()).as("%s duration", source).isEqualTo(expectedDuration);
        }
    }

    @Test
    void syncMeansDependsOnNothingOrNotFlaggedNonSync() {
        assertThat(FragmentHeader.isSync(SYNC)).isTrue();
        assertThat(FragmentHeader.isSync(0)).isTrue();
        assertThat(FragmentHeader.isSync(NON_SYNC)).isFalse();
        assertThat(FragmentHeader.isSync(0x00010000)).as("non-sync bit alone").isFalse();
        assertThat(FragmentHeader.isSync(0x01000000)).as("depends on others").isFalse();
    }

    @Test
    void handlesBoxesWithA64BitLargesize() throws IOException {
        byte[] moof = videoMoof(1, SYNC);
        byte[] mdat = largeBox("mdat", new byte[300]);
        byte[] free = largeBox("free", new byte[5]);
        RecordingSink sink = split(ftyp(), moov(3000, NON_SYNC), free, moof, mdat);

        assertThat(sink.fragments).hasSize(1);
        assertThat(sink.fragments.getFirst().bytes()).isEqualTo(concat(moof, mdat));
        assertThat(sink.fragments.getFirst().keyframeStart()).isTrue();

        // the same with every header cut between its size, type and largesize fields
        RecordingSink byteByByte = new RecordingSink();
        try (FragmentSplitter splitter = new FragmentSplitter(byteByByte, CLOCK)) {
            for (byte b : concat(ftyp(), moov(3000, NON_SYNC), free, moof, mdat)) splitter.write(b);
            assertThat(splitter.droppedBoxes()).isEqualTo(1);
        }
        assertThat(byteByByte.fragments.getFirst().bytes()).isEqualTo(concat(moof, mdat));
    }

    @Test
    void carriesStypWithItsFragmentAndDropsFileWideIndexes() throws IOException {
        byte[] styp = box("styp", TestBoxes.ascii("msdh"), u32(0));
        byte[] sidx = fullBox("sidx", 0, 0, new byte[24]);
        byte[] moof = videoMoof(1, SYNC);
        byte[] mdat = box("mdat", new byte[10]);
        byte[] mfra = box("mfra", fullBox("mfro", 0, 0, u32(16)));
        RecordingSink sink = new RecordingSink();
        FragmentSplitter splitter = new FragmentSplitter(sink, CLOCK);
        splitter.write(concat(ftyp(), moov(3000, NON_SYNC), sidx, styp, moof, mdat, mfra));

        assertThat(sink.fragments).hasSize(1);
        assertThat(sink.fragments.getFirst().bytes()).isEqualTo(concat(styp, moof, mdat));
        assertThat(splitter.droppedBoxes()).isEqualTo(2);
    }

    @Test
    void garbageFailsWithTheOffsetWhereTheStreamStoppedBeingBoxes() throws IOException {
        FragmentSplitter splitter = new FragmentSplitter(new RecordingSink(), CLOCK);
        byte[] init = concat(ftyp(), moov(3000, NON_SYNC));
        splitter.write(init);

        assertThatThrownBy(() -> splitter.write("this is not an mp4 at all".getBytes(StandardCharsets.US_ASCII)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("not an ISO-BMFF box at stream offset " + init.length);
        assertThatThrownBy(() -> splitter.write(videoMoof(1, SYNC)))
                .as("a failed stream stays failed")
                .isInstanceOf(IOException.class)
                .hasMessageContaining("already failed");
    }

    @Test
    void implausibleSizesAndOrderFailClearly() {
        assertThatThrownBy(() -> new FragmentSplitter(new RecordingSink(), CLOCK, 1 << 20)
                        .write(concat(u32(50 << 20), TestBoxes.ascii("mdat"))))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("exceeds the 1048576 byte limit");
        assertThatThrownBy(() ->
                        new FragmentSplitter(new RecordingSink(), CLOCK).write(concat(u32(4), TestBoxes.ascii("moov"))))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("smaller than its 8 byte header");
        assertThatThrownBy(() -> new FragmentSplitter(new RecordingSink(), CLOCK)
                        .write(concat(ftyp(), box("mdat", new byte[8]))))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("not fragmented");
        assertThatThrownBy(() ->
                        new FragmentSplitter(new RecordingSink(), CLOCK).write(concat(ftyp(), videoMoof(1, SYNC))))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("before any moov");
        byte[] truncatedTrun = box(
                "moof",
                fullBox("mfhd", 0, 0, u32(1)),
                box("traf", fullBox("tfhd", 0, 0x020000, u32(1)), fullBox("trun", 0, 0x100, u32(1000), u32(3000))));
        assertThatThrownBy(() -> new FragmentSplitter(new RecordingSink(), CLOCK)
                        .write(concat(ftyp(), moov(3000, NON_SYNC), truncatedTrun)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("malformed moof")
                .hasMessageContaining("1000 samples");
    }

    @Test
    void aFailingSinkDoesNotStopTheStream() throws IOException {
        List<Long> delivered = new ArrayList<>();
        FragmentSink flaky = new FragmentSink() {
            @Override
            public void onInit(InitSegment init) {
                throw new IllegalStateException("consumer bug");
            }

            @Override
            public void onFragment(Fragment fragment) {
                delivered.add(fragment.sequence());
                if (fragment.sequence() == 1) throw new IllegalStateException("consumer bug");
            }
        };
        FragmentSplitter splitter = new FragmentSplitter(flaky, CLOCK);
        splitter.write(concat(
                ftyp(),
                moov(3000, NON_SYNC),
                videoMoof(1, SYNC),
                box("mdat", new byte[4]),
                videoMoof(2, NON_SYNC),
                box("mdat", new byte[4])));

        assertThat(delivered).containsExactly(1L, 2L);
    }

    @Test
    void aTornTailIsDroppedOnClose() throws IOException {
        RecordingSink sink = new RecordingSink();
        FragmentSplitter splitter = new FragmentSplitter(sink, CLOCK);
        byte[] mdat = box("mdat", new byte[100]);
        splitter.write(concat(ftyp(), moov(3000, NON_SYNC), videoMoof(1, SYNC)));
        splitter.write(mdat, 0, 50);
        splitter.close();

        assertThat(sink.init).isNotNull();
        assertThat(sink.fragments).isEmpty();
    }

    private static byte[] videoMoof(long sequence, long firstFlags) {
        return box(
                "moof",
                fullBox("mfhd", 0, 0, u32(sequence)),
                box(
                        "traf",
                        fullBox("tfhd", 0, 0x020000, u32(1)),
                        fullBox("tfdt", 0, 0, u32(sequence * 9000)),
                        fullBox("trun", 0, 0x000001 | 0x000004, u32(3), u32(0), u32(firstFlags))));
    }

    private static RecordingSink split(byte[]... boxes) throws IOException {
        RecordingSink sink = new RecordingSink();
        try (FragmentSplitter splitter = new FragmentSplitter(sink, CLOCK)) {
            splitter.write(concat(boxes));
        }
        return sink;
    }

    private static void writeInRandomChunks(FragmentSplitter splitter, byte[] bytes, Random random) throws IOException {
        int at = 0;
        while (at < bytes.length) {
            int n = Math.min(bytes.length - at, 1 + random.nextInt(random.nextBoolean() ? 16 : 9000));
            splitter.write(bytes, at, n);
            at += n;
        }
    }
}
