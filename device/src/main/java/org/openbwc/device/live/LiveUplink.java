package org.openbwc.device.live;

import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.openbwc.device.evidence.PreEventSnapshot;
import org.openbwc.device.media.Fragment;
import org.openbwc.device.media.FragmentSink;
import org.openbwc.device.media.InitSegment;
import org.openbwc.protocol.LiveFrame;
import org.tinylog.Logger;

/**
 * The unit's live uplink: while someone watches, pushes the encoder's init segment and every fragment (the same
 * stream the evidence writer gets, no second encoder) to the gateway over a WebSocket the unit opens itself, so it
 * works from behind NAT on LTE. It starts with the newest GOP the pre-event buffer holds, so the first picture is on
 * the viewer's screen at once instead of after the next keyframe. When the network cannot keep up it drops whole
 * GOPs (waiting fragments are discarded and sending resumes at the next keyframe; see {@link GopDropQueue}) rather
 * than falling behind.
 *
 * <p>Fragment callbacks come from the encoder thread and never block it; sending is asynchronous, one message at a
 * time as {@link WebSocket} requires.
 */
public final class LiveUplink implements FragmentSink, AutoCloseable {

    /** Told when the stream starts or ends, e.g. to update the status and the "being watched" indicator. */
    public interface Listener {
        void started(InitSegment init, Instant since);

        /** The gateway reported a new number of viewers. */
        void viewersChanged(int viewers);

        void stopped(String reason);
    }

    /** About 3 s of 2.5 Mb/s video: more than that waiting means the link is too slow for live. */
    static final long MAX_QUEUED_BYTES = 1_000_000;

    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final Pattern VIEWERS = Pattern.compile("\"viewers\"\\s*:\\s*(\\d{1,6})");

    private final String unitId;
    private final Function<URI, HttpClient> http;
    private final Supplier<PreEventSnapshot> recent;
    private final Listener listener;
    /** Each message is sent whole and then removed; its capacity is its size whatever the socket has read of it. */
    /** Larger binary messages from the gateway are dropped unread; the room's voice comes in frames of ~100 bytes. */
    static final int MAX_DOWNLINK_BYTES = 64 * 1024;

    private volatile Consumer<ByteBuffer> downlink = message -> {};
    private final GopDropQueue<ByteBuffer> queue = new GopDropQueue<>(MAX_QUEUED_BYTES, ByteBuffer::capacity);

    private InitSegment init;
    private WebSocket socket;
    private long generation;
    private boolean sending;
    private long sentFragments;
    private int viewers;

    /**
     * @param http the client for a URL, asked for when a stream starts: building one loads TLS and the trust store
     *             and starts a selector thread, memory a unit that nobody watches should not spend (see
     *             {@link UplinkClients}, which presents the unit's certificate over wss://); may throw
     *             IllegalStateException saying why it cannot connect
     */
    public LiveUplink(
            String unitId, Function<URI, HttpClient> http, Supplier<PreEventSnapshot> recent, Listener listener) {
        this.unitId = unitId;
        this.http = http;
        this.recent = recent;
        this.listener = listener;
    }

    /** Where binary messages from the gateway go (the room's voice during a call); called on the socket's thread. */
    public void downlink(Consumer<ByteBuffer> receiver) {
        this.downlink = receiver;
    }

    /** Whether a stream is open to the gateway. */
    public synchronized boolean streaming() {
        return socket != null;
    }

    public synchronized long sentFragments() {
        return sentFragments;
    }

    /** Viewers as the gateway last reported them; 0 when not streaming. */
    public synchronized int viewers() {
        return socket == null ? 0 : viewers;
    }

    public synchronized long skippedFragments() {
        return queue.skippedFragments();
    }

