package org.openbwc.device.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bytedeco.ffmpeg.global.avutil.AV_PICTURE_TYPE_I;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_get_buffer;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_unref;

import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The encoder input: pictures with padded lines and the marks a decoder leaves on them, encoded by reference through
 * the recorder's codec and muxer (and, as a fallback, packed into the recorder's documented path), judged by ffprobe.
 */
class RecorderInputTest {
    private static final int WIDTH = 300;
    private static final int HEIGHT = 170;
    private static final int FPS = 15;
    private static final int FRAMES = 45;

    @TempDir
    Path dir;

    @BeforeAll
    static void loadNatives() {
        FfmpegNatives.requireLoaded();
        FfmpegLog.install();
    }

    @Test
    void withThisJavacvPicturesGoToTheEncoderByReference() throws Exception {
        FFmpegFrameRecorder recorder = recorder(dir.resolve("probe.mp4"));
        recorder.start();
        try (RecorderInput input = RecorderInput.of(recorder)) {
            assertThat(input.direct())
                    .as("JavaCV's private encoder members are reachable (a JavaCV upgrade must keep this true)")
                    .isTrue();
        } finally {
            recorder.stop();
            recorder.release();
        }
    }

    @Test
    void byReferenceEveryPictureIsEncodedWithOneKeyframePerGopAndTheFileTimesRight() throws Exception {
        Path file = encode("direct.mp4", RecorderInput::of);
        assertStream(file);
    }

    @Test
    void packedTheSamePicturesGiveTheSameStream() throws Exception {
        Path file = encode("packed.mp4", RecorderInput::packing);
        assertStream(file);
    }

    private void assertStream(Path file) throws Exception {
        MediaTools.assumeInstalled();
        MediaTools.VideoDecode decode = MediaTools.videoDecode(file);
        assertThat(decode.pictures()).isEqualTo(FRAMES);
        assertThat(decode.startsWithKeyframe()).isTrue();
        // the pictures come marked as key frames, as a decoder leaves them; the encoder must not take that as a request
        assertThat(keyframes(file)).isEqualTo(FRAMES / FPS);
        assertThat(MediaTools.probe(file)).contains("width=" + WIDTH, "height=" + HEIGHT, "duration=3.0");
        assertThat(MediaTools.decodeErrors(file)).isEmpty();
        // the picture arrives line by line despite the padding: dark left half, light right half, on every row checked
        byte[] luma = MediaTools.firstPictureLuma(file, WIDTH, HEIGHT);
        for (int row : new int[] {10, HEIGHT / 2, HEIGHT - 10}) {
            assertThat(luma[WIDTH * row + WIDTH / 4] & 0xff)
                    .as("row %d, left", row)
                    .isBetween(20, 60);
            assertThat(luma[WIDTH * row + 3 * WIDTH / 4] & 0xff)
                    .as("row %d, right", row)
                    .isBetween(140, 180);
        }
    }

    private Path encode(String name, Function<FFmpegFrameRecorder, RecorderInput> inputFor) throws Exception {
        Path file = dir.resolve(name);
        FFmpegFrameRecorder recorder = recorder(file);
        recorder.start();
        AVFrame picture = av_frame_alloc();
        try (RecorderInput input = inputFor.apply(recorder)) {
            for (int n = 0; n < FRAMES; n++) {
                fill(picture);
                input.record(picture, n);
            }
            recorder.stop();
        } finally {
            av_frame_free(picture);
            recorder.release();
        }
        return file;
    }

    private static FFmpegFrameRecorder recorder(Path file) {
        FFmpegFrameRecorder recorder = new FFmpegFrameRecorder(file.toFile(), WIDTH, HEIGHT, 0);
        recorder.setFormat("mp4");
        recorder.setVideoCodecName(VideoEncoder.OPENH264.ffmpegName());
        recorder.setPixelFormat(AV_PIX_FMT_YUV420P);
        recorder.setFrameRate(FPS);
        recorder.setGopSize(FPS);
        recorder.setMaxBFrames(0);
        recorder.setVideoBitrate(300_000);
        return recorder;
    }

    /**
     * A fresh picture each time, with padded lines (linesize > width) and marked intra/key as decoders mark theirs: luma
     * 40 on the left half, 160 on the right, 255 in the padding, so a picture read with the wrong line size shows.
     */
    private static void fill(AVFrame picture) {
        av_frame_unref(picture);
        picture.format(AV_PIX_FMT_YUV420P).width(WIDTH).height(HEIGHT);
        assertThat(av_frame_get_buffer(picture, 64)).isZero();
        assertThat(picture.linesize(0)).isGreaterThan(WIDTH);
        for (int plane = 0; plane < 3; plane++) {
            int rows = plane == 0 ? HEIGHT : HEIGHT / 2;
            int columns = plane == 0 ? WIDTH : WIDTH / 2;
            int lineSize = picture.linesize(plane);
            BytePointer data = picture.data(plane);
            data.capacity((long) lineSize * rows);
            for (long i = 0; i < data.capacity(); i++) {
                long x = i % lineSize;
                int value = x >= columns ? 255 : plane > 0 ? 128 : x < columns / 2 ? 40 : 160;
                data.put(i, (byte) value);
            }
        }
        picture.pict_type(AV_PICTURE_TYPE_I);
        picture.flags(picture.flags() | (1 << 1));
    }

    private static long keyframes(Path file) throws Exception {
        MediaTools.Result result = MediaTools.run(List.of(
                MediaTools.FFPROBE.toString(),
                "-v",
                "error",
                "-select_streams",
                "v",
                "-show_entries",
                "packet=flags",
                "-of",
                "csv=p=0",
                file.toString()));
        assertThat(result.exitCode()).as(result.stderr()).isZero();
        return result.stdout().lines().filter(line -> line.startsWith("K")).count();
    }
}
