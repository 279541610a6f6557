package org.openbwc.gateway.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import java.util.Map;
import org.openbwc.gateway.alerts.Alert;
import org.openbwc.gateway.alerts.AlertBoard;
import org.openbwc.gateway.audit.AuditLog;
import org.openbwc.gateway.auth.Authenticator.SignedIn;

/** The alerts of the monitoring room: the list, and a supervisor's acknowledgement (audited once). */
public final class AlertRoutes {

    private final AlertBoard alerts;
    private final AuditLog audit;
    private final Replies replies;

    public AlertRoutes(AlertBoard alerts, AuditLog audit, ObjectMapper mapper) {
        this.alerts = alerts;
        this.audit = audit;
        this.replies = new Replies(mapper);
    }

    void all(Context ctx) {
        replies.json(ctx, 200, alerts.all());
    }

    void acknowledge(Context ctx) {
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
        replies.json(ctx, 200, after);
    }
}
