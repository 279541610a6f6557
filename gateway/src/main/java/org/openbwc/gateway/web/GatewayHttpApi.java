package org.openbwc.gateway.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.staticfiles.Location;
import io.javalin.json.JavalinJackson;
import io.javalin.util.JavalinBindException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.util.VirtualThreads;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.openbwc.config.MapConfig;
import org.openbwc.gateway.alerts.Alert;
import org.openbwc.gateway.alerts.AlertBoard;
import org.openbwc.gateway.audit.AuditLog;
import org.openbwc.gateway.auth.Authenticator.SignedIn;
import org.openbwc.gateway.auth.Operator;
import org.openbwc.gateway.auth.OperatorDirectory;
import org.openbwc.gateway.fleet.CommandClient;
import org.openbwc.gateway.fleet.CommandNotSentException;
import org.openbwc.gateway.fleet.CommandTimeoutException;
import org.openbwc.gateway.fleet.DroppedMessages;
import org.openbwc.gateway.fleet.FleetConnection;
import org.openbwc.gateway.fleet.FleetRegistry;
import org.openbwc.gateway.fleet.LocationTrails;
import org.openbwc.gateway.fleet.RecordingIndex;
import org.openbwc.gateway.fleet.UnitView;
import org.openbwc.gateway.fleet.UnreadableReplyException;
import org.openbwc.gateway.live.HlsWindow;
import org.openbwc.gateway.live.LiveRelay;
import org.openbwc.gateway.live.LiveService;
import org.openbwc.protocol.CommandReply;
import org.openbwc.protocol.RemoteCommand;
import org.tinylog.Logger;

/**
 * The gateway's HTTP surface for the monitoring room: fleet JSON, commands to units, a server-sent event stream, a
 * health report, metrics, and the monitoring-room pages. Every error is JSON {@code {"error": "..."}}; no stack trace
 * ever leaves the process.
 */
public final class GatewayHttpApi implements AutoCloseable {

    /** Comment sent on an idle event stream; also keeps proxies and Jetty's idle timeout (30 s) from closing it. */
    public static final Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(15);
    /** Unit events a stream client may fall behind by before it is dropped (unit changes are coalesced). */
    public static final int DEFAULT_EVENT_BACKLOG = 1024;
    /** A command body only carries a few short arguments. */
    public static final int MAX_COMMAND_BODY_BYTES = 4096;

    public static final int MAX_TRAIL_POINTS = 500;
    static final int DEFAULT_FLEET_TRAIL_POINTS = 20;
    static final int MAX_AUDIT_ENTRIES = 1000;
    private static final int MAX_PLATFORM_THREADS = 32;
    private static final String HANDLED = "openbwc.error-written";

    private final String gatewayId;
    private final FleetRegistry registry;
    private final FleetConnection connection;
    private final CommandClient commands;
    private final DroppedMessages drops;
    private final AlertBoard alerts;
    private final LocationTrails trails;
    private final RecordingIndex recordings;
    private final AuditLog audit;
    private final OperatorDirectory directory;
    private final MapConfig map;
    private final Duration commandTimeout;
    private final ObjectMapper mapper;
    private final EventStream events;
    private final GatewayMetrics metrics;
    private final WebAccess access;
    private final WebPages pages;
    private final LiveService live;
    private final Javalin app;

