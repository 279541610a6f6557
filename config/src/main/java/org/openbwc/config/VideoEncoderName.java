package org.openbwc.config;

/** H.264 encoder; written {@code openh264}, {@code x264} or {@code v4l2m2m} in YAML. */
public enum VideoEncoderName {
    /** Cisco's libopenh264, in the default (LGPL) FFmpeg natives; single-threaded. */
    OPENH264,
    /** libx264 (preset veryfast, tune zerolatency); needs the GPL natives (build with -Pgpl). */
    X264,
    /** The Raspberry Pi 4's hardware encoder through V4L2 mem2mem. */
    V4L2M2M
}
