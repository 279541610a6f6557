package org.openbwc.device.media;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.tinylog.Logger;

class PipelineTrialTest {

    @Test
    void measuresARunIntoNowhere() throws Exception {
        EncoderSettings settings = EncoderSettings.mock("bwc-trial", "4711").withVideo(320, 180, 15);

        PipelineTrial.Result result = PipelineTrial.run(settings, Duration.ofSeconds(2));

        Logger.info("trial: {}", result.summary());
        assertThat(result.wall()).isGreaterThanOrEqualTo(Duration.ofSeconds(2));
        assertThat(result.fps()).isBetween(10.0, 20.0);
        assertThat(result.cores()).isBetween(0.001, 2.5);
        assertThat(result.stats().fragments()).isBetween(6L, 16L);
        assertThat(result.summary()).contains("320x180@15 libopenh264");
    }
}
