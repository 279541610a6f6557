package org.openbwc.gateway.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.openbwc.gateway.audit.AuditLog;
import org.openbwc.gateway.auth.Authenticator.SignedIn;
import org.openbwc.gateway.fleet.CommandNotSentException;
import org.openbwc.gateway.fleet.CommandTimeoutException;
import org.openbwc.gateway.fleet.FleetRegistry;
import org.openbwc.gateway.fleet.UnitView;
import org.openbwc.gateway.live.HlsWindow;
import org.openbwc.gateway.live.LiveRelay;
import org.openbwc.gateway.live.LiveService;

/**
 * Live video over HTTP: a supervisor's grant to watch a unit (starting its stream if needed), the list of running
 * streams, and the HLS fallback for players without Media Source Extensions. The WebSocket ends are {@link LiveSockets}.
 */
public final class LiveRoutes {

    private final String gatewayId;
    private final FleetRegistry registry;
    private final KnownUnits knownUnits;
    private final LiveService live;
    private final AuditLog audit;
    private final Duration commandTimeout;
    private final Replies replies;

    public LiveRoutes(
            String gatewayId,
            FleetRegistry registry,
            LiveService live,
            AuditLog audit,
            Duration commandTimeout,
            ObjectMapper mapper) {
        this.gatewayId = gatewayId;
        this.registry = registry;
        this.knownUnits = new KnownUnits(registry, gatewayId);
        this.live = live;
        this.audit = audit;
        this.commandTimeout = commandTimeout;
        this.replies = new Replies(mapper);
    }

    /** Grants the signed-in supervisor a one-use token to watch the unit, starting its stream if needed. */
    void grant(Context ctx) {
        String id = ctx.pathParam("id");
        SignedIn who = WebAccess.operator(ctx);
        UnitView unit = knownUnits.get(id);
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
            replies.json(ctx, 200, Map.of("unitId", id, "external", external.get()));
            return;
        }
        String token = live.grant(id, who.username(), who.claims().nonce());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("unitId", id);
        body.put("token", token);
        body.put("ws", "/api/live/" + id + "/ws?token=" + token);
        body.put("hls", "/api/live/" + id + "/hls/index.m3u8");
        body.put("expiresAt", Instant.now().plus(LiveService.GRANT_LIFETIME).toString());
        replies.json(ctx, 200, body);
    }

    /** The HLS fallback: playlist, init segment and GOP segments of a running stream. */
    void hls(Context ctx) {
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

    /** The units streaming now, with their viewer counts. */
    void streams(Context ctx) {
        List<Map<String, Object>> list = new ArrayList<>();
        for (UnitView u : registry.units()) {
            if (!live.streaming(u.id())) continue;
            list.add(Map.of("unitId", u.id(), "viewers", live.viewers(u.id())));
        }
        replies.json(ctx, 200, list);
    }
}
