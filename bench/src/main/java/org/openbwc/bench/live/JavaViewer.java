package org.openbwc.bench.live;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/** A viewer in Java: the live WebSocket, with the arrival delay of every fragment. */
final class JavaViewer implements WebSocket.Listener {
    final String name;
    WebSocket ws;
    final java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
    final StringBuilder text = new StringBuilder();
    volatile boolean collecting;
    final List<Double> arrival = Collections.synchronizedList(new ArrayList<>());
    final List<Double> fragDur = Collections.synchronizedList(new ArrayList<>());
    final List<Double> interArrival = Collections.synchronizedList(new ArrayList<>());
    volatile long fragments, bytes;
    long lastMedia = -1, lastArrivalNanos = -1;
    volatile String ended;

    JavaViewer(String name) {
        this.name = name;
    }

    static JavaViewer open(LiveBench b, String name) throws Exception {
        HttpResponse<String> r = b.http.send(
                HttpRequest.newBuilder(URI.create(b.base + "/api/live/" + b.unitId))
                        .header("Authorization", "Bearer " + b.token)
                        .POST(HttpRequest.BodyPublishers.noBody())
                        .timeout(Duration.ofSeconds(30))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200)
            throw new IllegalStateException("POST /api/live: HTTP " + r.statusCode() + " " + r.body());
        String path = LiveBench.field(r.body(), "ws");
        JavaViewer v = new JavaViewer(name);
        v.ws = b.http.newWebSocketBuilder()
                .header("Authorization", "Bearer " + b.token)
                .buildAsync(URI.create("ws://127.0.0.1:" + b.httpPort + path), v)
                .get(30, TimeUnit.SECONDS);
        return v;
    }

    void collect(boolean on) {
        collecting = on;
    }

    void waitFragments(int n, long ms) {
        long deadline = System.currentTimeMillis() + ms;
        while (fragments < n && System.currentTimeMillis() < deadline) LiveBench.sleep(50);
        if (fragments < n)
            throw new IllegalStateException(
                    "Java viewer " + name + " got " + fragments + " fragments in " + ms + " ms");
    }

    void close() {
        try {
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "bench done").get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            ws.abort();
        }
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket w, ByteBuffer data, boolean last) {
        byte[] b = new byte[data.remaining()];
        data.get(b);
        buf.write(b, 0, b.length);
        if (last) {
            long now = System.currentTimeMillis();
            long nanos = System.nanoTime();
            ByteBuffer m = ByteBuffer.wrap(buf.toByteArray());
            buf.reset();
            if (m.remaining() >= 16) {
                long capture = m.getLong(0), media = m.getLong(8);
                if (media >= 0) {
                    fragments++;
                    if (collecting) {
                        arrival.add((double) (now - capture));
                        bytes += m.remaining();
                        if (lastMedia >= 0) fragDur.add((double) (media - lastMedia));
                        if (lastArrivalNanos >= 0) interArrival.add((nanos - lastArrivalNanos) / 1e6);
                    }
                    lastMedia = media;
                    lastArrivalNanos = nanos;
                }
            }
        }
        w.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
        text.append(data);
        if (last) {
            String t = text.toString();
            text.setLength(0);
            if (t.contains("\"type\":\"end\"")) ended = t;
        }
        w.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket w, int code, String reason) {
        if (ended == null && collecting) ended = "closed " + code + " " + reason;
        return null;
    }

    @Override
    public void onError(WebSocket w, Throwable error) {
        if (collecting) ended = "error " + error;
    }
}
