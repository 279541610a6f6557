package org.openbwc.bench.soak;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Now and then a live view, as an operator opens one: signed in as the demo's admin, {@code POST /api/live/{unit}}, the
 * live WebSocket for a while, then closed. The units take turns. Counts the views and the fragments they received.
 */
final class LiveViews {
    private final SoakBench bench;
    private final Demo demo;
    private final long t0;
    private Thread thread;
    private String token;
    private int opened, failed;
    private long fragments;
    private final List<String> problems = Collections.synchronizedList(new ArrayList<>());

    LiveViews(SoakBench bench, Demo demo, long t0) {
        this.bench = bench;
        this.demo = demo;
        this.t0 = t0;
    }

    void start() {
        thread = Thread.ofPlatform().daemon().name("soak-live").start(this::loop);
    }

    void stop() {
        if (thread == null) return;
        thread.interrupt();
        try {
            thread.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void loop() {
        List<String> ids = demo.unitIds();
        try {
            for (int n = 1; ; n++) {
                SoakBench.sleepUntil(t0 + n * bench.liveEverySeconds * 1_000_000_000L);
                String id = ids.get((n - 1) % ids.size());
                try {
                    long got = view(id);
                    synchronized (this) {
                        opened++;
                        fragments += got;
                    }
                    if (got == 0) problem("live view of %s at %s: no fragment in %d s", id, now(), bench.liveSeconds);
                } catch (InterruptedException e) {
                    return;
                } catch (Exception e) {
                    if (Thread.currentThread().isInterrupted()) return;
                    synchronized (this) {
                        failed++;
                    }
                    problem("live view of %s at %s: %s", id, now(), e);
                }
            }
        } catch (IllegalStateException interrupted) {
            // stop()
        }
    }

    /** One view of {@code liveSeconds}; the fragments it received. */
    private long view(String id) throws Exception {
        if (token == null) token = login();
        HttpResponse<String> r = demo.http.send(
                HttpRequest.newBuilder(URI.create(demo.base() + "/api/live/" + id))
                        .header("Authorization", "Bearer " + token)
                        .POST(HttpRequest.BodyPublishers.noBody())
                        .timeout(Duration.ofSeconds(30))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 401) {
            token = null;
            throw new IllegalStateException("POST /api/live: HTTP 401 (signs in again next time)");
        }
        if (r.statusCode() != 200)
            throw new IllegalStateException("POST /api/live: HTTP " + r.statusCode() + " " + r.body());
        AtomicLong got = new AtomicLong();
        WebSocket ws = demo.http
                .newWebSocketBuilder()
                .header("Authorization", "Bearer " + token)
                .buildAsync(URI.create("ws://127.0.0.1:" + demo.httpPort + field(r.body(), "ws")), new Counter(got))
                .get(30, TimeUnit.SECONDS);
        try {
            Thread.sleep(bench.liveSeconds * 1000L);
        } finally {
            try {
                ws.sendClose(WebSocket.NORMAL_CLOSURE, "soak view over").get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                ws.abort();
            }
        }
        return got.get();
    }

    private String login() throws Exception {
        HttpResponse<String> r = demo.http.send(
                HttpRequest.newBuilder(URI.create(demo.base() + "/api/login"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(
                                "{\"username\":\"admin\",\"password\":\"" + demo.adminPassword + "\"}"))
                        .timeout(Duration.ofSeconds(30))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) throw new IllegalStateException("login: HTTP " + r.statusCode() + " " + r.body());
        return field(r.body(), "token");
    }

    /** Counts the binary messages (fMP4 fragments) of one view. */
    private record Counter(AtomicLong got) implements WebSocket.Listener {
        @Override
        public CompletionStage<?> onBinary(WebSocket w, ByteBuffer data, boolean last) {
            if (last) got.incrementAndGet();
            w.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
            w.request(1);
            return null;
        }
    }

    /** Views opened and failed, fragments received, and what went wrong, for the report. */
    record Summary(int opened, int failed, long fragments, List<String> problems) {
        @Override
        public String toString() {
            return String.format(
                    Locale.ROOT,
                    "%d live views opened (%d failed), %d fragments received%s",
                    opened,
                    failed,
                    fragments,
                    problems.isEmpty() ? "" : "; " + String.join("; ", problems));
        }
    }

    synchronized Summary summary() {
        return new Summary(opened, failed, fragments, List.copyOf(problems));
    }

    private static String field(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\"\\s*:\\s*\"([^\"]*)\"").matcher(json);
        if (!m.find()) throw new IllegalStateException("no " + name + " in " + json);
        return m.group(1);
    }

    private String now() {
        return SoakBench.clock(System.nanoTime() - t0);
    }

    private void problem(String f, Object... a) {
        String s = String.format(Locale.ROOT, f, a);
        problems.add(s);
        bench.say("  %s", s);
    }
}
