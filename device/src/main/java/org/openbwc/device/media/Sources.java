package org.openbwc.device.media;

import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;
import static org.bytedeco.ffmpeg.global.avutil.AV_SAMPLE_FMT_S16;

import java.nio.file.Files;
import java.nio.file.Path;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.FrameGrabber;

/**
 * Configured-but-not-started grabbers for the two capture threads. Video and audio are two grabbers on two threads
 * for both kinds of source: a real unit has two devices (V4L2 camera, ALSA microphone) anyway, and the mock takes
 * the same path so that tests exercise it.
 */
final class Sources {
    private Sources() {}

    /** The picture source, delivering decoded frames (YUV 4:2:0 where the source can) at the configured rate, paced to real time. */
    static FFmpegFrameGrabber video(EncoderSettings settings) {
        FFmpegFrameGrabber grabber;
        if (settings.source() == VideoSourceKind.LAVFI) {
            // realtime paces the generator to the wall clock, as -re would: 10 s of video take 10 s
            grabber = new FFmpegFrameGrabber("testsrc2=size=" + settings.width() + "x" + settings.height() + ":rate="
                    + settings.fps() + ",format=yuv420p,realtime");
            grabber.setFormat("lavfi");
        } else {
            grabber = new FFmpegFrameGrabber(settings.videoDevice());
            grabber.setFormat("v4l2");
            grabber.setImageWidth(settings.width());
            grabber.setImageHeight(settings.height());
            grabber.setFrameRate(settings.fps());
            if (settings.inputFormat() != null) {
                // JavaCV also passes pixel_format (the YUV we want out) to the device, and v4l2 reads both options into
                // one field; setting both names makes the camera's format win whatever order they are applied in.
                grabber.setOption("input_format", settings.inputFormat());
                grabber.setOption("pixel_format", settings.inputFormat());
            }
        }
        grabber.setPixelFormat(AV_PIX_FMT_YUV420P);
        // RAW: no conversion into the grabber's own buffer; PictureGraph converts (if needed) on the decoded frame
        grabber.setImageMode(FrameGrabber.ImageMode.RAW);
        return grabber;
    }

    /** The sound source, delivering interleaved S16 at the configured rate and channel count. */
    static FFmpegFrameGrabber audio(EncoderSettings settings) {
        FFmpegFrameGrabber grabber;
        if (settings.source() == VideoSourceKind.LAVFI) {
            grabber = new FFmpegFrameGrabber("sine=frequency=1000:sample_rate=" + settings.sampleRate() + ",arealtime");
            grabber.setFormat("lavfi");
        } else {
            grabber = new FFmpegFrameGrabber(settings.audioDevice());
            grabber.setFormat("alsa");
        }
        grabber.setSampleFormat(AV_SAMPLE_FMT_S16);
        grabber.setSampleRate(settings.sampleRate());
        grabber.setAudioChannels(settings.channels());
        return grabber;
    }

    /** Fails fast, naming the device, before FFmpeg is asked to open a camera that is not there. */
    static void requireCamera(EncoderSettings settings) {
        if (settings.source() != VideoSourceKind.V4L2) return;
        Path device = Path.of(settings.videoDevice());
        if (!Files.exists(device))
            throw new IllegalStateException(
                    "camera " + device + " does not exist (is it plugged in, and is videoDevice right?)");
        if (!Files.isReadable(device))
            throw new IllegalStateException(
                    "camera " + device + " is not readable by this user (add it to the video group)");
    }

    static String describeVideo(EncoderSettings settings) {
        return settings.source() == VideoSourceKind.LAVFI ? "lavfi test pattern" : "camera " + settings.videoDevice();
    }

    static String describeAudio(EncoderSettings settings) {
        return settings.source() == VideoSourceKind.LAVFI
                ? "lavfi test tone"
                : "microphone (ALSA '" + settings.audioDevice() + "')";
    }
}
