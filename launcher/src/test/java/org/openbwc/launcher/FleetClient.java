package org.openbwc.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import org.openbwc.gateway.auth.TestOperators;

/** What a test sees through the gateway's and the simulator's HTTP APIs, as a user's script would. */
final class FleetClient implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http;
    private final String gateway;
    private final String sim;
    private final String user;
    private Thread sse;
    private volatile String token;

    /** A client that signs in to the gateway as the test supervisor on its first gateway request. */
    FleetClient(String gatewayUrl, String simUrl) {
        this(gatewayUrl, simUrl, TestOperators.SUPERVISOR);
    }

    FleetClient(String gatewayUrl, String simUrl, String user) {
        this(gatewayUrl, simUrl, user, null);
    }

    /** A client of a gateway serving HTTPS with a certificate {@code tls} trusts ({@code null}: the JDK's defaults). */
    FleetClient(String gatewayUrl, String simUrl, String user, SSLContext tls) {
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5));
        if (tls != null) b.sslContext(tls);
        this.http = b.build();
        this.gateway = gatewayUrl;
        this.sim = simUrl;
        this.user = user;
    }

    /** Signs in as this client's user; later gateway requests carry the token. */
    String token() throws IOException, InterruptedException {
        if (token == null) {
            String body = JSON.writeValueAsString(Map.of("username", user, "password", TestOperators.password(user)));
            HttpResponse<String> r = http.send(
                    HttpRequest.newBuilder(URI.create(gateway + "/api/login"))
                            .timeout(Duration.ofSeconds(20))
                            .POST(HttpRequest.BodyPublishers.ofString(body))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200)
                throw new IllegalStateException("sign-in as " + user + " answered " + r.statusCode() + ": " + r.body());
            token = JSON.readTree(r.body()).path("token").asText();
        }
        return token;
    }

    private HttpRequest.Builder request(String base, String path) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(20));
        if (base.equals(gateway)) b.header("Authorization", "Bearer " + token());
        return b;
    }

    record Reply(int status, JsonNode body) {}

    Reply get(String base, String path) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(request(base, path).GET().build(), HttpResponse.BodyHandlers.ofString());
        return new Reply(r.statusCode(), parse(r.body()));
    }

    Reply post(String base, String path, String body) throws IOException, InterruptedException {
        HttpRequest.Builder b = request(base, path);
        b = body == null
                ? b.POST(HttpRequest.BodyPublishers.noBody())
                : b.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Reply(r.statusCode(), parse(r.body()));
    }

    Reply delete(String base, String path) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(request(base, path).DELETE().build(), HttpResponse.BodyHandlers.ofString());
        return new Reply(r.statusCode(), parse(r.body()));
    }

    /** A POST whose answer is bytes (e.g. an export ZIP), with its status and content type. */
    HttpResponse<byte[]> postForBytes(String path) throws IOException, InterruptedException {
        return http.send(
                request(gateway, path).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    private static JsonNode parse(String body) throws IOException {
        return body == null || body.isBlank() ? JSON.nullNode() : JSON.readTree(body);
    }

    JsonNode units() throws IOException, InterruptedException {
        return get(gateway, "/api/units").body();
    }

    Optional<JsonNode> unit(String id) throws IOException, InterruptedException {
        for (JsonNode u : units()) if (u.path("id").asText().equals(id)) return Optional.of(u);
        return Optional.empty();
    }

    long onlineCount(Iterable<String> ids) throws IOException, InterruptedException {
        long n = 0;
        for (String id : ids)
            n += unit(id).map(u -> u.path("online").asBoolean()).orElse(false) ? 1 : 0;
        return n;
    }

    Reply command(String unit, String name) throws IOException, InterruptedException {
        return command(unit, name, null);
    }

    /** A command with the operator's reason (required for record.stop and stealth.on; it goes to the audit log). */
    Reply command(String unit, String name, String reason) throws IOException, InterruptedException {
        String body = reason == null ? null : JSON.writeValueAsString(Map.of("reason", reason));
        return post(gateway, "/api/units/" + unit + "/commands/" + name, body);
    }

    Reply sim(String path) throws IOException, InterruptedException {
        return post(sim, path, null);
    }

    Reply simGet(String path) throws IOException, InterruptedException {
        return get(sim, path);
    }

    String gatewayUrl() {
        return gateway;
    }

    /** Subscribes to the gateway's server-sent events; every {@code data:} line lands in the returned queue. */
    BlockingQueue<String> events() throws IOException, InterruptedException {
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        HttpRequest req = HttpRequest.newBuilder(URI.create(gateway + "/api/events"))
                .header("Accept", "text/event-stream")
                .header("Authorization", "Bearer " + token())
                .GET()
                .build();
        // The stream never ends: it is read on a thread of its own, never on the caller's (a future that is already
        // complete would run a thenAccept reader on the calling thread, and the test would hang there).
        sse = Thread.ofPlatform().daemon().name("fleet-client-sse").start(() -> {
            try (Stream<String> body =
                    http.send(req, HttpResponse.BodyHandlers.ofLines()).body()) {
                body.filter(l -> l.startsWith("data:"))
                        .forEach(l -> lines.add(l.substring(5).trim()));
            } catch (IOException | UncheckedIOException | InterruptedException e) {
                // closed by close(), or the gateway went away: the test sees no more lines
            }
        });
        return lines;
    }

    @Override
    public void close() {
        if (sse != null) sse.interrupt();
        // shutdownNow, not close: close() waits for the endless event stream to finish
        http.shutdownNow();
    }
}
