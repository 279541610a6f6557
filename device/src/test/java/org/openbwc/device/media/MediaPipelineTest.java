package org.openbwc.device.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The pipeline against the mock source, judged by Debian's ffprobe/ffmpeg. One ~3 s recording is shared by the
 * tests that only read it; it starts with pre-event audio off and turns it on ~1.6 s in, as a record press would.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MediaPipelineTest {
    private static final EncoderSettings SETTINGS = EncoderSettings.mock("bwc-test-1", "4711");

    private final RecordingSink recording = new RecordingSink();
    private PipelineStats statsAtClose;
    private long startedNanos;
    private Path dir;

    @BeforeAll
    void record() throws Exception {
        dir = Files.createTempDirectory("media-pipeline-test");
        AtomicBoolean recordPressed = new AtomicBoolean(false);
        MediaPipeline pipeline = MediaPipeline.start(SETTINGS, recording, recordPressed::get);
        startedNanos = System.nanoTime();
        try (pipeline) {
            assertThat(recording.events)
                    .as("init is handed over before start returns")
                    .hasSize(1);
            await().atMost(Duration.ofSeconds(20)).until(() -> pipeline.stats().framesEncoded() >= 24);
            recordPressed.set(true);
            await().atMost(Duration.ofSeconds(20)).until(() -> pipeline.stats().framesEncoded() >= 45);
            assertThat(pipeline.isRunning()).isTrue();
        }
        statsAtClose = pipeline.stats();
    }

    @AfterAll
    void cleanUp() throws Exception {
        try (var files = Files.list(dir)) {
            for (Path file : files.toList()) Files.delete(file);
        }
        Files.delete(dir);
    }

    @Test
    void initComesFirstThenFragmentsAboutEvery200Milliseconds() {
        assertThat(recording.events.getFirst().init()).isNotNull();
        assertThat(recording.events.stream().skip(1).allMatch(e -> e.fragment() != null))
                .isTrue();
        assertThat(recording.init.codecs()).matches("avc1\\.42C0[0-9A-F]{2},mp4a\\.40\\.2");
        assertThat(recording.init.width()).isEqualTo(640);
        assertThat(recording.init.height()).isEqualTo(360);

        List<Fragment> fragments = recording.fragments;
        // ~3 s of media in 200 ms fragments: ~15, loosely
        assertThat(fragments).hasSizeBetween(10, 24);
        for (int i = 0; i < fragments.size(); i++)
            assertThat(fragments.get(i).sequence()).isEqualTo(i + 1);
        // Never longer than about 200 ms; one may be shorter where a keyframe came early (capture times jitter on a
        // busy machine and a keyframe always starts a fragment), so the typical length is checked by the median.
        List<Long> lengths = new ArrayList<>();
        for (Fragment f : fragments.subList(0, fragments.size() - 1)) {
            assertThat(f.durationMicros()).as("fragment %d", f.sequence()).isBetween(1L, 300_000L);
            lengths.add(f.durationMicros());
        }
        lengths.sort(null);
        assertThat(lengths.get(lengths.size() / 2)).as("median fragment length").isBetween(150_000L, 300_000L);
        List<Long> gaps = new ArrayList<>();
        for (int i = 2; i < recording.events.size(); i++) {
            gaps.add((recording.events.get(i).arrivedNanos()
                            - recording.events.get(i - 1).arrivedNanos())
                    / 1_000_000);
        }
        gaps.sort(null);
        assertThat(gaps.get(gaps.size() / 2))
                .as("median ms between fragments (real-time pacing)")
                .isBetween(100L, 400L);
    }

    @Test
    void afterTheFirstGopFragmentsAreCutRightAfterTheirLastPictureWhichTheyStampWithItsCaptureTime() {
        List<Fragment> fragments = recording.fragments;
        long gop = 1_000_000L;
        List<Fragment> later = fragments.stream()
                .filter(f -> f.mediaStartMicros() >= gop + 100_000)
                .limit(fragments.size() - 1)
                .toList();
        assertThat(later).as("fragments after the first GOP").hasSizeGreaterThan(4);
        Instant previous = Instant.MIN;
        int exact = 0;
        for (Fragment f : later) {
            assertThat(f.capturedAt())
                    .as("fragment %d's capture time", f.sequence())
                    .isNotNull();
            assertThat(f.capturedAt())
                    .as("fragment %d: its last picture was captured before the fragment was cut", f.sequence())
                    .isBeforeOrEqualTo(f.wallClock())
                    .isAfter(f.wallClock().minusSeconds(2))
                    .isAfter(previous);
            previous = f.capturedAt();
            // 15 fps and 200 ms: three pictures each, cut by the encode loop (a dropped picture stretches one)
            if (Math.abs(f.durationMicros() - 200_000) < 1_000) exact++;
        }
        assertThat(exact).as("fragments of exactly three pictures").isGreaterThanOrEqualTo(later.size() * 3 / 4);
    }

    @Test
    void aKeyframeStartsTheFirstFragmentAndThenOneFragmentPerSecond() {
        List<Fragment> fragments = recording.fragments;
        assertThat(fragments.getFirst().keyframeStart()).isTrue();
        List<Fragment> keyframes =
                fragments.stream().filter(Fragment::keyframeStart).toList();
        assertThat(keyframes).hasSizeBetween(3, 5);
        for (int i = 1; i < keyframes.size(); i++) {
            long gop =
                    keyframes.get(i).mediaStartMicros() - keyframes.get(i - 1).mediaStartMicros();
            // 15 pictures per GOP; a dropped picture would stretch its GOP by 1/15 s
            assertThat(gop).as("media time between GOP starts").isBetween(950_000L, 1_250_000L);
        }
    }

    @Test
    void theWholeStreamIsAFileThatFfprobeAndFfmpegReadCleanly() throws Exception {
        MediaTools.assumeInstalled();
        Path file = recording.writeFile(dir.resolve("whole.mp4"), 0);

        String probe = MediaTools.probe(file);
        assertThat(probe).contains("codec_type=video", "codec_name=h264", "width=640", "height=360");
        assertThat(probe).contains("codec_type=audio", "codec_name=aac", "sample_rate=48000");
        assertThat(MediaTools.decodeErrors(file)).isEmpty();
        MediaTools.VideoDecode decode = MediaTools.videoDecode(file);
        assertThat(decode.startsWithKeyframe()).isTrue();
        assertThat(decode.pictures()).isEqualTo(decode.packets()).isEqualTo(statsAtClose.framesEncoded());
    }

    @Test
    void aFileMayStartAtAnyKeyframeFragment() throws Exception {
        MediaTools.assumeInstalled();
        List<Fragment> fragments = recording.fragments;
        int files = 0;
        for (int i = 1; i < fragments.size(); i++) {
            Path file = recording.writeFile(dir.resolve("from-" + i + ".mp4"), i);
            MediaTools.VideoDecode decode = MediaTools.videoDecode(file);
            String what = "file starting at fragment " + fragments.get(i).sequence();
            if (fragments.get(i).keyframeStart()) {
                assertThat(MediaTools.probe(file)).contains("codec_name=h264", "codec_name=aac");
                assertThat(MediaTools.decodeErrors(file)).as(what).isEmpty();
                assertThat(decode.startsWithKeyframe()).as(what).isTrue();
                assertThat(decode.pictures())
                        .as("every picture of the " + what + " decodes")
                        .isEqualTo(decode.packets());
                files++;
            } else {
                // the contrast that shows the check can fail: inside a GOP, pictures lack their reference
                assertThat(decode.startsWithKeyframe()).as(what).isFalse();
                assertThat(decode.pictures()).as(what).isLessThan(decode.packets());
            }
        }
        assertThat(files).isPositive();
    }

    @Test
    void runsInRealTimeAndCountsWhatItDid() {
        double seconds = (System.nanoTime() - startedNanos) / 1e9;
        assertThat(seconds).isPositive();
        // an unpaced test pattern would deliver hundreds of pictures in the same time
        assertThat(statsAtClose.framesGrabbed()).isBetween(45L, 75L);
        // 640x360@15 takes a fraction of a core; a drop or two only if a shared machine stalls us for 1/4 s
        assertThat(statsAtClose.framesDropped()).isLessThanOrEqualTo(2);
        assertThat(statsAtClose.framesEncoded() + statsAtClose.framesDropped()).isEqualTo(statsAtClose.framesGrabbed());
        assertThat(statsAtClose.encoderFps()).isBetween(8.0, 25.0);
        assertThat(statsAtClose.fragments()).isEqualTo(recording.fragments.size());
        long bytes = recording.init.bytes().length
                + recording.fragments.stream().mapToLong(f -> f.bytes().length).sum();
        assertThat(statsAtClose.bytes()).isEqualTo(bytes);
    }

    @Test
    void soundIsSilentUntilAudioIsAllowed() throws Exception {
        MediaTools.assumeInstalled();
        Path file = recording.writeFile(dir.resolve("audio.mp4"), 0);

        assertThat(MediaTools.maxVolumeDb(file, 0.0, 1.2))
                .as("before the record press")
                .isLessThan(-80);
        assertThat(MediaTools.maxVolumeDb(file, 2.3, 2.9))
                .as("after it: the 1 kHz tone")
                .isGreaterThan(-30);
    }

    @Test
    void theOverlayIsBurnedIntoTheTopLeftCorner() throws Exception {
        MediaTools.assumeInstalled();
        RecordingSink plain = new RecordingSink();
        try (MediaPipeline pipeline =
                MediaPipeline.start(SETTINGS.withOverlayEnabled(false).withAudioEnabled(false), plain)) {
            await().atMost(Duration.ofSeconds(20)).until(() -> plain.fragments.size() >= 2);
            assertThat(pipeline.isRunning()).isTrue();
        }
        // both recordings start with picture 0 of the same test pattern
        byte[] with = MediaTools.firstPictureLuma(recording.writeFile(dir.resolve("overlay.mp4"), 0), 640, 360);
        byte[] without = MediaTools.firstPictureLuma(plain.writeFile(dir.resolve("plain.mp4"), 0), 640, 360);

        assertThat(MediaTools.meanDifference(with, without, 640, 0, 0, 320, 24))
                .as("text box, top left")
                .isGreaterThan(20);
        assertThat(MediaTools.meanDifference(with, without, 640, 0, 120, 640, 360))
                .as("rest of the picture")
                .isLessThan(6);
    }

    @Test
    void dropsAndCountsPicturesWhenTheEncoderFallsBehindAndKeepsGoing() throws Exception {
        RecordingSink slow = new RecordingSink() {
            @Override
            public void onFragment(Fragment fragment) {
                super.onFragment(fragment);
                // a sink that blocks the encoder thread 2x longer than the media it receives
                try {
                    Thread.sleep(400);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        MediaPipeline pipeline = MediaPipeline.start(SETTINGS.withAudioEnabled(false), slow, () -> true, 2);
        try (pipeline) {
            await().atMost(Duration.ofSeconds(20)).until(() -> pipeline.stats().framesDropped() > 5);
            int fragmentsAtFirstDrops = slow.fragments.size();
            await().atMost(Duration.ofSeconds(20)).until(() -> slow.fragments.size() >= fragmentsAtFirstDrops + 3);
            assertThat(pipeline.isRunning()).isTrue();
            assertThat(pipeline.failure()).isEmpty();
        }
        PipelineStats stats = pipeline.stats();
        assertThat(stats.framesEncoded()).isPositive();
        // after close every picture was either encoded or dropped
        assertThat(stats.framesEncoded() + stats.framesDropped()).isEqualTo(stats.framesGrabbed());
        assertThat(stats.encoderFps()).isLessThan(SETTINGS.fps());
        if (MediaTools.isInstalled()) {
            Path file = slow.writeFile(dir.resolve("slow.mp4"), 0);
            assertThat(MediaTools.decodeErrors(file))
                    .as("gaps leave the timing valid")
                    .isEmpty();
            MediaTools.VideoDecode decode = MediaTools.videoDecode(file);
            assertThat(decode.pictures()).isEqualTo(decode.packets()).isEqualTo(stats.framesEncoded());
        }
    }

    @Test
    void aMissingCameraFailsFastNamingTheDevice() {
        String missing = "/dev/video-openbwc-missing-7";
        assertThatThrownBy(() ->
                        MediaPipeline.start(SETTINGS.withDevices(missing, "mjpeg", "default"), new RecordingSink()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(missing);
    }

    @Test
    void aDeviceThatIsNoCameraFailsNamingItWithoutHanging() {
        long begin = System.nanoTime();
        assertThatThrownBy(() ->
                        MediaPipeline.start(SETTINGS.withDevices("/dev/null", null, "default"), new RecordingSink()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("/dev/null");
        assertThat((System.nanoTime() - begin) / 1e9).as("seconds to fail").isLessThan(15);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> Thread.getAllStackTraces().keySet().stream()
                        .noneMatch(t ->
                                t.getName().startsWith("media-") && t.getName().endsWith(SETTINGS.unitId())));
    }
}
