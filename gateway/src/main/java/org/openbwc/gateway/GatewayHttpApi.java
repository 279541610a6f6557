package org.openbwc.gateway;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.json.JavalinJackson;
import io.javalin.util.JavalinBindException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.util.VirtualThreads;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.openbwc.protocol.CommandReply;
import org.openbwc.protocol.RemoteCommand;
import org.tinylog.Logger;

/**
 * The gateway's HTTP surface for the monitoring room: fleet JSON, commands to units, a server-sent event stream, a
 * health report, and a small live page at {@code /}. Every error is JSON {@code {"error": "..."}}; no stack trace
 * ever leaves the process.
 */
final class GatewayHttpApi implements AutoCloseable {

    /** Comment sent on an idle event stream; also keeps proxies and Jetty's idle timeout (30 s) from closing it. */
    static final Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(15);
    /** Unit events a stream client may fall behind by before it is dropped (unit changes are coalesced). */
    static final int DEFAULT_EVENT_BACKLOG = 1024;
    /** A command body only carries a few short arguments. */
    static final int MAX_COMMAND_BODY_BYTES = 4096;
    private static final int MAX_OPERATOR_CHARS = 64;
    private static final int MAX_PLATFORM_THREADS = 32;
    private static final String HANDLED = "openbwc.error-written";

    private final String gatewayId;
    private final FleetRegistry registry;
    private final FleetLink link;
    private final Duration commandTimeout;
    private final ObjectMapper mapper;
    private final EventStream events;
    private final String page;
    private final Javalin app;

    private GatewayHttpApi(String gatewayId, FleetRegistry registry, FleetLink link, Duration commandTimeout,
                           ObjectMapper mapper, Duration heartbeat, int eventBacklog) {
        this.gatewayId = gatewayId;
        this.registry = registry;
        this.link = link;
        this.commandTimeout = commandTimeout;
        this.mapper = mapper;
        this.events = new EventStream(registry, mapper, heartbeat, eventBacklog);
        this.page = loadPage();
        this.app = Javalin.create(cfg -> {
            cfg.showJavalinBanner = false;
            cfg.startupWatcherEnabled = false;
            // Event streams and command round trips block their request thread, so requests run on virtual threads;
            // Jetty's selector and acceptor stay on platform threads (Javalin's all-virtual pool pins carriers).
            QueuedThreadPool pool = new QueuedThreadPool(MAX_PLATFORM_THREADS, 4, 60_000);
            pool.setName("gateway-http");
            pool.setVirtualThreadsExecutor(VirtualThreads.getDefaultVirtualThreadsExecutor());
            cfg.jetty.threadPool = pool;
            cfg.jsonMapper(new JavalinJackson(mapper, false));
            cfg.router.ignoreTrailingSlashes = true;
        });
        routes();
    }

    /**
     * Starts the API on {@code host:port}; port 0 picks a free port, see {@link #port()}.
     *
     * @throws IllegalStateException naming the address when the port is taken
     */
    static GatewayHttpApi start(String host, int port, String gatewayId, FleetRegistry registry, FleetLink link,
                                Duration commandTimeout, ObjectMapper mapper) {
        return start(host, port, gatewayId, registry, link, commandTimeout, mapper, DEFAULT_HEARTBEAT, DEFAULT_EVENT_BACKLOG);
    }

    static GatewayHttpApi start(String host, int port, String gatewayId, FleetRegistry registry, FleetLink link,
                                Duration commandTimeout, ObjectMapper mapper, Duration heartbeat, int eventBacklog) {
        GatewayHttpApi api = new GatewayHttpApi(gatewayId, registry, link, commandTimeout, mapper, heartbeat, eventBacklog);
        try {
            api.app.start(host, port);
        } catch (RuntimeException e) {
            api.app.stop();
            String why = e instanceof JavalinBindException
                    ? "port " + port + " on " + host + " is already in use; set http.port to another port"
                    : e.getMessage();
            throw new IllegalStateException("cannot start the HTTP API on " + host + ":" + port + ": " + why, e);
        }
        Logger.debug("HTTP API listening on {}:{}", host, api.port());
        return api;
    }

    /** The port actually bound (useful when started on port 0). */
    int port() { return app.port(); }

    int eventStreamClients() { return events.clients(); }

    @Override
    public void close() {
        events.close();
        app.stop();
    }

