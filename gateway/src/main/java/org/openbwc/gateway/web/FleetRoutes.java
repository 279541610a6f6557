package org.openbwc.gateway.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Map;
import org.openbwc.config.MapConfig;
import org.openbwc.gateway.fleet.FleetRegistry;
import org.openbwc.gateway.fleet.LocationTrails;
import org.openbwc.gateway.fleet.RecordingIndex;

/** The fleet as the monitoring room reads it: units, a unit's events, trails and recordings, and the map settings. */
public final class FleetRoutes {

    /** The longest trail served for one unit; the gateway keeps that many points per unit. */
    public static final int MAX_TRAIL_POINTS = 500;

    static final int DEFAULT_FLEET_TRAIL_POINTS = 20;

    private final FleetRegistry registry;
    private final KnownUnits knownUnits;
    private final LocationTrails trails;
    private final RecordingIndex recordings;
    private final MapConfig map;
    private final Replies replies;

    public FleetRoutes(
            String gatewayId,
            FleetRegistry registry,
            LocationTrails trails,
            RecordingIndex recordings,
            MapConfig map,
            ObjectMapper mapper) {
        this.registry = registry;
        this.knownUnits = new KnownUnits(registry, gatewayId);
        this.trails = trails;
        this.recordings = recordings;
        this.map = map;
        this.replies = new Replies(mapper);
    }

    void map(Context ctx) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("tileUrl", map.tileUrl());
        m.put("attribution", map.attribution());
        m.put("center", Map.of("lat", map.centerLat(), "lon", map.centerLon()));
        m.put("zoom", map.zoom());
        replies.json(ctx, 200, m);
    }

    void units(Context ctx) {
        replies.json(ctx, 200, registry.units());
    }

    void unit(Context ctx) {
        replies.json(ctx, 200, knownUnits.get(ctx.pathParam("id")));
    }

    void events(Context ctx) {
        replies.json(
                ctx, 200, registry.events(knownUnits.get(ctx.pathParam("id")).id()));
    }

    void trail(Context ctx) {
        replies.json(
                ctx,
                200,
                trails.trail(knownUnits.get(ctx.pathParam("id")).id(), Replies.points(ctx, MAX_TRAIL_POINTS)));
    }

    void recordings(Context ctx) {
        replies.json(
                ctx,
                200,
                recordings.recordings(knownUnits.get(ctx.pathParam("id")).id()));
    }

    void trails(Context ctx) {
        replies.json(ctx, 200, trails.all(Replies.points(ctx, DEFAULT_FLEET_TRAIL_POINTS)));
    }
}
