package org.openbwc.device.live;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import org.openbwc.device.evidence.PreEventSnapshot;
import org.openbwc.device.media.FfmpegCli;
import org.openbwc.device.media.Fragment;
import org.openbwc.device.media.FragmentSink;
import org.openbwc.device.media.InitSegment;
import org.tinylog.Logger;

/**
 * Pushes the unit's live fragment stream to an external media server (RTMP, SRT or RTSP, e.g. MediaMTX or
 * nginx-rtmp) for fleets too large for the gateway's own relay. The fMP4 fragments are remuxed, not re-encoded, by
 * the ffmpeg program that ships in the same FFmpeg natives ({@code -c copy}), so the encoder still runs once. Like the
 * WebSocket uplink it starts at the newest GOP and drops whole GOPs when the network cannot keep up
 * ({@link GopDropQueue}).
 */
public final class MediaServerPush implements FragmentSink, AutoCloseable {

    static final long MAX_QUEUED_BYTES = LiveUplink.MAX_QUEUED_BYTES;

    private final String unitId;
    private final Supplier<PreEventSnapshot> recent;
    private final LiveUplink.Listener listener;
    private final GopDropQueue<byte[]> queue = new GopDropQueue<>(MAX_QUEUED_BYTES, bytes -> bytes.length);
    private Process process;
    private long generation;
    private InitSegment init;

    public MediaServerPush(String unitId, Supplier<PreEventSnapshot> recent, LiveUplink.Listener listener) {
        this.unitId = unitId;
        this.recent = recent;
        this.listener = listener;
    }

    /** Whether the URL is one this class pushes to (the WebSocket uplink takes ws:// and wss://). */
    public static boolean handles(URI url) {
        return url.getScheme() != null
                && List.of("rtmp", "rtmps", "srt", "rtsp")
                        .contains(url.getScheme().toLowerCase(Locale.ROOT));
    }

    public synchronized boolean streaming() {
        return process != null && process.isAlive();
    }

    /**
     * Starts pushing to {@code url}, replacing a push in progress.
     *
     * @throws IllegalArgumentException for a scheme it does not push to
     * @throws IllegalStateException when ffmpeg cannot be started
     */
    public void start(URI url) {
        if (!handles(url))
            throw new IllegalArgumentException(
                    "media server URL must be rtmp://, rtmps://, srt:// or rtsp://, not " + url);
        String scheme = url.getScheme().toLowerCase(Locale.ROOT);
        String format = switch (scheme) {
            case "rtmp", "rtmps" -> "flv";
            case "srt" -> "mpegts";
            default -> "rtsp";
        };
        Process p;
        try {
            p = FfmpegCli.locate()
                    .command(
                            "-hide_banner",
                            "-loglevel",
                            "error",
                            "-f",
                            "mp4",
                            "-i",
                            "pipe:0",
                            "-c",
                            "copy",
                            "-f",
                            format,
                            url.toString())
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start ffmpeg to push to " + url + ": " + e.getMessage(), e);
        }
        long gen;
        InitSegment first;
        List<Fragment> gop;
        synchronized (this) {
            stopProcess();
            gen = ++generation;
            process = p;
            queue.restart();
            PreEventSnapshot snap = recent.get();
            first = snap != null && snap.init() != null ? snap.init() : init;
            try (PreEventSnapshot closing = snap) {
                gop = snap == null ? List.of() : snap.lastGop();
                if (first != null) {
                    queue.add(first.bytes());
                    for (Fragment f : gop) queue.add(f, f.bytes());
                }
                queue.awaitKeyframe(first == null || gop.isEmpty());
            } catch (UncheckedIOException e) {
                Logger.warn(
                        "unit {}: the newest pre-event GOP could not be read ({}); the push starts at the next keyframe",
                        unitId,
                        e.getMessage());
                queue.awaitKeyframe(true);
            }
            notifyAll();
        }
        Thread.ofPlatform().daemon().name("live-push-" + unitId).start(() -> write(gen, p));
        Thread.ofPlatform().daemon().name("live-push-log-" + unitId).start(() -> watch(gen, p, url));
        Logger.info("unit {}: pushing live video to the media server {}", unitId, redact(url));
        listener.started(first, Instant.now());
    }

    public void stop(String reason) {
        boolean was;
        synchronized (this) {
            was = process != null;
            generation++;
            stopProcess();
            notifyAll();
        }
        if (was) {
            Logger.info("unit {}: media server push stopped ({})", unitId, reason);
            listener.stopped(reason);
        }
    }

    @Override
    public void close() {
        stop("unit shutting down");
    }

    @Override
    public synchronized void onInit(InitSegment segment) {
        init = segment;
        if (process == null) return;
        // ffmpeg cannot take a second init mid-stream; a restarted encoder ends this push (the gateway may restart it).
        generation++;
        stopProcess();
        notifyAll();
        Thread.ofVirtual().start(() -> listener.stopped("the camera's encoder restarted"));
    }

    @Override
    public synchronized void onFragment(Fragment f) {
        if (process == null || queue.admit(f) != GopDropQueue.Admission.SEND) return;
        queue.add(f, f.bytes());
        notifyAll();
    }

    private void write(long gen, Process p) {
        try (OutputStream out = p.getOutputStream()) {
            while (true) {
                byte[] next;
                synchronized (this) {
                    while (gen == generation && queue.isEmpty()) wait();
                    if (gen != generation) return;
                    next = queue.remove();
                }
                out.write(next);
                out.flush();
            }
        } catch (IOException | InterruptedException e) {
            Logger.debug("unit {}: media server push writer ended: {}", unitId, e.toString());
        }
    }

    private void watch(long gen, Process p, URI url) {
        String errors;
        try {
            errors = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            p.waitFor();
        } catch (IOException | InterruptedException e) {
            errors = e.toString();
        }
        boolean current;
        synchronized (this) {
            current = gen == generation;
            if (current) {
                generation++;
                process = null;
                queue.clear();
                notifyAll();
            }
        }
        if (current) {
            String why = "ffmpeg pushing to " + redact(url) + " exited with " + p.exitValue()
                    + (errors.isEmpty() ? "" : ": " + (errors.length() > 300 ? errors.substring(0, 300) : errors));
            Logger.warn("unit {}: {}", unitId, why);
            listener.stopped(why);
        }
    }

    private void stopProcess() {
        Process p = process;
        process = null;
        queue.clear();
        if (p != null) p.destroy();
    }

    /** The URL without a query, which often carries a stream key. */
    static String redact(URI url) {
        return url.getScheme() + "://" + url.getRawAuthority() + (url.getRawPath() == null ? "" : url.getRawPath())
                + (url.getRawQuery() == null ? "" : "?…");
    }
}
