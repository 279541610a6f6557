package org.openbwc.device.media;

import static org.bytedeco.ffmpeg.global.avfilter.av_buffersink_get_frame;
import static org.bytedeco.ffmpeg.global.avfilter.av_buffersrc_add_frame_flags;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_get_by_name;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_graph_alloc;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_graph_config;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_graph_create_filter;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_graph_free;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_graph_parse_ptr;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_graph_send_command;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_inout_alloc;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_inout_free;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EAGAIN;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_unref;
import static org.bytedeco.ffmpeg.global.avutil.av_strdup;

import org.bytedeco.ffmpeg.avfilter.AVFilterContext;
import org.bytedeco.ffmpeg.avfilter.AVFilterGraph;
import org.bytedeco.ffmpeg.avfilter.AVFilterInOut;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.javacpp.BytePointer;

/**
 * An FFmpeg filter graph over single pictures, on reference-counted frames so that nothing is copied on the way
 * unless a filter has to. The capture thread uses two: {@link #conversion} brings what the camera delivers to the
 * configured size and to YUV 4:2:0 (only needed when it does not deliver that already), and {@link #overlay} burns
 * the drawtext overlay into the picture in place. Used by the capture thread only.
 */
final class PictureGraph implements AutoCloseable {
    private AVFilterGraph graph;
    private final AVFilterContext source = new AVFilterContext();
    private final AVFilterContext sink = new AVFilterContext();
    private AVFrame out = av_frame_alloc();

    /** For a camera that delivers {@code first}'s size and format, or null if that is YUV 4:2:0 at the right size. */
    static PictureGraph conversion(AVFrame first, EncoderSettings settings) {
        boolean rightSize = first.width() == settings.width() && first.height() == settings.height();
        if (rightSize && first.format() == AV_PIX_FMT_YUV420P) return null;
        String filters = (rightSize ? "" : "scale=" + settings.width() + ":" + settings.height() + ",")
                + "format=pix_fmts=yuv420p";
        return new PictureGraph(first.width(), first.height(), first.format(), settings.fps(), filters);
    }

    /** Draws {@code drawtext} (from {@link OverlayFilter}) onto YUV 4:2:0 pictures of the configured size. */
    static PictureGraph overlay(EncoderSettings settings, String drawtext) {
        return new PictureGraph(settings.width(), settings.height(), AV_PIX_FMT_YUV420P, settings.fps(), drawtext);
    }

    private PictureGraph(int width, int height, int pixelFormat, int fps, String filters) {
        graph = avfilter_graph_alloc();
        // none of these filters is worth a thread pool of its own next to the encoder's threads
        graph.nb_threads(1);
        AVFilterInOut outputs = avfilter_inout_alloc();
        AVFilterInOut inputs = avfilter_inout_alloc();
        try {
            String input = "video_size=" + width + "x" + height + ":pix_fmt=" + pixelFormat
                    + ":time_base=1/1000000:pixel_aspect=1/1:frame_rate=" + fps + "/1";
            check(
                    avfilter_graph_create_filter(source, avfilter_get_by_name("buffer"), "in", input, null, graph),
                    "buffer source");
            check(
                    avfilter_graph_create_filter(sink, avfilter_get_by_name("buffersink"), "out", null, null, graph),
                    "buffer sink");
            outputs.name(av_strdup(new BytePointer("in")))
                    .filter_ctx(source)
                    .pad_idx(0)
                    .next(null);
            inputs.name(av_strdup(new BytePointer("out")))
                    .filter_ctx(sink)
                    .pad_idx(0)
                    .next(null);
            check(avfilter_graph_parse_ptr(graph, filters, inputs, outputs, null), "filter graph '" + filters + "'");
            check(avfilter_graph_config(graph, null), "filter graph '" + filters + "'");
        } catch (RuntimeException e) {
            close();
            throw e;
        } finally {
            avfilter_inout_free(inputs);
            avfilter_inout_free(outputs);
        }
    }

    /**
     * Takes the caller's reference to {@code picture} (which is left empty) and returns the filtered picture, owned
     * by this graph and valid until the next call, or null if the graph holds it back.
     */
    AVFrame filter(AVFrame picture, long timestampMicros) {
        av_frame_unref(out);
        picture.pts(timestampMicros);
        // Without KEEP_REF the graph takes over the caller's reference instead of adding one, so a picture that only
        // the caller referenced stays writable and drawtext draws into it rather than into a copy.
        check(av_buffersrc_add_frame_flags(source, picture, 0), "filter graph input");
        int result = av_buffersink_get_frame(sink, out);
        if (result == AVERROR_EAGAIN()) return null;
        check(result, "filter graph output");
        return out;
    }

    /**
     * Gives the overlay's drawtext new options ({@link OverlayFilter#reinit}) between two pictures, without
     * rebuilding the graph: the next picture filtered carries the new text. Capture thread only, as {@link #filter}.
     */
    void reinit(String options) {
        check(
                avfilter_graph_send_command(graph, "drawtext", "reinit", options, (BytePointer) null, 0, 0),
                "overlay text change");
    }

    @Override
    public void close() {
        if (out != null) {
            av_frame_free(out);
            out = null;
        }
        if (graph != null) {
            avfilter_graph_free(graph);
            graph = null;
        }
    }

    private static void check(int result, String what) {
        if (result < 0) throw new IllegalStateException(what + " failed: " + FfmpegError.describe(result));
    }
}
