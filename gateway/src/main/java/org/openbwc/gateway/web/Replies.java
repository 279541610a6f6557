package org.openbwc.gateway.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Map;
import org.tinylog.Logger;

/**
 * How routes answer: a body as JSON, or an error as {@code {"error": "...", "unit": "..."}}; and the {@code ?points=N}
 * query parameter that the list routes share.
 */
final class Replies {

    private static final String HANDLED = "openbwc.error-written";

    private final ObjectMapper mapper;

    Replies(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    void json(Context ctx, int status, Object body) {
        try {
            ctx.status(status).contentType("application/json").result(mapper.writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render " + body.getClass().getSimpleName() + " as JSON", e);
        }
    }

    void error(Context ctx, int status, String message, String unit) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", message);
        if (unit != null) body.put("unit", unit);
        ctx.attribute(HANDLED, true);
        if (status >= 500) Logger.debug("HTTP {} {} -> {}: {}", ctx.method(), ctx.path(), status, message);
        json(ctx, status, body);
    }

    /** Whether an error body was already written for this request (Javalin's 404/405 handlers run after it). */
    static boolean handled(Context ctx) {
        return ctx.attribute(HANDLED) != null;
    }

    /** The optional {@code ?points=N} (or {@code ?limit=N}) query parameter, 1..max. */
    static int points(Context ctx, int max) {
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
}
