package org.openbwc.device.media;

/** Where the pipeline's pictures and sound come from. */
public enum VideoSourceKind {
    /** FFmpeg's generated test pattern and a 1 kHz tone, paced to real time: a laptop or CI needs no camera. */
    LAVFI,
    /** A V4L2 camera plus an ALSA microphone, as on the wearable. */
    V4L2
}
