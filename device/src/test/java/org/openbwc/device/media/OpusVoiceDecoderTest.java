package org.openbwc.device.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openbwc.testsupport.SystemTools;
import org.openbwc.testsupport.ToneDetector;

/** Real Opus (made by the ffmpeg CLI with libopus, as a browser's encoder makes it) decodes to the tone it carries. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class OpusVoiceDecoderTest {
    @TempDir
    Path dir;

    @Test
    void opusPacketsFromLibopusDecodeToTheirToneAt48Khz() throws Exception {
        Path ffmpeg = SystemTools.require("ffmpeg", "the Opus test encodes its input with the ffmpeg CLI");
        Path ogg = dir.resolve("tone.ogg");
        Process p = new ProcessBuilder(
                        ffmpeg.toString(),
                        "-v",
                        "error",
                        "-f",
                        "lavfi",
                        "-i",
                        "sine=frequency=1500:duration=1",
                        "-ac",
                        "1",
                        "-ar",
                        "48000",
                        "-c:a",
                        "libopus",
                        "-b:a",
                        "32k",
                        "-frame_duration",
                        "20",
                        ogg.toString())
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(out).isZero();

        short[] all = new short[0];
        int packets = 0;
        try (FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(ogg.toFile());
                OpusVoiceDecoder decoder = new OpusVoiceDecoder()) {
            grabber.start();
            for (AVPacket pkt; (pkt = grabber.grabPacket()) != null; ) {
                byte[] bytes = new byte[pkt.size()];
                pkt.data().get(bytes);
                short[] pcm = decoder.decode(bytes);
                short[] joined = java.util.Arrays.copyOf(all, all.length + pcm.length);
                System.arraycopy(pcm, 0, joined, all.length, pcm.length);
                all = joined;
                packets++;
            }
            grabber.stop();
            assertThatThrownBy(() -> decoder.decode(new byte[] {(byte) 0xff, (byte) 0xff, 1, 2, 3}))
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(packets).as("20 ms packets in 1 s").isBetween(45, 55);
        assertThat(all.length).as("about 1 s at 48 kHz").isBetween(45_000, 52_000);
        assertThat(new ToneDetector(1500, 48_000).onset(all, 0)).isPresent();
        assertThat(new ToneDetector(1500, 48_000).holdsTone(all, 24_000, 480)).isTrue();
        assertThat(new ToneDetector(700, 48_000).onset(all, 0))
                .as("not just any sound")
                .isEmpty();
    }
}
