package org.openbwc.gateway.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Map;
import org.openbwc.gateway.fleet.CommandClient;
import org.openbwc.gateway.fleet.DroppedMessages;
import org.openbwc.gateway.fleet.FleetConnection;
import org.openbwc.gateway.fleet.FleetRegistry;

/**
 * How the gateway is doing: {@code /health} for load balancers and watchdogs (no detail, no sign-in), {@code /api/health}
 * for operators (broker, units, dropped messages, pending commands, event-stream clients), and {@code /metrics} for
 * Prometheus. Both health routes answer 503 while the gateway is cut off from the broker.
 */
public final class HealthRoutes {

    private final String gatewayId;
    private final FleetRegistry registry;
    private final FleetConnection connection;
    private final DroppedMessages drops;
    private final CommandClient commands;
    private final EventStream events;
    private final GatewayMetrics metrics;
    private final Replies replies;

    public HealthRoutes(
            String gatewayId,
            FleetRegistry registry,
            FleetConnection connection,
            DroppedMessages drops,
            CommandClient commands,
            EventStream events,
            GatewayMetrics metrics,
            ObjectMapper mapper) {
        this.gatewayId = gatewayId;
        this.registry = registry;
        this.connection = connection;
        this.drops = drops;
        this.commands = commands;
        this.events = events;
        this.metrics = metrics;
        this.replies = new Replies(mapper);
    }

    /** For load balancers and watchdogs: no detail, no sign-in. */
    void publicHealth(Context ctx) {
        boolean connected = connection.connected();
        replies.json(ctx, connected ? 200 : 503, Map.of("status", connected ? "ok" : "degraded"));
    }

    void health(Context ctx) {
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
        replies.json(ctx, connected ? 200 : 503, body);
    }

    void metrics(Context ctx) {
        ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.scrape());
    }
}
