package org.openbwc.device.media;

import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_rescale_ts;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_packet;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_frame;
import static org.bytedeco.ffmpeg.global.avformat.av_interleaved_write_frame;
import static org.bytedeco.ffmpeg.global.avformat.av_write_frame;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EAGAIN;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EOF;
import static org.bytedeco.ffmpeg.global.avutil.AVMEDIA_TYPE_VIDEO;
import static org.bytedeco.ffmpeg.global.avutil.AV_PICTURE_TYPE_NONE;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;
import static org.bytedeco.ffmpeg.global.avutil.av_image_copy_to_buffer;

import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;
import org.tinylog.Logger;

/**
 * Feeds a started {@link FFmpegFrameRecorder}'s video encoder the capture side's pictures as they are.
 * <p>
 * The recorder only takes packed pictures in buffers of the caller's, which it hands to the encoder without a buffer
 * reference, so the encoder copies each one; and a decoder's or filter graph's picture is not packed (each plane has
 * its own buffer and padded lines), so getting it into the recorder meant one more copy. Instead, the reference-counted
 * picture goes straight to the recorder's codec context ({@code avcodec_send_frame} then takes a reference, not a
 * copy) and the packets go through the recorder's own muxing ({@code writePacket}: interleaved with the sound, under
 * its lock), so that {@code stop()} still flushes the encoder and writes the trailer. Those members are private to
 * JavaCV (checked against 1.5.14), so they are reached by reflection; if that ever fails, each picture is packed into
 * a buffer and recorded the documented way, which costs the copies again but works.
 */
final class RecorderInput implements AutoCloseable {
    /** {@code AV_FRAME_FLAG_KEY} (frame.h), a macro that the presets do not carry. */
    private static final int AV_FRAME_FLAG_KEY = 1 << 1;

    private final FFmpegFrameRecorder recorder;
    private final AVCodecContext codec;
    private final AVStream stream;
    private final Method writePacket;
    private final AVFormatContext muxer;
    private AVPacket packet;
    private Frame packed;

    private RecorderInput(
            FFmpegFrameRecorder recorder,
            AVCodecContext codec,
            AVStream stream,
            Method writePacket,
            AVFormatContext muxer) {
        this.recorder = recorder;
        this.codec = codec;
        this.stream = stream;
        this.writePacket = writePacket;
        this.muxer = muxer;
        this.packet = writePacket != null ? av_packet_alloc() : null;
    }

    /** For a recorder that has been started (it opens its encoder and stream in start). */
    static RecorderInput of(FFmpegFrameRecorder recorder) {
        try {
            AVCodecContext codec = (AVCodecContext) field("video_c").get(recorder);
            AVStream stream = (AVStream) field("video_st").get(recorder);
            AVFormatContext muxer = (AVFormatContext) field("oc").get(recorder);
            Method writePacket = FFmpegFrameRecorder.class.getDeclaredMethod("writePacket", int.class, AVPacket.class);
            writePacket.setAccessible(true);
            if (codec != null && !codec.isNull() && stream != null && !stream.isNull() && muxer != null) {
                return new RecorderInput(recorder, codec, stream, writePacket, muxer);
            }
            Logger.debug("the recorder has no video encoder open yet; pictures are packed and copied");
        } catch (ReflectiveOperationException | RuntimeException e) {
            Logger.debug(e, "the recorder's encoder is out of reach; pictures are packed and copied");
        }
        return packing(recorder);
    }

    /** The documented path only: each picture packed into a buffer of ours and given to {@code record}. */
    static RecorderInput packing(FFmpegFrameRecorder recorder) {
        return new RecorderInput(recorder, null, null, null, null);
    }

    /** True when pictures go to the encoder by reference, false on the packing path. */
    boolean direct() {
        return writePacket != null;
    }

