package org.openbwc.device.media;

import static org.bytedeco.ffmpeg.global.avutil.AV_LOG_ERROR;
import static org.bytedeco.ffmpeg.global.avutil.AV_LOG_WARNING;

import org.bytedeco.ffmpeg.avutil.LogCallback;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacpp.BytePointer;
import org.tinylog.Logger;

/**
 * Routes FFmpeg's own log lines into tinylog instead of the process's stderr: errors at WARN (the pipeline reports
 * what they cause), warnings at DEBUG since encoders and muxers emit them routinely.
 */
final class FfmpegLog extends LogCallback {
    // FFmpeg keeps only a native pointer to the callback: this reference keeps it from being collected.
    private static FfmpegLog installed;

    private FfmpegLog() {}

    static synchronized void install() {
        if (installed != null) return;
        installed = new FfmpegLog();
        avutil.av_log_set_level(AV_LOG_WARNING);
        avutil.setLogCallback(installed);
    }

    private String lastText = "";
    private long repeats;

    @Override
    public synchronized void call(int level, BytePointer message) {
        String text = message.getString().strip();
        if (text.isEmpty()) return;
        // a filter or codec in trouble says the same thing for every frame: log it 1, 2, 4, 8... times
        if (text.equals(lastText)) {
            repeats++;
            if (Long.bitCount(repeats) != 1) return;
            text = text + " (repeated " + repeats + " times)";
        } else {
            lastText = text;
            repeats = 0;
        }
        if (level <= AV_LOG_ERROR) Logger.warn("ffmpeg: {}", text);
        else Logger.debug("ffmpeg: {}", text);
    }
}
