package org.openbwc.device.media;

/** The H.264 encoders the pipeline can drive, by the name FFmpeg knows them under. */
public enum VideoEncoder {
    /** Cisco's encoder, in the default (LGPL) natives; single-threaded. */
    OPENH264("libopenh264"),
    /** Needs the GPL natives ({@code -Pgpl}); run with preset veryfast, tune zerolatency. */
    X264("libx264"),
    /** The Raspberry Pi's hardware encoder through V4L2 mem2mem; only on boards that have one. */
    V4L2M2M("h264_v4l2m2m");

    private final String ffmpegName;

    VideoEncoder(String ffmpegName) {
        this.ffmpegName = ffmpegName;
    }

    public String ffmpegName() {
        return ffmpegName;
    }

    /** Whether the FFmpeg natives on this classpath have this encoder (loads the natives on first use). */
    public boolean isAvailable() {
        return FfmpegNatives.hasEncoder(ffmpegName);
    }
}
