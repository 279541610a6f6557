package org.openbwc.bench.fanout;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** An SSE client of /api/events on its own thread. */
final class SseClient implements Runnable {
    private final FanoutBench bench;
    final Receiver rx;
    final URI uri;
    final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    volatile InputStream body;
    volatile boolean stopping;
    volatile Throwable failure;
    volatile boolean connected;
    final Thread thread;

    SseClient(FanoutBench bench, int n, URI uri) {
        this.bench = bench;
        this.rx = new Receiver(bench, "sse-" + n);
        this.uri = uri;
        this.thread = Thread.ofPlatform().name("sse-" + n).daemon().unstarted(this);
    }

    @Override
    public void run() {
        try {
            HttpResponse<InputStream> res = http.send(
                    HttpRequest.newBuilder(uri)
                            .header("Accept", "text/event-stream")
                            .header("Authorization", "Bearer " + bench.token)
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            body = res.body();
            if (res.statusCode() != 200) throw new IOException("HTTP " + res.statusCode());
            connected = true;
            BufferedReader r = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8), 1 << 16);
            String event = null;
            String line;
            while ((line = r.readLine()) != null) {
                if (line.isEmpty()) {
                    event = null;
                    continue;
                }
                if (line.startsWith("event: ")) {
                    event = line.substring(7);
                    continue;
                }
                if (line.startsWith("data: ") && "unit".equals(event)) {
                    rx.onJson(line, FanoutBench.wallMicros(), null);
                }
            }
            if (!stopping) failure = new IOException("stream ended by the gateway");
        } catch (Throwable t) {
            if (!stopping) failure = t;
        }
    }

    void stop() {
        stopping = true;
        try {
            if (body != null) body.close();
        } catch (IOException ignored) {
        }
        thread.interrupt();
    }
}
