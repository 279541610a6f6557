package org.openbwc.gateway.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.stream.Stream;
import org.openbwc.gateway.auth.TestOperators;

/** A test's view of the gateway's HTTP API, through java.net.http. */
public final class ApiClient {

    /** One answer: status, body, the body as JSON when it is JSON, and its content type. */
    public record Reply(int status, String body, JsonNode json, String contentType) {}

    /** One server-sent event as read off the wire. */
    public record Sse(String name, String data) {}

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private final String base;
    private volatile String token;

    public ApiClient(String base) {
        this.base = base;
    }

    /** A client for the same gateway that signs in as {@code user} (with {@link TestOperators}' password). */
    public static ApiClient signedIn(String base, String user) throws IOException, InterruptedException {
        ApiClient c = new ApiClient(base);
        c.login(user, TestOperators.password(user));
        return c;
    }

    /** Signs in and sends the token with every later request. */
    public Reply login(String user, String password) throws IOException, InterruptedException {
        Reply r = post("/api/login", MAPPER.writeValueAsString(Map.of("username", user, "password", password)));
        if (r.status() != 200)
            throw new IllegalStateException("sign-in as " + user + " answered " + r.status() + ": " + r.body());
        token = r.json().get("token").asText();
        return r;
    }

    public String token() {
        return token;
    }

    public Reply get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
    }

    public Reply post(String path, String body, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
                .POST(body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (headers.length > 0) b.headers(headers);
        return send(b);
    }

    /** Any method, with a JSON body or none, and extra headers. */
    public Reply request(String method, String path, String body, String... headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) b.header("Content-Type", "application/json");
        if (headers.length > 0) b.headers(headers);
        return send(b);
    }

    /** The raw bytes of a response (media, ZIP), with its status and headers. */
    public HttpResponse<byte[]> bytes(String method, String path, String... headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder b =
                HttpRequest.newBuilder(URI.create(base + path)).method(method, HttpRequest.BodyPublishers.noBody());
        if (headers.length > 0) b.headers(headers);
        if (token != null) b.header("Authorization", "Bearer " + token);
        return http.send(b.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private Reply send(HttpRequest.Builder b) throws IOException, InterruptedException {
        if (token != null) b.header("Authorization", "Bearer " + token);
        HttpResponse<String> r =
                http.send(b.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        JsonNode json = null;
        String type = r.headers().firstValue("Content-Type").orElse("");
        if (type.startsWith("application/json")) json = MAPPER.readTree(r.body());
        return new Reply(r.statusCode(), r.body(), json, type);
    }

    /** Opens /api/events and parses frames into a queue on a background thread until the stream ends. */
    public BlockingQueue<Sse> events() throws IOException, InterruptedException {
        HttpRequest.Builder b =
                HttpRequest.newBuilder(URI.create(base + "/api/events")).header("Accept", "text/event-stream");
        if (token != null) b.header("Authorization", "Bearer " + token);
        HttpResponse<Stream<String>> r = http.send(b.GET().build(), HttpResponse.BodyHandlers.ofLines());
        if (r.statusCode() != 200) throw new IllegalStateException("event stream answered " + r.statusCode());
        BlockingQueue<Sse> queue = new LinkedBlockingQueue<>();
        Thread.ofVirtual().name("sse-reader").start(() -> {
            String[] name = {null};
            StringBuilder data = new StringBuilder();
            r.body().forEach(line -> {
                if (line.startsWith("event: ")) {
                    name[0] = line.substring(7);
                } else if (line.startsWith("data: ")) {
                    data.append(line.substring(6));
                } else if (line.isEmpty() && name[0] != null) {
                    queue.add(new Sse(name[0], data.toString()));
                    name[0] = null;
                    data.setLength(0);
                }
            });
        });
        return queue;
    }

    public static JsonNode parse(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException(json, e);
        }
    }
}
