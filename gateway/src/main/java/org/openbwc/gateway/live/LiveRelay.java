package org.openbwc.gateway.live;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.openbwc.protocol.LiveFrame;

/**
 * Fans one unit's live fragment stream out to every viewer without re-encoding. A viewer who joins gets the init
 * segment and the fragments since the latest keyframe, so its picture starts at once. A viewer who cannot keep up
 * loses whole GOPs (its queue is emptied and it resumes at the next keyframe) instead of slowing the others or
 * growing memory: each viewer's queue is bounded in bytes.
 */
public final class LiveRelay {

    /** Where a viewer's messages go; {@link Viewer} calls it from its own sending thread, so it may block. */
    public interface Sink {
        void send(ByteBuffer message) throws Exception;

        void sendText(String message) throws Exception;
    }

    /** Largest GOP kept for late joiners; a longer one (a stuck keyframe) is not cached further. */
    static final int MAX_GOP_FRAGMENTS = 60;

    private final String unitId;
    private final long maxQueuedBytes;
    private final Set<Viewer> viewers = ConcurrentHashMap.newKeySet();
    private byte[] init;
    private String mime;
    private final List<LiveFrame> gop = new ArrayList<>();
    private final HlsWindow hls = new HlsWindow();
    private long fragments;
    private long lastCaptureMillis;

    public LiveRelay(String unitId, long maxQueuedBytes) {
        this.unitId = unitId;
        this.maxQueuedBytes = maxQueuedBytes;
    }

    public String unitId() {
        return unitId;
    }

    /** The same stream as HLS, for players without Media Source Extensions. */
    public HlsWindow hls() {
        return hls;
    }

    public int viewers() {
        return viewers.size();
    }

    public synchronized long fragments() {
        return fragments;
    }

    /** Capture time of the newest fragment, for the uplink's own delay figure. */
    public synchronized long lastCaptureMillis() {
        return lastCaptureMillis;
    }

    /** The {@code start} message a viewer gets first, once the stream's codecs are known. */
    public synchronized String mime() {
        return mime;
    }

    /** The codecs string of the stream (from the unit's stream handle), e.g. {@code avc1.42c01f,mp4a.40.2}. */
    public synchronized void codecs(String codecs) {
        this.mime = "video/mp4; codecs=\"" + (codecs == null || codecs.isBlank() ? "avc1.42e01f" : codecs) + "\"";
    }

    /** A message from the unit: stored for late joiners and queued for every viewer. */
    public void publish(LiveFrame frame) {
        ByteBuffer message = viewerMessage(frame);
        hls.add(frame);
        synchronized (this) {
            if (frame.kind() == LiveFrame.Kind.INIT) {
                init = frame.payload();
                gop.clear();
            } else {
                fragments++;
                lastCaptureMillis = frame.captureEpochMillis();
                if (frame.keyframe()) gop.clear();
                if (gop.size() < MAX_GOP_FRAGMENTS && (frame.keyframe() || !gop.isEmpty())) gop.add(frame);
            }
            // Under the lock, so a viewer joining right now gets each frame exactly once: in its catch-up or here.
            for (Viewer v : viewers) v.offer(frame.kind() == LiveFrame.Kind.INIT, frame.keyframe(), message);
        }
    }

    /** Adds a viewer and hands it the init segment and the current GOP. */
    public Viewer join(Sink sink, String startMessage) {
        Viewer v = new Viewer(sink, maxQueuedBytes);
        v.offerText(startMessage);
        synchronized (this) {
            if (init != null) {
                v.offer(true, true, viewerMessage(LiveFrame.init(init)));
                for (LiveFrame f : gop) v.offer(false, f.keyframe(), viewerMessage(f));
            }
            viewers.add(v);
        }
        return v;
    }

    public void leave(Viewer v) {
        viewers.remove(v);
        v.close();
    }

    /** Sends a control message to every viewer, e.g. the viewer count. */
    public void tellAll(String text) {
        for (Viewer v : viewers) v.offerText(text);
    }

