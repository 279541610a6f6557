package org.openbwc.device.media;

import static org.bytedeco.ffmpeg.global.avutil.av_strerror;

import java.nio.charset.StandardCharsets;

/** FFmpeg's negative return codes as text a technician can read in an error message. */
public final class FfmpegError {
    private FfmpegError() {}

    /** E.g. "Invalid argument (-22)": FFmpeg's own description followed by the code. */
    public static String describe(int code) {
        byte[] text = new byte[256];
        av_strerror(code, text, text.length);
        int length = 0;
        while (length < text.length && text[length] != 0) length++;
        return new String(text, 0, length, StandardCharsets.UTF_8) + " (" + code + ")";
    }
}
