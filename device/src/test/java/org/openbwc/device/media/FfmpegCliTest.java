package org.openbwc.device.media;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import org.junit.jupiter.api.Test;

class FfmpegCliTest {

    @Test
    void locatesTheNativesFfmpegAndItRuns() throws Exception {
        FfmpegCli cli = FfmpegCli.locate();

        assertThat(Files.isExecutable(cli.executable())).isTrue();
        assertThat(cli.executable().getFileName()).hasToString("ffmpeg");
        assertThat(cli.libraryDirectory().resolve("libavcodec.so.62")).exists();
        assertThat(cli.version()).startsWith("ffmpeg version 8.1");
        MediaTools.Result encoders = MediaTools.run(cli.command("-hide_banner", "-encoders"));
        assertThat(encoders.stdout()).contains("libopenh264", " aac ");
        assertThat(encoders.stdout().contains("libx264")).isEqualTo(VideoEncoder.X264.isAvailable());
    }
}
