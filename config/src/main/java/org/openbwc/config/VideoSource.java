package org.openbwc.config;

/** Where a unit's video comes from; written {@code auto}, {@code v4l2} or {@code testsrc} in YAML. */
public enum VideoSource {
    /** The V4L2 camera on the board (hal pi), FFmpeg's synthetic test picture and tone on a laptop (hal mock). */
    AUTO,
    /** A V4L2 camera device such as /dev/video0, with the ALSA microphone. */
    V4L2,
    /** FFmpeg's synthetic test picture (testsrc2) and a sine tone: exercises the same code without a camera. */
    TESTSRC
}
