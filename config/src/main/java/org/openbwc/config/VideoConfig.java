package org.openbwc.config;

import java.util.Map;

/** Camera capture and H.264 encoding of a unit. */
public record VideoConfig(
        @Doc("Video source: auto picks the V4L2 camera with hal pi and the synthetic test source with hal mock.")
        @DefaultValue("auto")
        VideoSource source,

        @Doc("V4L2 camera device (used by the v4l2 source).")
        @DefaultValue("/dev/video0")
        @TextLength(min = 1, max = 4096)
        String device,

        @Doc("Pixel format requested from the camera: mjpeg (most USB cameras at 720p and above) or yuyv422.")
        @DefaultValue("mjpeg")
        @Pattern(regex = "mjpeg|yuyv422", allowed = "mjpeg, yuyv422")
        String inputFormat,

        @Doc("Picture width in pixels.") @DefaultValue("1280") @IntRange(min = 160, max = 3840)
        int width,

        @Doc("Picture height in pixels.") @DefaultValue("720") @IntRange(min = 120, max = 2160)
        int height,

        @Doc("Frames per second.") @DefaultValue("30") @IntRange(min = 1, max = 60)
        int fps,

        @Doc("Video bit rate in kilobits per second.") @DefaultValue("2500") @IntRange(min = 100, max = 20000)
        int bitrateKbps,

        @Doc("Keyframe interval in seconds; recordings, segments and live viewers start on a keyframe.")
        @DefaultValue("1")
        @IntRange(min = 1, max = 10)
        int gopSeconds,

        @Doc("H.264 encoder.") @DefaultValue("openh264") VideoEncoderName encoder,

        @Doc("Burn the UTC time, unit id and officer id into the picture, as commercial cameras do.")
        @DefaultValue("true")
        boolean overlay,

        @Doc("TrueType font for the burned-in text.")
        @NullMeans("use the DejaVu Sans Mono shipped with the device software")
        @TextLength(min = 1, max = 4096)
        String fontFile) {

    public VideoConfig {
        Constraints.check(
                VideoConfig.class,
                source,
                device,
                inputFormat,
                width,
                height,
                fps,
                bitrateKbps,
                gopSeconds,
                encoder,
                overlay,
                fontFile);
    }

    /** All documented defaults. */
    public static VideoConfig defaults() {
        return (VideoConfig) RecordSpec.of(VideoConfig.class).defaults(Map.of());
    }

    /** Copy with another picture size and rate. */
    public VideoConfig withSize(int newWidth, int newHeight, int newFps) {
        return new VideoConfig(
                source,
                device,
                inputFormat,
                newWidth,
                newHeight,
                newFps,
                bitrateKbps,
                gopSeconds,
                encoder,
                overlay,
                fontFile);
    }

    /** Copy with another bit rate. */
    public VideoConfig withBitrateKbps(int kbps) {
        return new VideoConfig(
                source, device, inputFormat, width, height, fps, kbps, gopSeconds, encoder, overlay, fontFile);
    }
}
