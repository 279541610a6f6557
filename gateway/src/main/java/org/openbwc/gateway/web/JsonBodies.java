package org.openbwc.gateway.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Request bodies of the JSON routes: read with a size cap (413 past it, whatever the client declared), refused with a
 * message showing what was expected when they are not a JSON object, and their text fields checked.
 */
final class JsonBodies {
    private JsonBodies() {}

    /** The body as a JSON object; a missing, blank or other body is a 400 that shows {@code expected}. */
    static JsonNode object(Context ctx, ObjectMapper mapper, int maxBytes, String expected) {
        JsonNode tree = optionalObject(ctx, mapper, maxBytes, expected);
        if (tree == null) throw new ApiError(400, "request body must be a JSON object like " + expected, null);
        return tree;
    }

    /** As {@link #object}, but an empty or blank body is null (for routes whose body is optional). */
    static JsonNode optionalObject(Context ctx, ObjectMapper mapper, int maxBytes, String expected) {
        long declared = ctx.req().getContentLengthLong();
        if (declared > maxBytes) throw tooLarge(maxBytes);
        byte[] bytes;
        try (InputStream in = ctx.req().getInputStream()) {
            bytes = in.readNBytes(maxBytes + 1);
        } catch (IOException e) {
            throw new ApiError(400, "cannot read the request body: " + e.getMessage(), null);
        }
        if (bytes.length > maxBytes) throw tooLarge(maxBytes);
        if (new String(bytes, StandardCharsets.UTF_8).isBlank()) return null;
        try {
            JsonNode tree = mapper.readTree(bytes);
            if (tree == null || !tree.isObject()) throw new IOException("not a JSON object");
            return tree;
        } catch (IOException e) {
            throw new ApiError(400, "request body must be a JSON object like " + expected, null);
        }
    }

    /** A text field: null when absent or null, 400 when it is anything but text. */
    static String text(JsonNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) return null;
        if (!v.isTextual()) throw new ApiError(400, "\"" + field + "\" must be text", null);
        return v.asText();
    }

    private static ApiError tooLarge(int maxBytes) {
        return new ApiError(413, "request body is larger than " + maxBytes + " bytes", null);
    }
}
