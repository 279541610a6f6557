package org.openbwc.device.media;

import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;
import static org.bytedeco.ffmpeg.global.avutil.av_buffer_ref;
import static org.bytedeco.ffmpeg.global.avutil.av_buffer_unref;

import java.lang.reflect.Field;
import org.bytedeco.ffmpeg.avutil.AVBufferRef;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;
import org.tinylog.Logger;

/**
 * Feeds a started {@link FFmpegFrameRecorder} the pictures from {@link FrameSlots} without a hidden copy.
 * <p>
 * The recorder points its own {@code AVFrame} at the picture's bytes but leaves the frame without a buffer
 * reference, and {@code avcodec_send_frame} copies every such frame into a freshly allocated buffer: 3 MB of copying
 * and a 3 MB malloc/free per 1080p frame, which also spreads the process's malloc heap over time. Attaching the
 * slot's reference-counted buffer to that frame for the duration of the call lets FFmpeg take a reference instead.
 * The frame is private to JavaCV, so it is reached by reflection; if that ever fails the recorder still works, with
 * the copy.
 */
final class RecorderInput {
    private final FFmpegFrameRecorder recorder;
    private final AVFrame picture;

    private RecorderInput(FFmpegFrameRecorder recorder, AVFrame picture) {
        this.recorder = recorder;
        this.picture = picture;
    }

    /** For a recorder that has been started (it allocates its frame in start). */
    static RecorderInput of(FFmpegFrameRecorder recorder) {
        AVFrame picture = null;
        try {
            Field field = FFmpegFrameRecorder.class.getDeclaredField("picture");
            field.setAccessible(true);
            picture = (AVFrame) field.get(recorder);
        } catch (ReflectiveOperationException | RuntimeException e) {
            Logger.debug(e, "the recorder's frame is out of reach; the encoder copies every picture");
        }
        if (picture != null && picture.isNull()) picture = null;
        return new RecorderInput(recorder, picture);
    }

    /** Encodes one slot's picture; the encoder has dropped its reference to the slot's buffer when this returns. */
    void record(Frame slot) throws Exception {
        AVBufferRef buffer = FrameSlots.buffer(slot);
        boolean attached = false;
        if (picture != null && buffer != null && isEmpty(picture.buf(0))) {
            AVBufferRef reference = av_buffer_ref(buffer);
            attached = !isEmpty(reference);
            if (attached) picture.buf(0, reference);
        }
        try {
            recorder.record(slot, AV_PIX_FMT_YUV420P);
        } finally {
            if (attached) {
                av_buffer_unref(picture.buf(0));
                picture.buf(0, null);
            }
        }
    }

    private static boolean isEmpty(AVBufferRef reference) {
        return reference == null || reference.isNull();
    }
}