    /**
     * Encodes a YUV 4:2:0 picture as frame {@code frameNumber} of the stream (in frame periods) and writes any packets
     * that come out. The picture stays the caller's; the encoder holds no reference to it when this returns.
     */
    void record(AVFrame picture, long frameNumber) throws Exception {
        if (!direct()) {
            recordPacked(picture, frameNumber);
            return;
        }
        picture.pts(frameNumber);
        // a decoder marks its pictures as intra-coded key frames, which an encoder takes as a request for one
        picture.pict_type(AV_PICTURE_TYPE_NONE);
        picture.flags(picture.flags() & ~AV_FRAME_FLAG_KEY);
        int result = avcodec_send_frame(codec, picture);
        if (result < 0)
            throw new IllegalStateException(
                    "encoding frame " + frameNumber + " failed: " + FfmpegError.describe(result));
        while (true) {
            result = avcodec_receive_packet(codec, packet);
            if (result == AVERROR_EAGAIN() || result == AVERROR_EOF()) return;
            if (result < 0) {
                throw new IllegalStateException("taking a packet from the encoder at frame " + frameNumber + " failed: "
                        + FfmpegError.describe(result));
            }
            av_packet_rescale_ts(packet, codec.time_base(), stream.time_base());
            packet.stream_index(stream.index());
            try {
                // writes interleaved with the sound under the recorder's lock, and leaves the packet empty
                writePacket.invoke(recorder, AVMEDIA_TYPE_VIDEO, packet);
            } catch (InvocationTargetException e) {
                if (e.getCause() instanceof Exception cause) throw cause;
                throw e;
            }
        }
    }

    /**
     * Ends the current fragment now, with every packet written so far, instead of when the next picture's packet
     * arrives (the muxer's own rule, with {@code frag_duration}): the packets waiting in the interleaving queue for
     * sound are written first, then the muxer is told to flush ({@code av_write_frame(ctx, NULL)} with
     * {@code movflags frag_custom}). Saves a frame period and the sound's lead from the time a picture takes to become
     * durable. Does nothing on the packing path, where the muxer is out of reach.
     *
     * @return whether the fragment was cut here
     */
    boolean cutFragment() {
        if (muxer == null) return false;
        synchronized (muxer) {
            int result = av_interleaved_write_frame(muxer, (AVPacket) null);
            if (result < 0)
                throw new IllegalStateException("flushing the muxer's queue failed: " + FfmpegError.describe(result));
            result = av_write_frame(muxer, (AVPacket) null);
            if (result < 0)
                throw new IllegalStateException("cutting a fragment failed: " + FfmpegError.describe(result));
        }
        return true;
    }

    private void recordPacked(AVFrame picture, long frameNumber) throws Exception {
        int width = picture.width();
        int height = picture.height();
        int size = yuv420pBytes(width, height);
        if (packed == null || packed.imageWidth != width || packed.imageHeight != height) {
            packed = new Frame();
            packed.image = new ByteBuffer[] {ByteBuffer.allocateDirect(size)};
            packed.imageWidth = width;
            packed.imageHeight = height;
            packed.imageDepth = Frame.DEPTH_UBYTE;
            packed.imageChannels = 1;
            // the recorder takes this as the luma line size; the chroma planes follow packed
            packed.imageStride = width;
            packed.type = Frame.Type.VIDEO;
        }
        ByteBuffer target = (ByteBuffer) packed.image[0];
        int copied = av_image_copy_to_buffer(
                new BytePointer(target),
                size,
                picture.data(),
                picture.linesize(),
                AV_PIX_FMT_YUV420P,
                width,
                height,
                1);
        if (copied != size)
            throw new IllegalStateException(
                    "packing a " + width + "x" + height + " picture gave " + copied + " bytes, not " + size);
        target.clear();
        recorder.setFrameNumber(Math.toIntExact(frameNumber));
        recorder.record(packed, AV_PIX_FMT_YUV420P);
    }

    static int yuv420pBytes(int width, int height) {
        return width * height + 2 * ((width + 1) / 2) * ((height + 1) / 2);
    }

    private static Field field(String name) throws NoSuchFieldException {
        Field field = FFmpegFrameRecorder.class.getDeclaredField(name);
        field.setAccessible(true);
        return field;
    }

    /** Frees this input's packet; the recorder (and its encoder) stay the caller's to stop and release. */
    @Override
    public void close() {
        if (packet != null) {
            av_packet_free(packet);
            packet = null;
        }
    }
}
