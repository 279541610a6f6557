package org.openbwc.gateway.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Map;
import org.openbwc.gateway.auth.Authenticator.SignedIn;
import org.openbwc.gateway.fleet.FleetRegistry;
import org.openbwc.gateway.live.TalkCalls;
import org.openbwc.protocol.TalkFrame;

/**
 * Voice calls over HTTP: a supervisor opens a call to a unit they watch live ({@code POST /api/units/{id}/calls}) and
 * ends it ({@code DELETE /api/units/{id}/calls/{callId}}); anyone signed in may see whether a unit is in a call. The
 * voice itself goes over the live view's WebSocket ({@link LiveSockets}).
 */
public final class TalkRoutes {
    private final TalkCalls talk;
    private final KnownUnits knownUnits;
    private final Replies replies;

    public TalkRoutes(String gatewayId, FleetRegistry registry, TalkCalls talk, ObjectMapper mapper) {
        this.talk = talk;
        this.knownUnits = new KnownUnits(registry, gatewayId);
        this.replies = new Replies(mapper);
    }

    void open(Context ctx) {
        String id = ctx.pathParam("id");
        knownUnits.get(id);
        SignedIn who = WebAccess.operator(ctx);
        TalkCalls.Call call;
        try {
            call = talk.open(id, who.username(), who.claims().nonce());
        } catch (TalkCalls.TalkRefusedException e) {
            throw new ApiError(e.status(), e.getMessage(), id);
        }
        replies.json(ctx, 200, describe(call));
    }

    void close(Context ctx) {
        String id = ctx.pathParam("id");
        String callId = ctx.pathParam("callId");
        SignedIn who = WebAccess.operator(ctx);
        if (!talk.close(id, callId, who.username(), "ended by " + who.username())) {
            throw new ApiError(404, "call " + callId + " of unit " + id + " is not open (it may have ended)", id);
        }
        replies.json(ctx, 200, Map.of("unitId", id, "callId", callId, "ended", true));
    }

    void current(Context ctx) {
        String id = ctx.pathParam("id");
        knownUnits.get(id);
        replies.json(ctx, 200, talk.call(id).map(TalkRoutes::describe).orElse(Map.of("unitId", id)));
    }

    private static Map<String, Object> describe(TalkCalls.Call call) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("unitId", call.unitId());
        body.put("callId", call.callId());
        body.put("tag", TalkFrame.tagOf(call.callId()));
        body.put("by", call.by());
        body.put("since", call.since().toString());
        return body;
    }
}
