package org.openbwc.device.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** libx264 is GPL: it is only in the natives the {@code -Pgpl} profile brings in. */
class X264Test {
    private static final EncoderSettings SETTINGS =
            EncoderSettings.mock("bwc-x264", "4711").withVideo(320, 180, 15).withEncoder(VideoEncoder.X264);

    /**
     * With the GPL natives (-Pgpl) x264 must encode; with the default LGPL natives asking for it must fail clearly.
     * One test for both, so neither build skips it (.ci/run runs it under -Pgpl too).
     */
    @Test
    void x264EncodesWithTheGplNativesAndFailsClearlyWithoutThem() throws Exception {
        if (!VideoEncoder.X264.isAvailable()) {
            assertThatThrownBy(() -> MediaPipeline.start(SETTINGS, new RecordingSink()))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("libx264")
                    .hasMessageContaining("-Pgpl");
            return;
        }
        RecordingSink sink = new RecordingSink();
        try (MediaPipeline pipeline = MediaPipeline.start(SETTINGS, sink)) {
            await().atMost(Duration.ofSeconds(20)).until(() -> sink.fragments.size() >= 8);
            assertThat(pipeline.isRunning()).isTrue();
        }
        assertThat(sink.init.codecs())
                .as("veryfast/zerolatency gives High profile")
                .startsWith("avc1.64");
        assertThat(sink.fragments.getFirst().keyframeStart()).isTrue();
        MediaTools.assumeInstalled();
        Path file = sink.writeFile(Files.createTempFile("x264", ".mp4"), 0);
        try {
            assertThat(MediaTools.probe(file)).contains("codec_name=h264", "width=320", "codec_name=aac");
            assertThat(MediaTools.decodeErrors(file)).isEmpty();
        } finally {
            Files.delete(file);
        }
    }
}
