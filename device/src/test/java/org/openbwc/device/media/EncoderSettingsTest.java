package org.openbwc.device.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class EncoderSettingsTest {

    @Test
    void mockIsSmallOpenh264WithToneAndOverlay() {
        EncoderSettings mock = EncoderSettings.mock("bwc-0001", "4711");

        assertThat(mock.source()).isEqualTo(VideoSourceKind.LAVFI);
        assertThat(mock.width()).isEqualTo(640);
        assertThat(mock.height()).isEqualTo(360);
        assertThat(mock.fps()).isEqualTo(15);
        assertThat(mock.encoder()).isEqualTo(VideoEncoder.OPENH264);
        assertThat(mock.gopFrames()).isEqualTo(15);
        assertThat(mock.fragmentMillis()).isEqualTo(200);
        assertThat(mock.audioEnabled()).isTrue();
        assertThat(mock.overlayEnabled()).isTrue();
        assertThat(mock.fontFile()).isNull();
    }

    @Test
    void reportsEveryProblemAtOnce() {
        assertThatThrownBy(() -> new EncoderSettings(
                        VideoSourceKind.V4L2,
                        " ",
                        "h264",
                        641,
                        8,
                        75,
                        10,
                        0,
                        null,
                        true,
                        "",
                        44_000,
                        3,
                        8,
                        true,
                        Path.of(" "),
                        "",
                        "o'brien",
                        20))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("videoDevice is required")
                .hasMessageContaining("inputFormat 'h264'")
                .hasMessageContaining("width 641")
                .hasMessageContaining("height 8")
                .hasMessageContaining("fps 75 is out of range 1..60")
                .hasMessageContaining("bitrateKbps 10")
                .hasMessageContaining("gopSeconds 0")
                .hasMessageContaining("encoder is required")
                .hasMessageContaining("audioDevice is required")
                .hasMessageContaining("sampleRate 44000")
                .hasMessageContaining("channels 3")
                .hasMessageContaining("audioBitrateKbps 8")
                .hasMessageContaining("fontFile is blank")
                .hasMessageContaining("unitId ''")
                .hasMessageContaining("officerId 'o'brien'")
                .hasMessageContaining("fragmentMillis 20");
    }

    @Test
    void withersKeepTheRestAndStillValidate() {
        EncoderSettings mock = EncoderSettings.mock("bwc-0001", "");
        EncoderSettings real = mock.withDevices("/dev/video0", "mjpeg", "hw:1")
                .withVideo(1280, 720, 30)
                .withEncoder(VideoEncoder.X264);

        assertThat(real.source()).isEqualTo(VideoSourceKind.V4L2);
        assertThat(real.inputFormat()).isEqualTo("mjpeg");
        assertThat(real.audioDevice()).isEqualTo("hw:1");
        assertThat(real.gopFrames()).isEqualTo(30);
        assertThat(real.unitId()).isEqualTo("bwc-0001");
        assertThatThrownBy(() -> mock.withVideo(640, 360, 0)).hasMessageContaining("fps 0");
    }
}
