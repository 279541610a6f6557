package org.openbwc.gateway.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openbwc.gateway.alerts.Alert;
import org.openbwc.gateway.alerts.AlertBoard;
import org.openbwc.gateway.audit.AuditLog;
import org.openbwc.gateway.auth.Authenticator.SignedIn;

/**
 * The alerts of the monitoring room: the list, and a supervisor's acknowledgement, resolution (an SOS needs a note
 * saying why it is over) and acknowledgement of every open info alert; each audited once.
 */
public final class AlertRoutes {

    /** Longest note kept with an acknowledgement or resolution. */
    static final int MAX_NOTE_CHARS = 500;

    private static final int MAX_BODY_BYTES = 8 * 1024;

    private final AlertBoard alerts;
    private final AuditLog audit;
    private final ObjectMapper mapper;
    private final Replies replies;

    public AlertRoutes(AlertBoard alerts, AuditLog audit, ObjectMapper mapper) {
        this.alerts = alerts;
        this.audit = audit;
        this.mapper = mapper;
        this.replies = new Replies(mapper);
    }

    void all(Context ctx) {
        replies.json(ctx, 200, alerts.all());
    }

    void acknowledge(Context ctx) {
        String id = ctx.pathParam("id");
        SignedIn who = WebAccess.operator(ctx);
        String note = note(ctx);
        Alert before = find(id);
        Alert after = alerts.acknowledge(id, who.username(), note).orElseThrow();
        if (before.state() == Alert.State.OPEN) audit(who, "alert.ack", before, note);
        replies.json(ctx, 200, after);
    }

    void resolve(Context ctx) {
        String id = ctx.pathParam("id");
        SignedIn who = WebAccess.operator(ctx);
        String note = note(ctx);
        Alert before = find(id);
        if (before.state() == Alert.State.RESOLVED) {
            replies.json(ctx, 200, before);
            return;
        }
        if (before.type() == Alert.Type.SOS && note == null) {
            throw new ApiError(
                    400,
                    "resolving an SOS needs a note saying why it is over (for example \"officer safe, spoke by"
                            + " radio\"): send {\"note\": \"...\"}",
                    before.unitId());
        }
        Alert after = alerts.resolve(id, who.username(), note).orElseThrow();
        audit(who, "alert.resolve", before, note);
        replies.json(ctx, 200, after);
    }

    void acknowledgeAllInfo(Context ctx) {
        SignedIn who = WebAccess.operator(ctx);
        List<Alert> done = alerts.acknowledgeAllInfo(who.username());
        if (!done.isEmpty()) {
            audit.record(
                    who.username(),
                    "alert.ack-info",
                    "",
                    "ok",
                    Map.of(
                            "count",
                            Integer.toString(done.size()),
                            "alerts",
                            String.join(",", done.stream().map(Alert::id).toList())));
        }
        replies.json(ctx, 200, Map.of("acknowledged", done.size()));
    }

    private Alert find(String id) {
        return alerts.find(id)
                .orElseThrow(() ->
                        new ApiError(404, "no alert '" + id + "' (it may have ended long ago and been pruned)", null));
    }

    private void audit(SignedIn who, String action, Alert a, String note) {
        Map<String, String> details = new LinkedHashMap<>();
        details.put("alert", a.id());
        details.put("type", a.type().wire());
        if (note != null) details.put("note", note);
        audit.record(who.username(), action, a.unitId(), "ok", details);
    }

    /** The optional {@code {"note": "..."}} body: null when absent or blank. */
    private String note(Context ctx) {
        JsonNode body = JsonBodies.optionalObject(ctx, mapper, MAX_BODY_BYTES, "{\"note\": \"...\"}");
        String text = body == null ? null : JsonBodies.text(body, "note");
        if (text == null) return null;
        String note = text.strip();
        if (note.length() > MAX_NOTE_CHARS) {
            throw new ApiError(
                    400,
                    "the note has " + note.length() + " characters; at most " + MAX_NOTE_CHARS + " are kept",
                    null);
        }
        return note.isEmpty() ? null : note;
    }
}
