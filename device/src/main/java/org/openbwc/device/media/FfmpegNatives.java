package org.openbwc.device.media;

import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_encoder_by_name;

import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacv.FFmpegFrameFilter;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.FFmpegFrameRecorder;

/** Checks that the FFmpeg natives this platform needs are on the classpath, and what they can encode. */
final class FfmpegNatives {
    private static volatile boolean loaded;

    private FfmpegNatives() {}

    /** Loads the natives once; a missing or broken natives jar becomes an error that says which artifact is needed. */
    static void requireLoaded() {
        if (loaded) return;
        synchronized (FfmpegNatives.class) {
            if (loaded) return;
            try {
                FFmpegFrameGrabber.tryLoad();
                FFmpegFrameRecorder.tryLoad();
                FFmpegFrameFilter.tryLoad();
            } catch (Exception | LinkageError e) {
                throw new IllegalStateException(
                        "FFmpeg natives for " + Loader.getPlatform() + " could not be loaded: the device "
                                + "needs org.bytedeco:ffmpeg:8.1.2-1.5.14 with classifier " + Loader.getPlatform()
                                + " (or " + Loader.getPlatform() + "-gpl) on the classpath (" + e + ")",
                        e);
            }
            loaded = true;
        }
    }

    static boolean hasEncoder(String ffmpegName) {
        requireLoaded();
        AVCodec codec = avcodec_find_encoder_by_name(ffmpegName);
        return codec != null && !codec.isNull();
    }

    static void requireEncoder(VideoEncoder encoder) {
        if (hasEncoder(encoder.ffmpegName())) return;
        String hint = switch (encoder) {
            case X264 ->
                "libx264 is GPL and only in the GPL natives: build with -Pgpl (./mvnw -Pgpl ...) or choose OPENH264";
            case OPENH264 -> "the default (LGPL) natives have it; the natives on this classpath were built without it";
            case V4L2M2M ->
                "it needs a board with a V4L2 mem2mem H.264 encoder (e.g. Raspberry Pi 4) and natives built with it";
        };
        throw new IllegalStateException("video encoder " + encoder.ffmpegName()
                + " is not in the FFmpeg natives on this classpath (" + Loader.getPlatform() + "): " + hint);
    }
}
