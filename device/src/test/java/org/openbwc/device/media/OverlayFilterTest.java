package org.openbwc.device.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import org.bytedeco.javacv.FFmpegFrameFilter;
import org.bytedeco.javacv.Frame;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the overlay's drawtext in process on a black picture, so what it burns in can be compared pixel for pixel. */
class OverlayFilterTest {
    private static final int WIDTH = 320;
    private static final int HEIGHT = 180;
    private static final EncoderSettings SETTINGS =
            EncoderSettings.mock("bwc-0042", "4711").withVideo(WIDTH, HEIGHT, 15);

    @BeforeAll
    static void loadNatives() {
        FfmpegNatives.requireLoaded();
        FfmpegLog.install();
    }

    @Test
    void burnsInTheUtcSecondExactlyAsThatTimestampWrittenOutRenders() throws Exception {
        Path font = BundledFont.path();
        try (FFmpegFrameFilter live = started(OverlayFilter.drawtext(SETTINGS, font))) {
            for (int attempt = 0; attempt < 5; attempt++) {
                Instant before = Instant.now().truncatedTo(ChronoUnit.SECONDS);
                byte[] rendered = render(live);
                Instant after = Instant.now().truncatedTo(ChronoUnit.SECONDS);
                if (!before.equals(after))
                    continue; // the second turned while filtering: which one was drawn is unknown

                byte[] sameSecond = renderOnce(OverlayFilter.drawtextAt(SETTINGS, font, before));
                byte[] nextSecond = renderOnce(OverlayFilter.drawtextAt(SETTINGS, font, before.plusSeconds(1)));
                assertThat(rendered).as("drawn with %s", before).isEqualTo(sameSecond);
                assertThat(rendered)
                        .as("the time is really drawn: another second looks different")
                        .isNotEqualTo(nextSecond);
                assertThat(rendered).as("something is drawn at all").isNotEqualTo(black());
                return;
            }
            fail("the clock's second kept turning during filtering");
        }
    }

    @Test
    void unitAndOfficerAreBurnedIn() throws Exception {
        Instant at = Instant.parse("2025-03-01T14:07:09Z");
        Path font = BundledFont.path();
        byte[] withOfficer = renderOnce(OverlayFilter.drawtextAt(SETTINGS, font, at));
        byte[] otherOfficer = renderOnce(OverlayFilter.drawtextAt(
                EncoderSettings.mock("bwc-0042", "4712").withVideo(WIDTH, HEIGHT, 15), font, at));
        byte[] otherUnit = renderOnce(OverlayFilter.drawtextAt(
                EncoderSettings.mock("bwc-0043", "4711").withVideo(WIDTH, HEIGHT, 15), font, at));

        assertThat(withOfficer).isNotEqualTo(otherOfficer).isNotEqualTo(otherUnit);
    }

    @Test
    void describesTheFilterWithEscapedTimeFormat() {
        String description = OverlayFilter.drawtext(SETTINGS, Path.of("/fonts/mono.ttf"));

        assertThat(description)
                .startsWith(
                        "drawtext=fontfile='/fonts/mono.ttf':text='%{gmtime\\:%Y-%m-%dT%H\\\\\\:%M\\\\\\:%SZ}  UNIT bwc-0042  OFFICER 4711'")
                .contains(":box=1:");
        assertThat(OverlayFilter.drawtextAt(SETTINGS, Path.of("/f.ttf"), Instant.parse("2025-03-01T14:07:09Z")))
                .contains("text='2025-03-01T14\\:07\\:09Z  UNIT");
        assertThat(OverlayFilter.drawtext(EncoderSettings.mock("bwc-0042", ""), Path.of("/f.ttf")))
                .doesNotContain("OFFICER");
    }

    @Test
    void findsAFontWhosePathHasCharactersTheFilterGraphTreatsSpecially(@TempDir Path dir) throws Exception {
        Path odd = Files.createDirectories(dir.resolve("it's: [odd], really"));
        Path font = Files.copy(BundledFont.path(), odd.resolve("mono.ttf"));

        byte[] rendered = renderOnce(OverlayFilter.drawtextAt(SETTINGS, font, Instant.parse("2025-03-01T14:07:09Z")));

        assertThat(rendered)
                .isEqualTo(renderOnce(
                        OverlayFilter.drawtextAt(SETTINGS, BundledFont.path(), Instant.parse("2025-03-01T14:07:09Z"))));
    }

    private static FFmpegFrameFilter started(String description) throws Exception {
        FFmpegFrameFilter filter = new FFmpegFrameFilter(description, WIDTH, HEIGHT);
        filter.setPixelFormat(AV_PIX_FMT_YUV420P);
        filter.setFrameRate(15);
        filter.start();
        return filter;
    }

    private static byte[] renderOnce(String description) throws Exception {
        try (FFmpegFrameFilter filter = started(description)) {
            return render(filter);
        }
    }

    private static byte[] render(FFmpegFrameFilter filter) throws Exception {
        Frame picture = new Frame();
        picture.imageWidth = WIDTH;
        picture.imageHeight = HEIGHT;
        picture.imageDepth = Frame.DEPTH_UBYTE;
        picture.imageChannels = 1;
        picture.imageStride = WIDTH;
        picture.image = new ByteBuffer[] {
            ByteBuffer.allocateDirect(RecorderInput.yuv420pBytes(WIDTH, HEIGHT))
                    .put(black())
                    .flip()
        };
        filter.push(picture, AV_PIX_FMT_YUV420P);
        Frame out = filter.pull();
        ByteBuffer pixels = ((ByteBuffer) out.image[0]).duplicate();
        byte[] bytes = new byte[RecorderInput.yuv420pBytes(WIDTH, HEIGHT)];
        pixels.position(0).limit(bytes.length);
        pixels.get(bytes);
        return bytes;
    }

    private static byte[] black() {
        byte[] yuv = new byte[RecorderInput.yuv420pBytes(WIDTH, HEIGHT)];
        Arrays.fill(yuv, 0, WIDTH * HEIGHT, (byte) 16);
        Arrays.fill(yuv, WIDTH * HEIGHT, yuv.length, (byte) 128);
        return yuv;
    }
}