    private void routes() {
        app.get("/", ctx -> ctx.html(page));
        app.get("/api/units", ctx -> json(ctx, 200, registry.units()));
        app.get("/api/units/{id}", ctx -> {
            String id = ctx.pathParam("id");
            json(ctx, 200, knownUnit(id));
        });
        app.get("/api/units/{id}/events", ctx -> {
            String id = ctx.pathParam("id");
            knownUnit(id);
            json(ctx, 200, registry.events(id));
        });
        app.post("/api/units/{id}/commands/{name}", this::command);
        app.get("/api/health", this::health);
        app.get("/api/events", events::serve);

        app.exception(ApiError.class, (e, ctx) -> error(ctx, e.status, e.getMessage(), e.unit));
        app.exception(HttpResponseException.class, (e, ctx) -> {
            String message = e.getStatus() == 404
                    ? "no such resource: " + ctx.method() + " " + ctx.path()
                    : e.getMessage();
            error(ctx, e.getStatus(), message, null);
        });
        app.exception(Exception.class, (e, ctx) -> {
            Logger.error(e, "HTTP {} {} failed", ctx.method(), ctx.path());
            error(ctx, 500, "internal error while handling " + ctx.method() + " " + ctx.path()
                    + "; see the gateway log", null);
        });
        app.error(404, ctx -> {
            if (ctx.attribute(HANDLED) == null) error(ctx, 404, "no such resource: " + ctx.method() + " " + ctx.path(), null);
        });
        app.error(405, ctx -> {
            if (ctx.attribute(HANDLED) == null) error(ctx, 405, "method " + ctx.method() + " is not allowed on " + ctx.path(), null);
        });
    }

    private UnitView knownUnit(String id) {
        return registry.unit(id).orElseThrow(() -> new ApiError(404, "unit '" + id + "' is not known to gateway "
                + gatewayId + " (it has never published a status, location or event)", id));
    }

    private void command(Context ctx) {
        String id = ctx.pathParam("id");
        String name = ctx.pathParam("name");
        if (RemoteCommand.fromWire(name).isEmpty()) {
            throw new ApiError(400, "unknown command '" + name + "' (allowed: " + RemoteCommand.allowed() + ")", id);
        }
        Map<String, String> args = commandArgs(ctx);
        UnitView unit = knownUnit(id);
        if (!unit.online()) {
            throw new ApiError(409, "unit " + id + " is offline (state " + unit.state() + ", last seen "
                    + (unit.lastSeen() == null ? "never" : unit.lastSeen()) + "); " + name + " was not sent", id);
        }
        String requestedBy = requestedBy(ctx.header("X-Operator"));
        CompletableFuture<CommandReply> reply = link.send(id, name, args, requestedBy, commandTimeout);
        CommandReply answer;
        try {
            // The link times the request out itself; the margin only guards against a lost completion.
            answer = reply.get(commandTimeout.toMillis() + 5_000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof CommandTimeoutException t) throw new ApiError(504, t.getMessage(), id);
            if (cause instanceof CommandNotSentException n) throw new ApiError(503, n.getMessage(), id);
            if (cause instanceof UnreadableReplyException u) throw new ApiError(502, u.getMessage(), id);
            throw new IllegalStateException("command " + name + " to unit " + id + " failed", cause);
        } catch (TimeoutException e) {
            throw new ApiError(504, "unit " + id + " did not answer " + name + " within "
                    + commandTimeout.toMillis() + " ms", id);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiError(503, "the gateway is shutting down; " + name + " to unit " + id + " was abandoned", id);
        }
        ObjectNode body = mapper.valueToTree(answer);
        if (answer.ok()) {
            json(ctx, 200, body);
        } else {
            body.put("error", "unit " + id + " refused " + name + (answer.reason().isEmpty() ? "" : ": " + answer.reason()));
            json(ctx, 422, body);
        }
    }