    /** Ends every viewer's stream (the unit stopped or went offline), after telling them why. */
    public void closeAll(String endMessage) {
        for (Viewer v : viewers) {
            v.offerText(endMessage);
            v.closeAfterQueue();
        }
        viewers.clear();
    }

    /** What a browser gets: capture ms and media ms (16 bytes, big-endian), then the MP4 bytes. */
    static ByteBuffer viewerMessage(LiveFrame f) {
        ByteBuffer b = ByteBuffer.allocate(16 + f.payload().length);
        b.putLong(f.kind() == LiveFrame.Kind.INIT ? 0 : f.captureEpochMillis());
        b.putLong(f.kind() == LiveFrame.Kind.INIT ? -1 : f.mediaStartMillis());
        b.put(f.payload());
        return b.flip();
    }

    /**
     * One viewer: a bounded queue drained by its own virtual thread. Overflow empties the queue and waits for the
     * next keyframe (or init segment).
     */
    public static final class Viewer {
        private final Sink sink;
        private final long maxQueuedBytes;
        // ByteBuffer (video, counted against the byte bound) or String (control text, never dropped).
        private final ArrayDeque<Object> queue = new ArrayDeque<>();
        private long queuedBytes;
        private boolean needKeyframe;
        private boolean closed;
        private boolean draining;
        private long sent;
        private long skipped;

        private volatile Runnable onDrained = () -> {};

        /** What to do once a closing viewer has sent its last message (close the WebSocket). */
        public void onDrained(Runnable r) {
            this.onDrained = r;
        }

        Viewer(Sink sink, long maxQueuedBytes) {
            this.sink = sink;
            this.maxQueuedBytes = maxQueuedBytes;
            Thread.ofVirtual().name("live-viewer").start(this::drain);
        }

        synchronized void offer(boolean isInit, boolean keyframe, ByteBuffer message) {
            if (closed) return;
            if (isInit) {
                // A new init invalidates the video queued: the decoder restarts with it.
                queue.removeIf(ByteBuffer.class::isInstance);
                queuedBytes = 0;
                needKeyframe = true;
            } else if (needKeyframe && !keyframe) {
                skipped++;
                return;
            } else if (queuedBytes + message.remaining() > maxQueuedBytes) {
                skipped += queue.stream().filter(ByteBuffer.class::isInstance).count() + 1;
                queue.removeIf(ByteBuffer.class::isInstance);
                queuedBytes = 0;
                needKeyframe = true;
                return;
            } else {
                needKeyframe = false;
            }
            queue.addLast(message.duplicate());
            queuedBytes += message.remaining();
            notifyAll();
        }

        /** Queues a control message (start, stats, end) in order with the video. */
        public synchronized void offerText(String text) {
            if (closed) return;
            queue.addLast(text);
            notifyAll();
        }

        public synchronized long sent() {
            return sent;
        }

        public synchronized long skipped() {
            return skipped;
        }

        public synchronized long queuedBytes() {
            return queuedBytes;
        }

        public synchronized boolean closed() {
            return closed;
        }

        synchronized void close() {
            closed = true;
            queue.clear();
            queuedBytes = 0;
            notifyAll();
        }

        /** Sends what is queued (e.g. an end message), then stops; the caller closes the connection. */
        synchronized void closeAfterQueue() {
            draining = true;
            notifyAll();
        }

        private void drain() {
            while (true) {
                Object next;
                synchronized (this) {
                    while (!closed && queue.isEmpty() && !draining) {
                        try {
                            wait();
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                    if (closed) return;
                    if (queue.isEmpty()) {
                        closed = true;
                        onDrained.run();
                        return;
                    }
                    next = queue.removeFirst();
                    if (next instanceof ByteBuffer b) queuedBytes -= b.remaining();
                }
                try {
                    if (next instanceof ByteBuffer b) {
                        sink.send(b);
                        synchronized (this) {
                            sent++;
                        }
                    } else {
                        sink.sendText((String) next);
                    }
                } catch (Exception e) {
                    close();
                    return;
                }
            }
        }
    }
}
