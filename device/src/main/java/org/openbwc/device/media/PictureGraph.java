package org.openbwc.device.media;

import static org.bytedeco.ffmpeg.global.avfilter.av_buffersink_get_frame;
import static org.bytedeco.ffmpeg.global.avfilter.av_buffersrc_add_frame_flags;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_get_by_name;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_graph_alloc;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_graph_config;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_graph_create_filter;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_graph_free;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_graph_parse_ptr;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_inout_alloc;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_inout_free;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EAGAIN;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_unref;
import static org.bytedeco.ffmpeg.global.avutil.av_strdup;
import static org.bytedeco.ffmpeg.global.avutil.av_strerror;

import org.bytedeco.ffmpeg.avfilter.AVFilterContext;
import org.bytedeco.ffmpeg.avfilter.AVFilterGraph;
import org.bytedeco.ffmpeg.avfilter.AVFilterInOut;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.javacpp.BytePointer;

/**
 * The filter graph between the camera and the encoder: it brings the decoded picture to the configured size and to
 * YUV 4:2:0, and burns in the overlay. It works on FFmpeg's reference-counted frames, so a picture that needs none
 * of this passes through without being copied, and drawtext draws into the camera's picture in place.
 * Used by the capture thread only.
 */
final class PictureGraph implements AutoCloseable {
    private AVFilterGraph graph;
    private final AVFilterContext source = new AVFilterContext();
    private final AVFilterContext sink = new AVFilterContext();
    private AVFrame out = av_frame_alloc();

    /**
     * @param first   the first decoded picture: the graph is set up for its size and pixel format
     * @param overlay a drawtext description from {@link OverlayFilter}, or null for none
     */
    PictureGraph(AVFrame first, EncoderSettings settings, String overlay) {
        String filters = describe(first.width(), first.height(), settings, overlay);
        graph = avfilter_graph_alloc();
        // none of these filters is worth a thread pool of its own next to the encoder's threads
        graph.nb_threads(1);
        AVFilterInOut outputs = avfilter_inout_alloc();
        AVFilterInOut inputs = avfilter_inout_alloc();
        try {
            String input = "video_size=" + first.width() + "x" + first.height() + ":pix_fmt=" + first.format()
                    + ":time_base=1/1000000:pixel_aspect=1/1:frame_rate=" + settings.fps() + "/1";
            check(avfilter_graph_create_filter(source, avfilter_get_by_name("buffer"), "in", input, null, graph), "buffer source");
            check(avfilter_graph_create_filter(sink, avfilter_get_by_name("buffersink"), "out", null, null, graph), "buffer sink");
            outputs.name(av_strdup(new BytePointer("in"))).filter_ctx(source).pad_idx(0).next(null);
            inputs.name(av_strdup(new BytePointer("out"))).filter_ctx(sink).pad_idx(0).next(null);
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

    /** Scale only if the camera delivers another size; the format filter costs nothing when it already is 4:2:0. */
    static String describe(int width, int height, EncoderSettings settings, String overlay) {
        StringBuilder filters = new StringBuilder();
        if (width != settings.width() || height != settings.height()) {
            filters.append("scale=").append(settings.width()).append(':').append(settings.height()).append(',');
        }
        filters.append("format=pix_fmts=yuv420p");
        if (overlay != null) filters.append(',').append(overlay);
        return filters.toString();
    }

    /**
     * Takes the caller's reference to {@code picture} (which is left empty) and returns the filtered picture, owned
     * by this graph and valid until the next call, or null if the graph holds it back.
     */
    AVFrame filter(AVFrame picture, long timestampMicros) {
        av_frame_unref(out);
        picture.pts(timestampMicros);
        // Without KEEP_REF the graph takes over the grabber's reference instead of adding one, so the picture stays
        // writable and drawtext does not have to copy it before drawing.
        check(av_buffersrc_add_frame_flags(source, picture, 0), "filter graph input");
        int result = av_buffersink_get_frame(sink, out);
        if (result == AVERROR_EAGAIN()) return null;
        check(result, "filter graph output");
        return out;
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
        if (result >= 0) return;
        byte[] text = new byte[256];
        av_strerror(result, text, text.length);
        int end = 0;
        while (end < text.length && text[end] != 0) end++;
        throw new IllegalStateException(what + " failed: " + new String(text, 0, end, java.nio.charset.StandardCharsets.UTF_8)
                + " (" + result + ")");
    }
}