    /**
     * Connects to {@code url} (replacing any stream in progress) and starts sending.
     *
     * @return completes when the stream is open; fails with the reason it could not be
     */
    public CompletionStage<Void> start(URI url) {
        String scheme = url.getScheme();
        if (!"ws".equals(scheme) && !"wss".equals(scheme)) {
            throw new IllegalArgumentException("live uplink URL must be ws:// or wss://, not " + url);
        }
        // Before anything is closed: a unit that cannot present its certificate keeps its current stream.
        HttpClient client = http.apply(url);
        long gen;
        InitSegment known;
        synchronized (this) {
            closeSocket("replaced by a new live.start");
            gen = ++generation;
            known = init;
        }
        // The relay tells browsers the codecs before the first byte arrives, so the player can set itself up at once.
        URI target = known == null
                ? url
                : URI.create(url + (url.getRawQuery() == null ? "?" : "&") + "codecs="
                        + URLEncoder.encode(known.codecs(), StandardCharsets.UTF_8));
        return client.newWebSocketBuilder()
                .connectTimeout(CONNECT_TIMEOUT)
                .buildAsync(target, new Reader(gen))
                .thenAccept(ws -> opened(gen, ws));
    }

    /** Ends the stream (live.stop, policy, shutdown). */
    public void stop(String reason) {
        boolean was;
        synchronized (this) {
            was = socket != null;
            generation++;
            closeSocket(reason);
        }
        if (was) listener.stopped(reason);
    }

    @Override
    public void close() {
        stop("unit shutting down");
    }

    @Override
    public synchronized void onInit(InitSegment segment) {
        init = segment;
        if (socket == null) return;
        // A restarted encoder: the viewer must reset its decoder, then wait for a keyframe.
        queue.restart();
        enqueue(LiveFrame.init(segment.bytes()).encode());
        queue.awaitKeyframe(true);
    }

    @Override
    public synchronized void onFragment(Fragment f) {
        if (socket == null) return;
        switch (queue.admit(f)) {
            case SEND -> send(f);
            case DROP_GOP -> Logger.debug("unit {}: live uplink behind, skipping to the next keyframe", unitId);
            case REPEAT, AWAIT_KEYFRAME -> {}
        }
    }