    /** Reads the optional {@code {"args": {...}}} body; scalar values are passed on as text. */
    private Map<String, String> commandArgs(Context ctx) {
        long declared = ctx.req().getContentLengthLong();
        if (declared > MAX_COMMAND_BODY_BYTES) throw tooBig(declared);
        byte[] bytes;
        try (InputStream in = ctx.req().getInputStream()) {
            bytes = in.readNBytes(MAX_COMMAND_BODY_BYTES + 1);
        } catch (IOException e) {
            throw new ApiError(400, "cannot read the request body: " + e.getMessage(), null);
        }
        if (bytes.length > MAX_COMMAND_BODY_BYTES) throw tooBig(-1);
        if (new String(bytes, StandardCharsets.UTF_8).isBlank()) return Map.of();
        JsonNode tree;
        try {
            tree = mapper.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw new ApiError(400, "request body is not valid JSON: " + e.getOriginalMessage()
                    + " (expected {\"args\": {\"name\": \"value\"}})", null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (tree == null || !tree.isObject()) {
            throw new ApiError(400, "request body must be a JSON object like {\"args\": {\"name\": \"value\"}}", null);
        }
        JsonNode argsNode = tree.get("args");
        if (argsNode == null || argsNode.isNull()) return Map.of();
        if (!argsNode.isObject()) {
            throw new ApiError(400, "\"args\" must be a JSON object of names to text values, not " + argsNode.getNodeType(), null);
        }
        Map<String, String> args = new LinkedHashMap<>();
        for (var field : argsNode.properties()) {
            JsonNode v = field.getValue();
            if (!v.isValueNode() || v.isNull()) {
                throw new ApiError(400, "argument '" + field.getKey() + "' must be text, a number or a boolean", null);
            }
            args.put(field.getKey(), v.asText());
        }
        return args;
    }

    private static ApiError tooBig(long declared) {
        return new ApiError(400, "request body " + (declared >= 0 ? "of " + declared + " bytes " : "")
                + "is too big: a command body is at most " + MAX_COMMAND_BODY_BYTES + " bytes", null);
    }

    /** The gateway id, plus the operator named by the X-Operator header, reduced to safe characters. */
    String requestedBy(String operatorHeader) {
        if (operatorHeader == null) return gatewayId;
        StringBuilder b = new StringBuilder();
        for (char c : operatorHeader.strip().toCharArray()) {
            if (b.length() >= MAX_OPERATOR_CHARS) break;
            if (Character.isLetterOrDigit(c) && c < 128 || c == '.' || c == '_' || c == '-' || c == '@' || c == ' ') b.append(c);
        }
        String operator = b.toString().strip();
        return operator.isEmpty() ? gatewayId : gatewayId + "/" + operator;
    }

    private void health(Context ctx) {
        Map<String, Object> broker = new LinkedHashMap<>();
        boolean connected = link.connected();
        broker.put("url", link.url());
        broker.put("clientId", link.clientId());
        broker.put("connected", connected);
        broker.put("connectedSince", link.connectedSince());
        broker.put("connections", link.connections());
        int total = registry.size();
        int online = registry.onlineCount();
        Map<String, Object> units = new LinkedHashMap<>();
        units.put("total", total);
        units.put("online", online);
        units.put("offline", total - online);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", connected ? "ok" : "degraded");
        body.put("gatewayId", gatewayId);
        body.put("broker", broker);
        body.put("units", units);
        body.put("droppedMessages", link.drops().snapshot());
        body.put("droppedTotal", link.drops().total());
        body.put("pendingCommands", link.pendingCommands());
        body.put("eventStreamClients", events.clients());
        // 503 lets a load balancer or systemd watchdog notice a gateway cut off from the fleet.
        json(ctx, connected ? 200 : 503, body);
    }

    private void json(Context ctx, int status, Object body) {
        try {
            ctx.status(status).contentType("application/json").result(mapper.writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render " + body.getClass().getSimpleName() + " as JSON", e);
        }
    }

    private void error(Context ctx, int status, String message, String unit) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", message);
        if (unit != null) body.put("unit", unit);
        ctx.attribute(HANDLED, true);
        if (status >= 500) Logger.debug("HTTP {} {} -> {}: {}", ctx.method(), ctx.path(), status, message);
        json(ctx, status, body);
    }

    private static String loadPage() {
        try (InputStream in = GatewayHttpApi.class.getResourceAsStream("monitor.html")) {
            Objects.requireNonNull(in, "monitor.html is missing from the gateway jar");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read monitor.html from the gateway jar", e);
        }
    }

    /** An error the API reports as-is: status, message for the operator, and the unit it concerns if any. */
    private static final class ApiError extends RuntimeException {
        final int status;
        final String unit;

        ApiError(int status, String message, String unit) {
            super(message, null, false, false);
            this.status = status;
            this.unit = unit;
        }
    }
}
