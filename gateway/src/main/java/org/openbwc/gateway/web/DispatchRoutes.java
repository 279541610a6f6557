package org.openbwc.gateway.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.openbwc.gateway.auth.Authenticator.SignedIn;
import org.openbwc.gateway.dispatch.DispatchRefusedException;
import org.openbwc.gateway.dispatch.DispatchRequest;
import org.openbwc.gateway.dispatch.DispatchService;
import org.openbwc.gateway.dispatch.DispatchView;
import org.openbwc.store.EvidenceIndexException;

/**
 * Dispatch in the HTTP API: place an incident and get the nearest units ({@code POST /api/dispatches}), send units
 * ({@code POST /api/dispatches/{id}/assign}), follow one ({@code GET /api/dispatches/{id}}), cancel it
 * ({@code DELETE}), and a unit's history ({@code GET /api/units/{id}/dispatches}). Supervisors dispatch; viewers see.
 */
public final class DispatchRoutes {
    static final int MAX_BODY_BYTES = 8192;
    static final int MAX_HISTORY = 200;

    private static final String CREATE_EXAMPLE =
            "{\"lat\": 52.52, \"lon\": 13.405, \"note\": \"shop alarm\", \"priority\": \"urgent\"}";
    private static final String ASSIGN_EXAMPLE = "{\"units\": [\"bwc-0001\"]}";

    private final DispatchService dispatches;
    private final ObjectMapper mapper;
    private final Replies replies;

    public DispatchRoutes(DispatchService dispatches, ObjectMapper mapper) {
        this.dispatches = dispatches;
        this.mapper = mapper;
        this.replies = new Replies(mapper);
    }

    void mount(Javalin app) {
        app.get("/api/dispatches", this::open, Access.VIEWER);
        app.get("/api/dispatches/{id}", this::get, Access.VIEWER);
        app.get("/api/dispatches/{id}/candidates", this::candidates, Access.VIEWER);
        app.get("/api/units/{id}/dispatches", this::history, Access.VIEWER);
        app.post("/api/dispatches", this::create, Access.SUPERVISOR);
        app.post("/api/dispatches/{id}/assign", this::assign, Access.SUPERVISOR);
        app.delete("/api/dispatches/{id}", this::cancel, Access.SUPERVISOR);
    }

    void create(Context ctx) {
        SignedIn who = WebAccess.operator(ctx);
        JsonNode body = JsonBodies.object(ctx, mapper, MAX_BODY_BYTES, CREATE_EXAMPLE);
        DispatchRequest request;
        try {
            request = new DispatchRequest(
                    number(body, "lat"),
                    number(body, "lon"),
                    JsonBodies.text(body, "note"),
                    body.hasNonNull("priority") ? JsonBodies.text(body, "priority") : "routine");
        } catch (IllegalArgumentException e) {
            throw new ApiError(400, e.getMessage(), null);
        }
        int limit = limit(body.get("limit"));
        DispatchService.Placed placed = run(() -> dispatches.create(request, who.username(), limit));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", placed.dispatch().id());
        out.put("candidates", placed.candidates());
        out.put("dispatch", placed.dispatch());
        replies.json(ctx, 201, out);
    }

    void assign(Context ctx) {
        SignedIn who = WebAccess.operator(ctx);
        JsonNode body = JsonBodies.object(ctx, mapper, MAX_BODY_BYTES, ASSIGN_EXAMPLE);
        JsonNode units = body.get("units");
        if (units == null || !units.isArray()) {
            throw new ApiError(400, "\"units\" must be a list of unit ids, like " + ASSIGN_EXAMPLE, null);
        }
        List<String> ids = new ArrayList<>();
        for (JsonNode u : units) {
            if (!u.isTextual() || u.asText().isBlank()) {
                throw new ApiError(400, "\"units\" must hold unit ids as text, not " + u, null);
            }
            ids.add(u.asText());
        }
        DispatchView view = run(() -> dispatches.assign(ctx.pathParam("id"), ids, who.username()));
        replies.json(ctx, 200, view);
    }

    void get(Context ctx) {
        replies.json(ctx, 200, run(() -> dispatches.get(ctx.pathParam("id"))));
    }

    void open(Context ctx) {
        replies.json(ctx, 200, dispatches.open());
    }

    void candidates(Context ctx) {
        int limit = Replies.points(ctx, DispatchService.MAX_CANDIDATES);
        if (ctx.queryParam("limit") == null && ctx.queryParam("points") == null) {
            limit = DispatchService.DEFAULT_CANDIDATES;
        }
        int n = limit;
        replies.json(ctx, 200, run(() -> dispatches.candidates(ctx.pathParam("id"), n)));
    }

    void cancel(Context ctx) {
        SignedIn who = WebAccess.operator(ctx);
        replies.json(ctx, 200, run(() -> dispatches.cancel(ctx.pathParam("id"), who.username())));
    }

    void history(Context ctx) {
        int limit = ctx.queryParam("limit") == null ? 50 : Replies.points(ctx, MAX_HISTORY);
        replies.json(ctx, 200, run(() -> dispatches.history(ctx.pathParam("id"), limit)));
    }

    private static <T> T run(Supplier<T> action) {
        try {
            return action.get();
        } catch (DispatchRefusedException e) {
            int status = switch (e.kind()) {
                case NOT_FOUND -> 404;
                case CONFLICT -> 409;
                case BAD_REQUEST -> 400;
            };
            throw new ApiError(status, e.getMessage(), null);
        } catch (EvidenceIndexException e) {
            throw new ApiError(503, "the dispatch database failed: " + e.getMessage(), null);
        }
    }

    private static double number(JsonNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            throw new ApiError(400, "\"" + field + "\" is required, in decimal degrees, like " + CREATE_EXAMPLE, null);
        }
        if (!v.isNumber()) throw new ApiError(400, "\"" + field + "\" must be a number of decimal degrees", null);
        return v.asDouble();
    }

    private static int limit(JsonNode v) {
        if (v == null || v.isNull()) return DispatchService.DEFAULT_CANDIDATES;
        if (!v.canConvertToInt() || v.asInt() < 1 || v.asInt() > DispatchService.MAX_CANDIDATES) {
            throw new ApiError(
                    400, "\"limit\" must be a whole number from 1 to " + DispatchService.MAX_CANDIDATES, null);
        }
        return v.asInt();
    }
}