    private synchronized void opened(long gen, WebSocket ws) {
        if (gen != generation) {
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "superseded");
            return;
        }
        socket = ws;
        viewers = 0;
        queue.restart();
        sending = false;
        PreEventSnapshot snap = recent.get();
        InitSegment first = snap != null && snap.init() != null ? snap.init() : init;
        try (PreEventSnapshot closing = snap) {
            if (first == null) {
                // No picture yet: the first keyframe after the init segment starts the stream.
                queue.awaitKeyframe(true);
            } else {
                enqueue(LiveFrame.init(first.bytes()).encode());
                List<Fragment> gop = snap == null ? List.of() : snap.lastGop();
                for (Fragment f : gop) send(f);
                queue.awaitKeyframe(gop.isEmpty());
            }
        } catch (UncheckedIOException e) {
            Logger.warn(
                    "unit {}: the newest pre-event GOP could not be read ({}); live starts at the next keyframe",
                    unitId,
                    e.getMessage());
            queue.awaitKeyframe(true);
        }
        Logger.info("unit {}: live stream started", unitId);
        InitSegment announced = first;
        Instant since = Instant.now();
        // Outside the lock would be nicer, but the listener only queues work for the controller thread.
        listener.started(announced, since);
    }

    private void send(Fragment f) {
        long capture = f.wallClock().toEpochMilli() - f.durationMicros() / 1000;
        queue.add(
                f,
                new LiveFrame(
                                LiveFrame.Kind.FRAGMENT,
                                f.keyframeStart(),
                                f.sequence(),
                                capture,
                                f.mediaStartMicros() / 1000,
                                f.bytes())
                        .encode());
        sentFragments++;
        pump();
    }

    private void enqueue(ByteBuffer message) {
        queue.add(message);
        pump();
    }

    private void pump() {
        if (sending || socket == null || queue.isEmpty()) return;
        ByteBuffer next = queue.peek();
        sending = true;
        WebSocket ws = socket;
        long gen = generation;
        ws.sendBinary(next, true).whenComplete((w, error) -> sent(gen, next, error));
    }

    private synchronized void sent(long gen, ByteBuffer message, Throwable error) {
        if (gen != generation) return;
        sending = false;
        if (error != null) {
            Logger.info("unit {}: live stream lost: {}", unitId, error.toString());
            generation++;
            closeSocket("send failed");
            listener.stopped("connection to the gateway lost: " + error.getMessage());
            return;
        }
        queue.removeIfFirst(message);
        pump();
    }

    private void closeSocket(String reason) {
        WebSocket ws = detach();
        if (ws != null) {
            Logger.info("unit {}: live stream stopped ({})", unitId, reason);
            try {
                ws.sendClose(WebSocket.NORMAL_CLOSURE, reason.length() > 100 ? reason.substring(0, 100) : reason);
            } catch (RuntimeException e) {
                ws.abort();
            }
        }
    }

    /** Forgets the socket and what waits to be sent on it; returns the socket, for the caller to close if it is open. */
    private WebSocket detach() {
        WebSocket ws = socket;
        socket = null;
        queue.clear();
        sending = false;
        return ws;
    }

    /** Reads what the gateway says: only a close (the last viewer left or access ended) matters. */
    private final class Reader implements WebSocket.Listener {
        private final long gen;

        private final StringBuilder text = new StringBuilder();
        private ByteBuffer binary;
        private boolean oversized;

        Reader(long gen) {
            this.gen = gen;
        }

        /** The gateway's only text message: {@code {"viewers": N}}. */
        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            text.append(data);
            ws.request(1);
            if (!last) return null;
            Matcher m = VIEWERS.matcher(text.toString());
            text.setLength(0);
            if (!m.find()) return null;
            int n = Integer.parseInt(m.group(1));
            boolean changed;
            synchronized (LiveUplink.this) {
                changed = gen == generation && viewers != n;
                if (changed) viewers = n;
            }
            if (changed) listener.viewersChanged(n);
            return null;
        }

        /** The room's voice during a call ({@link org.openbwc.protocol.TalkFrame}); whoever listens judges it. */
        @Override
        public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
            ws.request(1);
            if (!oversized) {
                int size = (binary == null ? 0 : binary.position()) + data.remaining();
                if (size > MAX_DOWNLINK_BYTES) {
                    oversized = true;
                    binary = null;
                } else {
                    if (binary == null) binary = ByteBuffer.allocate(Math.max(1024, data.remaining()));
                    if (binary.remaining() < data.remaining()) {
                        ByteBuffer bigger = ByteBuffer.allocate(Math.max(binary.capacity() * 2, size));
                        bigger.put(binary.flip());
                        binary = bigger;
                    }
                    binary.put(data);
                }
            }
            if (!last) return null;
            ByteBuffer whole = binary;
            boolean dropped = oversized;
            binary = null;
            oversized = false;
            boolean current;
            synchronized (LiveUplink.this) {
                current = gen == generation;
            }
            if (dropped) {
                Logger.debug("unit {}: dropped a downlink message over {} bytes", unitId, MAX_DOWNLINK_BYTES);
            } else if (current && whole != null) {
                try {
                    downlink.accept(whole.flip());
                } catch (RuntimeException e) {
                    Logger.warn(e, "unit {}: a downlink message could not be handled", unitId);
                }
            }
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            boolean current;
            synchronized (LiveUplink.this) {
                current = gen == generation && socket == ws;
                if (current) {
                    generation++;
                    detach();
                }
            }
            if (current) {
                Logger.info("unit {}: gateway closed the live stream ({} {})", unitId, statusCode, reason);
                listener.stopped(reason == null || reason.isBlank() ? "closed by the gateway" : reason);
            }
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            boolean current;
            synchronized (LiveUplink.this) {
                current = gen == generation && socket == ws;
                if (current) {
                    generation++;
                    detach();
                }
            }
            if (current) {
                Logger.info("unit {}: live connection failed: {}", unitId, error.toString());
                listener.stopped("live connection failed: " + error.getMessage());
            }
        }
    }
}
