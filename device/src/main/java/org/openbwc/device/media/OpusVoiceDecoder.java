package org.openbwc.device.media;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_OPUS;
import static org.bytedeco.ffmpeg.global.avcodec.av_new_packet;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_alloc_context3;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_decoder;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_free_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_open2;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_frame;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_packet;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EAGAIN;
import static org.bytedeco.ffmpeg.global.avutil.AV_SAMPLE_FMT_FLT;
import static org.bytedeco.ffmpeg.global.avutil.AV_SAMPLE_FMT_FLTP;
import static org.bytedeco.ffmpeg.global.avutil.AV_SAMPLE_FMT_S16;
import static org.bytedeco.ffmpeg.global.avutil.AV_SAMPLE_FMT_S16P;
import static org.bytedeco.ffmpeg.global.avutil.av_channel_layout_default;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;

import java.nio.ByteOrder;
import java.util.Arrays;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.javacpp.BytePointer;

/**
 * Decodes the control room's voice: raw Opus packets (as a browser's WebCodecs encoder makes them, no container) into
 * 48 kHz mono signed 16-bit PCM, with FFmpeg's own Opus decoder. One per call; one thread at a time.
 */
public final class OpusVoiceDecoder implements AutoCloseable {
    /** Opus always decodes at 48 kHz, whatever rate the sender captured at. */
    public static final int SAMPLE_RATE = 48_000;

    private AVCodecContext ctx;
    private final AVPacket packet;
    private final AVFrame frame;

    public OpusVoiceDecoder() {
        FfmpegNatives.requireLoaded();
        AVCodec codec = avcodec_find_decoder(AV_CODEC_ID_OPUS);
        if (codec == null || codec.isNull())
            throw new IllegalStateException("this FFmpeg build has no Opus decoder; the room's voice cannot be played");
        ctx = avcodec_alloc_context3(codec);
        ctx.sample_rate(SAMPLE_RATE);
        av_channel_layout_default(ctx.ch_layout(), 1);
        int err = avcodec_open2(ctx, codec, (AVDictionary) null);
        if (err < 0) {
            avcodec_free_context(ctx);
            throw new IllegalStateException("the Opus decoder did not open (error " + err + ")");
        }
        packet = av_packet_alloc();
        frame = av_frame_alloc();
    }

    /**
     * Decodes one packet.
     *
     * @return its PCM (mono, {@link #SAMPLE_RATE}); empty when the decoder holds it back
     * @throws IllegalArgumentException when the packet is not Opus the decoder can read
     */
    public short[] decode(byte[] opusPacket) {
        if (ctx == null) throw new IllegalStateException("decoder closed");
        if (opusPacket.length == 0) return new short[0];
        if (av_new_packet(packet, opusPacket.length) < 0) throw new IllegalStateException("out of memory");
        try {
            packet.data().put(opusPacket);
            int err = avcodec_send_packet(ctx, packet);
            if (err < 0)
                throw new IllegalArgumentException("not an Opus packet the decoder can read (error " + err + ")");
        } finally {
            av_packet_unref(packet);
        }
        short[] out = new short[0];
        while (true) {
            int err = avcodec_receive_frame(ctx, frame);
            if (err == AVERROR_EAGAIN() || err < 0) break;
            short[] pcm = toMono16(frame);
            short[] joined = Arrays.copyOf(out, out.length + pcm.length);
            System.arraycopy(pcm, 0, joined, out.length, pcm.length);
            out = joined;
        }
        return out;
    }

    /** The first channel as 16-bit samples, whatever sample format the decoder chose. */
    private static short[] toMono16(AVFrame f) {
        int n = f.nb_samples();
        int channels = Math.max(1, f.ch_layout().nb_channels());
        short[] pcm = new short[n];
        BytePointer data = f.data(0);
        switch (f.format()) {
            case AV_SAMPLE_FMT_FLTP, AV_SAMPLE_FMT_FLT -> {
                int stride = f.format() == AV_SAMPLE_FMT_FLT ? channels : 1;
                float[] floats = new float[n * stride];
                data.capacity((long) floats.length * 4);
                data.asByteBuffer()
                        .order(ByteOrder.nativeOrder())
                        .asFloatBuffer()
                        .get(floats);
                for (int i = 0; i < n; i++) {
                    float v = Math.max(-1f, Math.min(1f, floats[i * stride]));
                    pcm[i] = (short) Math.round(v * 32767f);
                }
            }
            case AV_SAMPLE_FMT_S16, AV_SAMPLE_FMT_S16P -> {
                int stride = f.format() == AV_SAMPLE_FMT_S16 ? channels : 1;
                short[] s = new short[n * stride];
                data.capacity((long) s.length * 2);
                data.asByteBuffer()
                        .order(ByteOrder.nativeOrder())
                        .asShortBuffer()
                        .get(s);
                for (int i = 0; i < n; i++) pcm[i] = s[i * stride];
            }
            default -> throw new IllegalStateException("Opus decoder gave sample format " + f.format());
        }
        return pcm;
    }

    @Override
    public void close() {
        if (ctx == null) return;
        avcodec_free_context(ctx);
        ctx = null;
        av_packet_free(packet);
        av_frame_free(frame);
    }
}