    private GatewayHttpApi(ApiParts p) {
        this.gatewayId = p.gatewayId();
        this.registry = p.registry();
        this.connection = p.connection();
        this.commands = p.commands();
        this.drops = p.drops();
        this.alerts = p.alerts();
        this.trails = p.trails();
        this.recordings = p.recordings();
        this.audit = p.audit();
        this.directory = p.auth().directory();
        this.map = p.map();
        this.commandTimeout = p.commandTimeout();
        this.mapper = p.mapper();
        this.events = new EventStream(registry, alerts, mapper, p.heartbeat(), p.eventBacklog());
        this.metrics = new GatewayMetrics(gatewayId, registry, connection, drops, alerts, events::clients, p.live());
        this.access = new WebAccess(p.auth(), audit, metrics, mapper);
        this.pages = new WebPages(map, p.liveConfig());
        this.live = p.live();
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
            // A keyframe fragment of 1080p video is a few hundred kB; Jetty's default limit is 64 kB.
            cfg.jetty.modifyWebSocketServletFactory(ws -> {
                ws.setMaxBinaryMessageSize(LiveEndpoints.MAX_MESSAGE_BYTES);
                ws.setMaxTextMessageSize(64 * 1024);
                ws.setIdleTimeout(Duration.ofSeconds(60));
            });
            // Pages and libraries are public (the sign-in page needs them); everything they show comes from the API.
            cfg.staticFiles.add(files -> {
                files.hostedPath = "/webjars";
                files.directory = "/META-INF/resources/webjars";
                files.location = Location.CLASSPATH;
                files.roles = Set.of(Access.PUBLIC);
            });
            cfg.staticFiles.add(files -> {
                files.hostedPath = "/assets";
                files.directory = WebPages.ASSET_DIR;
                files.location = Location.CLASSPATH;
                files.headers = Map.of("Cache-Control", "no-cache");
                files.roles = Set.of(Access.PUBLIC);
            });
        });
        routes();
    }

    /**
     * Starts the API on {@code host:port}; port 0 picks a free port, see {@link #port()}.
     *
     * @throws IllegalStateException naming the address when the port is taken
     */
    public static GatewayHttpApi start(String host, int port, ApiParts parts) {
        GatewayHttpApi api = new GatewayHttpApi(parts);
        try {
            api.app.start(host, port);
        } catch (RuntimeException e) {
            api.app.stop();
            api.events.close();
            String why = e instanceof JavalinBindException
                    ? "port " + port + " on " + host + " is already in use; set http.port to another port"
                    : e.getMessage();
            throw new IllegalStateException("cannot start the HTTP API on " + host + ":" + port + ": " + why, e);
        }
        Logger.debug("HTTP API listening on {}:{}", host, api.port());
        return api;
    }

    /** The port actually bound (useful when started on port 0). */
    public int port() {
        return app.port();
    }

    int eventStreamClients() {
        return events.clients();
    }

    GatewayMetrics metrics() {
        return metrics;
    }

    @Override
    public void close() {
        events.close();
        app.stop();
    }

    private void routes() {
        app.beforeMatched(access::check);
        app.before(pages::securityHeaders);
        app.get("/", ctx -> pages.page(ctx, "fleet.html"), Access.PUBLIC);
        app.get("/login", ctx -> pages.page(ctx, "login.html"), Access.PUBLIC);
        app.get("/units/{id}", ctx -> pages.page(ctx, "unit.html"), Access.PUBLIC);
        app.get("/health", this::publicHealth, Access.PUBLIC);
        app.post("/api/login", access::login, Access.PUBLIC);

        app.post("/api/logout", access::logout, Access.VIEWER);
        app.get("/api/me", access::me, Access.VIEWER);
        app.get("/api/map", ctx -> json(ctx, 200, mapSettings()), Access.VIEWER);
        app.get("/api/units", ctx -> json(ctx, 200, registry.units()), Access.VIEWER);
        app.get("/api/units/{id}", ctx -> json(ctx, 200, knownUnit(ctx.pathParam("id"))), Access.VIEWER);
        app.get(
                "/api/units/{id}/events",
                ctx -> json(
                        ctx, 200, registry.events(knownUnit(ctx.pathParam("id")).id())),
                Access.VIEWER);
        app.get(
                "/api/units/{id}/trail",
                ctx -> json(
                        ctx, 200, trails.trail(knownUnit(ctx.pathParam("id")).id(), points(ctx, MAX_TRAIL_POINTS))),
                Access.VIEWER);
        app.get(
                "/api/units/{id}/recordings",
                ctx -> json(
                        ctx,
                        200,
                        recordings.recordings(knownUnit(ctx.pathParam("id")).id())),
                Access.VIEWER);
        app.get(
                "/api/trails",
                ctx -> json(ctx, 200, trails.all(points(ctx, DEFAULT_FLEET_TRAIL_POINTS))),
                Access.VIEWER);
        app.get("/api/alerts", ctx -> json(ctx, 200, alerts.all()), Access.VIEWER);
        app.get("/api/events", events::serve, Access.VIEWER);
        app.get("/api/health", this::health, Access.VIEWER);
        app.get(
                "/metrics",
                ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8")
                        .result(metrics.scrape()),
                Access.VIEWER);

        app.post("/api/units/{id}/commands/{name}", this::command, Access.SUPERVISOR);
        app.post("/api/alerts/{id}/ack", this::acknowledge, Access.SUPERVISOR);

        app.get("/api/audit", ctx -> json(ctx, 200, audit.recent(points(ctx, MAX_AUDIT_ENTRIES))), Access.ADMIN);
        app.get("/api/users", ctx -> json(ctx, 200, users()), Access.ADMIN);

        // Live video: pages, the grant, HLS, and the two WebSocket ends (they check their own tickets and tokens).
        app.get("/live/{id}", ctx -> pages.page(ctx, "live.html"), Access.PUBLIC);
        app.get("/wall", ctx -> pages.page(ctx, "wall.html"), Access.PUBLIC);
        app.post("/api/live/{id}", this::liveGrant, Access.SUPERVISOR);
        app.get("/api/live", ctx -> json(ctx, 200, liveStreams()), Access.VIEWER);
        app.get("/api/live/{id}/hls/{file}", this::hls, Access.SUPERVISOR);
        LiveEndpoints endpoints = new LiveEndpoints(live, access, audit);
        app.wsBeforeUpgrade("/api/live/{id}/ws", endpoints::beforeViewer);
        app.ws("/api/live/{id}/ws", endpoints::viewer, Access.PUBLIC);
        app.wsBeforeUpgrade("/uplink/{id}", endpoints::beforeUplink);
        app.ws("/uplink/{id}", endpoints::uplink, Access.PUBLIC);

        app.exception(ApiError.class, (e, ctx) -> error(ctx, e.status, e.getMessage(), e.unit));
        app.exception(HttpResponseException.class, (e, ctx) -> {
            String message =
                    e.getStatus() == 404 ? "no such resource: " + ctx.method() + " " + ctx.path() : e.getMessage();
            error(ctx, e.getStatus(), message, null);
        });
        app.exception(Exception.class, (e, ctx) -> {
            Logger.error(e, "HTTP {} {} failed", ctx.method(), ctx.path());
            error(
                    ctx,
                    500,
                    "internal error while handling " + ctx.method() + " " + ctx.path() + "; see the gateway log",
                    null);
        });
        app.error(404, ctx -> {
            if (ctx.attribute(HANDLED) == null)
                error(ctx, 404, "no such resource: " + ctx.method() + " " + ctx.path(), null);
        });
        app.error(405, ctx -> {
            if (ctx.attribute(HANDLED) == null)
                error(ctx, 405, "method " + ctx.method() + " is not allowed on " + ctx.path(), null);
        });
    }

    private UnitView knownUnit(String id) {
        return registry.unit(id)
                .orElseThrow(() -> new ApiError(
                        404,
                        "unit '" + id + "' is not known to gateway " + gatewayId
                                + " (it has never published a status, location or event)",
                        id));
    }

    private void command(Context ctx) {
        String id = ctx.pathParam("id");
        String name = ctx.pathParam("name");
        SignedIn who = WebAccess.operator(ctx);
        long started = System.nanoTime();
        String outcome = "failed";
        Map<String, String> args = Map.of();
        try {
            Optional<RemoteCommand> known = RemoteCommand.fromWire(name);
            if (known.isEmpty()) {
                outcome = "unknown";
                throw new ApiError(
                        400, "unknown command '" + name + "' (allowed: " + RemoteCommand.allowed() + ")", id);
            }
            if (!known.get().operatorCommand()) {
                outcome = "bad-request";
                throw new ApiError(
                        400,
                        name + " is sent by the gateway's live service; to watch a unit use POST /api/live/" + id,
                        id);
            }
            args = commandArgs(ctx);
            UnitView unit = knownUnit(id);
            if (!unit.online()) {
                outcome = "offline";
                throw new ApiError(
                        409,
                        "unit " + id + " is offline (state " + unit.state() + ", last seen "
                                + (unit.lastSeen() == null ? "never" : unit.lastSeen()) + "); " + name
                                + " was not sent",
                        id);
            }
            CommandReply answer =
                    await(id, name, commands.send(id, name, args, gatewayId + "/" + who.username(), commandTimeout));
            ObjectNode body = mapper.valueToTree(answer);
            if (answer.ok()) {
                outcome = "ok";
                json(ctx, 200, body);
            } else {
                outcome = "refused";
                body.put(
                        "error",
                        "unit " + id + " refused " + name + (answer.reason().isEmpty() ? "" : ": " + answer.reason()));
                json(ctx, 422, body);
            }
        } catch (ApiError e) {
            if (outcome.equals("failed")) {
                outcome = switch (e.status) {
                    case 504 -> "timeout";
                    case 404 -> "unknown-unit";
                    case 400 -> "bad-request";
                    default -> "failed";
                };
            }
            throw e;
        } finally {
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            // Unknown names are not used as a metric tag: a client could otherwise create any number of series.
            metrics.commandCompleted(RemoteCommand.fromWire(name).isPresent() ? name : "unknown", outcome, took);
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("command", name.length() > 64 ? name.substring(0, 64) : name);
            if (!args.isEmpty()) details.put("args", args);
            details.put("millis", took.toMillis());
            audit.record(who.username(), "command", id, outcome, details);
        }
    }

    private CommandReply await(String id, String name, CompletableFuture<CommandReply> reply) {
        try {
            // The link times the request out itself; the margin only guards against a lost completion.
            return reply.get(commandTimeout.toMillis() + 5_000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof CommandTimeoutException t) throw new ApiError(504, t.getMessage(), id);
            if (cause instanceof CommandNotSentException n) throw new ApiError(503, n.getMessage(), id);
            if (cause instanceof UnreadableReplyException u) throw new ApiError(502, u.getMessage(), id);
            throw new IllegalStateException("command " + name + " to unit " + id + " failed", cause);
        } catch (TimeoutException e) {
            throw new ApiError(
                    504, "unit " + id + " did not answer " + name + " within " + commandTimeout.toMillis() + " ms", id);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiError(503, "the gateway is shutting down; " + name + " to unit " + id + " was abandoned", id);
        }
    }

    private void acknowledge(Context ctx) {
        String id = ctx.pathParam("id");
        SignedIn who = WebAccess.operator(ctx);
        Alert before = alerts.find(id)
                .orElseThrow(() -> new ApiError(
                        404, "no alert '" + id + "' (it may have been" + " acknowledged long ago and pruned)", null));
        Alert after = alerts.acknowledge(id, who.username()).orElseThrow();
        if (!before.acknowledged()) {
            audit.record(
                    who.username(),
                    "alert.ack",
                    before.unitId(),
                    "ok",
                    Map.of("alert", id, "type", before.type().wire()));
        }
        json(ctx, 200, after);
    }

    /** Grants the signed-in supervisor a one-use token to watch the unit, starting its stream if needed. */
    private void liveGrant(Context ctx) {
        String id = ctx.pathParam("id");
        SignedIn who = WebAccess.operator(ctx);
        UnitView unit = knownUnit(id);
        if (!unit.online() && !live.streaming(id)) {
            throw new ApiError(
                    409,
                    "unit " + id + " is offline (last seen " + (unit.lastSeen() == null ? "never" : unit.lastSeen())
                            + "); no live picture",
                    id);
        }
        try {
            live.ensureStream(id, gatewayId + "/" + who.username())
                    .get(commandTimeout.toMillis() + 5_000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof LiveService.LiveUnavailableException u) throw new ApiError(503, u.getMessage(), id);
            if (cause instanceof CommandTimeoutException t) throw new ApiError(504, t.getMessage(), id);
            if (cause instanceof CommandNotSentException n) throw new ApiError(503, n.getMessage(), id);
            throw new IllegalStateException("starting the live stream of unit " + id + " failed", cause);
        } catch (TimeoutException e) {
            throw new ApiError(504, "unit " + id + " did not start its live stream in time", id);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiError(503, "the gateway is shutting down", id);
        }
        Optional<String> external = live.mediaServerPlayback(id);
        if (external.isPresent()) {
            audit.record(who.username(), "live.open", id, "ok", Map.of("via", "media-server"));
            json(ctx, 200, Map.of("unitId", id, "external", external.get()));
            return;
        }
        String token = live.grant(id, who.username(), who.claims().nonce());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("unitId", id);
        body.put("token", token);
        body.put("ws", "/api/live/" + id + "/ws?token=" + token);
        body.put("hls", "/api/live/" + id + "/hls/index.m3u8");
        body.put("expiresAt", Instant.now().plus(LiveService.GRANT_LIFETIME).toString());
        json(ctx, 200, body);
    }

    /** The HLS fallback: playlist, init segment and GOP segments of a running stream. */
    private void hls(Context ctx) {
        String id = ctx.pathParam("id");
        String file = ctx.pathParam("file");
        SignedIn who = WebAccess.operator(ctx);
        LiveRelay relay = live.hlsRequest(
                        id,
                        who.claims().nonce(),
                        () -> audit.record(who.username(), "live.open", id, "ok", Map.of("via", "hls")))
                .orElseThrow(() -> new ApiError(
                        404, "unit " + id + " is not streaming; start it with" + " POST /api/live/" + id, id));
        HlsWindow hls = relay.hls();
        ctx.header("Cache-Control", "no-cache");
        if (file.equals("index.m3u8")) {
            String playlist = hls.playlist()
                    .orElseThrow(() -> new ApiError(
                            503,
                            "the stream of unit " + id + " has no complete segment yet; try again in a second",
                            id));
            ctx.contentType("application/vnd.apple.mpegurl").result(playlist);
        } else if (file.equals("init.mp4")) {
            ctx.contentType("video/mp4")
                    .result(hls.init().orElseThrow(() -> new ApiError(503, "no init segment yet", id)));
        } else if (file.matches("seg-\\d{1,18}\\.m4s")) {
            long n = Long.parseLong(file.substring(4, file.length() - 4));
            ctx.contentType("video/iso.segment")
                    .result(hls.segment(n)
                            .orElseThrow(() -> new ApiError(
                                    404,
                                    "segment " + n + " of unit " + id + " is no longer (or not yet) available",
                                    id)));
        } else {
            throw new ApiError(404, "no such HLS file: " + file, id);
        }
    }

    private List<Map<String, Object>> liveStreams() {
        List<Map<String, Object>> list = new ArrayList<>();
        for (UnitView u : registry.units()) {
            if (!live.streaming(u.id())) continue;
            list.add(Map.of("unitId", u.id(), "viewers", live.viewers(u.id())));
        }
        return list;
    }

    private List<Map<String, Object>> users() {
        List<Map<String, Object>> list = new ArrayList<>();
        for (Operator op : directory.all()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("username", op.name());
            m.put("role", op.role().wire());
            m.put("created", op.created().toString());
            list.add(m);
        }
        return list;
    }

    private Map<String, Object> mapSettings() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("tileUrl", map.tileUrl());
        m.put("attribution", map.attribution());
        m.put("center", Map.of("lat", map.centerLat(), "lon", map.centerLon()));
        m.put("zoom", map.zoom());
        return m;
    }

    /** The optional {@code ?points=N} (or {@code ?limit=N}) query parameter, 1..max. */
    private static int points(Context ctx, int max) {
        String raw = ctx.queryParam("points") != null ? ctx.queryParam("points") : ctx.queryParam("limit");
        if (raw == null) return max;
        try {
            int n = Integer.parseInt(raw.strip());
            if (n >= 1 && n <= max) return n;
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ApiError(400, "'" + raw + "' is not a count from 1 to " + max, null);
    }

    /** For load balancers and watchdogs: no detail, no sign-in. */
    private void publicHealth(Context ctx) {
        boolean connected = connection.connected();
        json(ctx, connected ? 200 : 503, Map.of("status", connected ? "ok" : "degraded"));
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
            throw new ApiError(
                    400,
                    "request body is not valid JSON: " + e.getOriginalMessage()
                            + " (expected {\"args\": {\"name\": \"value\"}})",
                    null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (tree == null || !tree.isObject()) {
            throw new ApiError(400, "request body must be a JSON object like {\"args\": {\"name\": \"value\"}}", null);
        }
        JsonNode argsNode = tree.get("args");
        if (argsNode == null || argsNode.isNull()) return Map.of();
        if (!argsNode.isObject()) {
            throw new ApiError(
                    400, "\"args\" must be a JSON object of names to text values, not " + argsNode.getNodeType(), null);
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
        return new ApiError(
                400,
                "request body " + (declared >= 0 ? "of " + declared + " bytes " : "")
                        + "is too big: a command body is at most " + MAX_COMMAND_BODY_BYTES + " bytes",
                null);
    }

    private void health(Context ctx) {
        Map<String, Object> broker = new LinkedHashMap<>();
        boolean connected = connection.connected();
        broker.put("url", connection.url());
        broker.put("clientId", connection.clientId());
        broker.put("connected", connected);
        broker.put("connectedSince", connection.connectedSince());
        broker.put("connections", connection.connections());
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
        body.put("droppedMessages", drops.snapshot());
        body.put("droppedTotal", drops.total());
        body.put("pendingCommands", commands.pendingCommands());
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
}
