package org.openbwc.device.media;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Everything the media pipeline needs to know to capture, encode and cut the fragment stream; validated on
 * construction, every problem reported at once.
 *
 * @param source the mock generator or the real camera + microphone
 * @param videoDevice V4L2 device node, e.g. {@code /dev/video0}; ignored (may be null) for {@link VideoSourceKind#LAVFI}
 * @param inputFormat what to ask the camera for: {@code mjpeg}, {@code yuyv422}, or null to let V4L2 choose
 * @param gopSeconds distance between keyframes; every fragment that starts a GOP is a point where a file may begin
 * @param audioDevice ALSA device, e.g. {@code default} or {@code hw:1}; ignored for LAVFI
 * @param fontFile TrueType font for the overlay; null uses the DejaVu Sans Mono shipped with the device
 * @param officerId may be empty while nobody is logged in to the unit
 * @param fragmentMillis target fragment length; fragments are also cut at every keyframe
 */
public record EncoderSettings(
        VideoSourceKind source,
        String videoDevice,
        String inputFormat,
        int width,
        int height,
        int fps,
        int bitrateKbps,
        int gopSeconds,
        VideoEncoder encoder,
        boolean audioEnabled,
        String audioDevice,
        int sampleRate,
        int channels,
        int audioBitrateKbps,
        boolean overlayEnabled,
        Path fontFile,
        String unitId,
        String officerId,
        int fragmentMillis) {

    /** Input formats a UVC camera offers that the pipeline knows how to turn into YUV 4:2:0. */
    public static final Set<String> INPUT_FORMATS = Set.of("mjpeg", "yuyv422");
    /** The sample rates FFmpeg's AAC encoder accepts. */
    public static final Set<Integer> SAMPLE_RATES =
            Set.of(8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000, 64000, 88200, 96000);
    /*
     * Ids are burned into the picture through an FFmpeg filter graph, which has three nested escaping levels;
     * keeping ids to characters that none of them treats specially is safer than escaping them right.
     */
    private static final Pattern ID = Pattern.compile("[\\p{L}\\p{N} ._#/+-]{0,40}");

    public EncoderSettings {
        List<String> problems = new ArrayList<>();
        if (source == null) problems.add("source is required (LAVFI or V4L2)");
        if (source == VideoSourceKind.V4L2 && (videoDevice == null || videoDevice.isBlank()))
            problems.add("videoDevice is required for a V4L2 camera, e.g. /dev/video0");
        if (inputFormat != null && !INPUT_FORMATS.contains(inputFormat))
            problems.add("inputFormat '" + inputFormat + "' is not one of " + INPUT_FORMATS
                    + " (or null for the camera's choice)");
        if (width < 16 || width > 7680 || width % 2 != 0)
            problems.add("width " + width + " must be even and in 16..7680");
        if (height < 16 || height > 4320 || height % 2 != 0)
            problems.add("height " + height + " must be even and in 16..4320");
        if (fps < 1 || fps > 60) problems.add("fps " + fps + " is out of range 1..60");
        if (bitrateKbps < 50 || bitrateKbps > 50_000)
            problems.add("bitrateKbps " + bitrateKbps + " is out of range 50..50000");
        if (gopSeconds < 1 || gopSeconds > 10) problems.add("gopSeconds " + gopSeconds + " is out of range 1..10");
        if (encoder == null) problems.add("encoder is required (OPENH264, X264 or V4L2M2M)");
        if (audioEnabled && source == VideoSourceKind.V4L2 && (audioDevice == null || audioDevice.isBlank()))
            problems.add("audioDevice is required when audio is enabled on a real unit, e.g. default or hw:1");
        if (audioEnabled && !SAMPLE_RATES.contains(sampleRate))
            problems.add("sampleRate " + sampleRate + " is not one AAC supports: "
                    + SAMPLE_RATES.stream().sorted().toList());
        if (audioEnabled && (channels < 1 || channels > 2))
            problems.add("channels " + channels + " is out of range 1..2");
        if (audioEnabled && (audioBitrateKbps < 16 || audioBitrateKbps > 320))
            problems.add("audioBitrateKbps " + audioBitrateKbps + " is out of range 16..320");
        if (fontFile != null && fontFile.toString().isBlank())
            problems.add("fontFile is blank (use null for the bundled font)");
        if (unitId == null || unitId.isBlank() || !ID.matcher(unitId).matches())
            problems.add("unitId '" + unitId + "' must be 1..40 letters, digits, spaces or ._#/+-");
        if (officerId == null || !ID.matcher(officerId).matches())
            problems.add("officerId '" + officerId + "' must be 0..40 letters, digits, spaces or ._#/+-");
        if (fragmentMillis < 50 || fragmentMillis > 10_000)
            problems.add("fragmentMillis " + fragmentMillis + " is out of range 50..10000");
        if (!problems.isEmpty())
            throw new IllegalArgumentException("invalid encoder settings: " + String.join("; ", problems));
    }

    /** 640x360 at 15 fps, openh264, the lavfi test pattern with a tone and the overlay on: for tests and demos. */
    public static EncoderSettings mock(String unitId, String officerId) {
        return new EncoderSettings(
                VideoSourceKind.LAVFI,
                null,
                null,
                640,
                360,
                15,
                800,
                1,
                VideoEncoder.OPENH264,
                true,
                "default",
                48_000,
                1,
                64,
                true,
                null,
                unitId,
                officerId,
                200);
    }

    /** Frames between keyframes. */
    public int gopFrames() {
        return gopSeconds * fps;
    }

    public EncoderSettings withVideo(int width, int height, int fps) {
        return new EncoderSettings(
                source,
                videoDevice,
                inputFormat,
                width,
                height,
                fps,
                bitrateKbps,
                gopSeconds,
                encoder,
                audioEnabled,
                audioDevice,
                sampleRate,
                channels,
                audioBitrateKbps,
                overlayEnabled,
                fontFile,
                unitId,
                officerId,
                fragmentMillis);
    }

    public EncoderSettings withBitrateKbps(int bitrateKbps) {
        return new EncoderSettings(
                source,
                videoDevice,
                inputFormat,
                width,
                height,
                fps,
                bitrateKbps,
                gopSeconds,
                encoder,
                audioEnabled,
                audioDevice,
                sampleRate,
                channels,
                audioBitrateKbps,
                overlayEnabled,
                fontFile,
                unitId,
                officerId,
                fragmentMillis);
    }

    public EncoderSettings withEncoder(VideoEncoder encoder) {
        return new EncoderSettings(
                source,
                videoDevice,
                inputFormat,
                width,
                height,
                fps,
                bitrateKbps,
                gopSeconds,
                encoder,
                audioEnabled,
                audioDevice,
                sampleRate,
                channels,
                audioBitrateKbps,
                overlayEnabled,
                fontFile,
                unitId,
                officerId,
                fragmentMillis);
    }

    public EncoderSettings withAudioEnabled(boolean audioEnabled) {
        return new EncoderSettings(
                source,
                videoDevice,
                inputFormat,
                width,
                height,
                fps,
                bitrateKbps,
                gopSeconds,
                encoder,
                audioEnabled,
                audioDevice,
                sampleRate,
                channels,
                audioBitrateKbps,
                overlayEnabled,
                fontFile,
                unitId,
                officerId,
                fragmentMillis);
    }

    public EncoderSettings withOverlayEnabled(boolean overlayEnabled) {
        return new EncoderSettings(
                source,
                videoDevice,
                inputFormat,
                width,
                height,
                fps,
                bitrateKbps,
                gopSeconds,
                encoder,
                audioEnabled,
                audioDevice,
                sampleRate,
                channels,
                audioBitrateKbps,
                overlayEnabled,
                fontFile,
                unitId,
                officerId,
                fragmentMillis);
    }

    /** The same settings on a real camera and microphone. */
    public EncoderSettings withDevices(String videoDevice, String inputFormat, String audioDevice) {
        return new EncoderSettings(
                VideoSourceKind.V4L2,
                videoDevice,
                inputFormat,
                width,
                height,
                fps,
                bitrateKbps,
                gopSeconds,
                encoder,
                audioEnabled,
                audioDevice,
                sampleRate,
                channels,
                audioBitrateKbps,
                overlayEnabled,
                fontFile,
                unitId,
                officerId,
                fragmentMillis);
    }

    @Override
    public String toString() {
        return source
                + (source == VideoSourceKind.V4L2
                        ? " " + videoDevice + (inputFormat == null ? "" : "/" + inputFormat)
                        : "")
                + " " + width + "x" + height + "@" + fps + " " + encoder.ffmpegName() + " " + bitrateKbps + " kb/s gop "
                + gopSeconds + " s, audio "
                + (audioEnabled ? sampleRate + " Hz x" + channels + " " + audioBitrateKbps + " kb/s" : "off")
                + ", overlay " + (overlayEnabled ? "on" : "off") + ", fragments " + fragmentMillis + " ms";
    }
}
