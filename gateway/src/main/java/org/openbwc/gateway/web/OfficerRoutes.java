package org.openbwc.gateway.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import org.openbwc.gateway.audit.AuditLog;
import org.openbwc.gateway.auth.Authenticator.SignedIn;
import org.openbwc.gateway.fleet.FleetRegistry;
import org.openbwc.gateway.officers.Delivery;
import org.openbwc.gateway.officers.OfficerDirectory;
import org.openbwc.store.Officer;
import org.openbwc.store.UnitAssignment;

/**
 * The officer directory and the units' assignments over HTTP: viewers read, supervisors and admins add, change and
 * remove officers and assign or unassign a unit's officer (the check-out and check-in of a shift). Every change, and
 * every refused one, is audited.
 */
public final class OfficerRoutes {
    static final int MAX_BODY_BYTES = 4096;
    static final int HISTORY = 20;
    private static final String OFFICER_BODY =
            "{\"id\": \"4711\", \"name\": \"Kari Nordmann\", \"callsign\": \"ALPHA 1\"}";

    private final OfficerDirectory officers;
    private final KnownUnits knownUnits;
    private final AuditLog audit;
    private final ObjectMapper mapper;
    private final Replies replies;

    public OfficerRoutes(
            OfficerDirectory officers, FleetRegistry registry, String gatewayId, AuditLog audit, ObjectMapper mapper) {
        this.officers = officers;
        this.knownUnits = new KnownUnits(registry, gatewayId);
        this.audit = audit;
        this.mapper = mapper;
        this.replies = new Replies(mapper);
    }

    /** {@code GET /api/officers}: every officer, with the unit each carries (null when none). */
    void list(Context ctx) {
        Map<String, String> unitOf = new HashMap<>();
        officers.assigned().forEach((unit, officer) -> unitOf.put(officer.id(), unit));
        List<Map<String, Object>> out = new ArrayList<>();
        for (Officer o : officers.all()) out.add(view(o, unitOf.get(o.id())));
        replies.json(ctx, 200, out);
    }

    /** {@code POST /api/officers {"id", "name", "callsign"}}: 409 when the id is taken. */
    void add(Context ctx) {
        SignedIn who = WebAccess.operator(ctx);
        JsonNode body = JsonBodies.object(ctx, mapper, MAX_BODY_BYTES, OFFICER_BODY);
        String id = JsonBodies.text(body, "id");
        if (id == null)
            throw refuse(who, "officer.add", null, 400, "\"id\" is missing (expected " + OFFICER_BODY + ")");
        Officer officer =
                officer(who, "officer.add", id, JsonBodies.text(body, "name"), JsonBodies.text(body, "callsign"));
        try {
            officers.add(officer);
        } catch (IllegalStateException e) {
            throw refuse(who, "officer.add", id, 409, e.getMessage() + "; change it with PUT /api/officers/" + id);
        }
        audit.record(who.username(), "officer.add", id, "ok", fields(officer));
        replies.json(ctx, 200, view(officer, null));
    }

    /** {@code PUT /api/officers/{id} {"name", "callsign"}}: a unit carrying the officer is told. */
    void update(Context ctx) {
        SignedIn who = WebAccess.operator(ctx);
        String id = ctx.pathParam("id");
        JsonNode body = JsonBodies.object(ctx, mapper, MAX_BODY_BYTES, "{\"name\": \"...\", \"callsign\": \"...\"}");
        Officer officer =
                officer(who, "officer.update", id, JsonBodies.text(body, "name"), JsonBodies.text(body, "callsign"));
        Officer before;
        try {
            before = officers.update(officer, who.username());
        } catch (NoSuchElementException e) {
            throw refuse(who, "officer.update", id, 404, e.getMessage() + "; add it with POST /api/officers");
        }
        Map<String, Object> details = new LinkedHashMap<>(fields(officer));
        details.put("was", fields(before));
        audit.record(who.username(), "officer.update", id, "ok", details);
        replies.json(ctx, 200, view(officer, null));
    }

    /** {@code DELETE /api/officers/{id}}: 409 while the officer carries a unit. */
    void remove(Context ctx) {
        SignedIn who = WebAccess.operator(ctx);
        String id = ctx.pathParam("id");
        Officer removed;
        try {
            removed = officers.remove(id);
        } catch (NoSuchElementException e) {
            throw refuse(who, "officer.remove", id, 404, e.getMessage());
        } catch (IllegalStateException e) {
            throw refuse(who, "officer.remove", id, 409, e.getMessage());
        }
        audit.record(who.username(), "officer.remove", id, "ok", fields(removed));
        ctx.status(204);
    }

    /** {@code GET /api/units/{id}/officer}: the officer the unit carries (null when none) and its recent history. */
    void unitOfficer(Context ctx) {
        String unit = ctx.pathParam("id");
        Optional<Officer> officer = officers.officerOf(unit);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("unitId", unit);
        out.put("officer", officer.map(o -> view(o, unit)).orElse(null));
        out.put(
                "history",
                officers.history(unit, HISTORY).stream()
                        .map(OfficerRoutes::view)
                        .toList());
        replies.json(ctx, 200, out);
    }

    /** {@code PUT /api/units/{id}/officer {"officerId"}}: the check-out; the unit's answer (or why none yet) in it. */
    void assign(Context ctx) {
        SignedIn who = WebAccess.operator(ctx);
        String unit = ctx.pathParam("id");
        JsonNode body = JsonBodies.object(ctx, mapper, MAX_BODY_BYTES, "{\"officerId\": \"4711\"}");
        String officerId = JsonBodies.text(body, "officerId");
        if (officerId == null || officerId.isBlank()) {
            throw refuse(
                    who,
                    "officer.assign",
                    unit,
                    400,
                    "\"officerId\" is missing (expected {\"officerId\": \"4711\"}; to unassign, DELETE /api/units/"
                            + unit + "/officer)");
        }
        try {
            knownUnits.get(unit);
        } catch (ApiError e) {
            audit.record(who.username(), "officer.assign", unit, "refused", Map.of("error", e.getMessage()));
            throw e;
        }
        Delivery delivery;
        try {
            delivery = officers.assign(unit, officerId, who.username());
        } catch (NoSuchElementException e) {
            throw refuse(
                    who,
                    "officer.assign",
                    unit,
                    404,
                    e.getMessage() + " in the directory; add the officer first (POST /api/officers)");
        } catch (IllegalStateException e) {
            throw refuse(who, "officer.assign", unit, 409, e.getMessage());
        }
        audit.record(
                who.username(),
                "officer.assign",
                unit,
                "ok",
                Map.of("officerId", officerId, "delivery", delivery.outcome()));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("unitId", unit);
        out.put("officer", officers.find(officerId).map(o -> view(o, unit)).orElse(null));
        out.put("delivery", delivery);
        replies.json(ctx, 200, out);
    }

    /** {@code DELETE /api/units/{id}/officer}: the check-in; the unit is told even when it carried nobody. */
    void unassign(Context ctx) {
        SignedIn who = WebAccess.operator(ctx);
        String unit = ctx.pathParam("id");
        try {
            knownUnits.get(unit);
        } catch (ApiError e) {
            audit.record(who.username(), "officer.unassign", unit, "refused", Map.of("error", e.getMessage()));
            throw e;
        }
        OfficerDirectory.Unassignment done = officers.unassign(unit, who.username());
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("officerId", done.ended() == null ? "" : done.ended().officerId());
        details.put("delivery", done.delivery().outcome());
        audit.record(who.username(), "officer.unassign", unit, "ok", details);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("unitId", unit);
        out.put("ended", done.ended() == null ? null : view(done.ended()));
        out.put("delivery", done.delivery());
        replies.json(ctx, 200, out);
    }

    private Officer officer(SignedIn who, String action, String id, String name, String callsign) {
        try {
            return new Officer(id, name, callsign);
        } catch (IllegalArgumentException e) {
            throw refuse(who, action, id, 400, e.getMessage());
        }
    }

    private ApiError refuse(SignedIn who, String action, String target, int status, String message) {
        audit.record(who.username(), action, target, "refused", Map.of("error", message));
        return new ApiError(status, message, null);
    }

    private static Map<String, Object> fields(Officer o) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", o.name());
        m.put("callsign", o.callsign());
        return m;
    }

    private static Map<String, Object> view(Officer o, String unitId) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", o.id());
        m.put("name", o.name());
        m.put("callsign", o.callsign());
        m.put("unitId", unitId);
        return m;
    }

    private static Map<String, Object> view(UnitAssignment a) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("unitId", a.unitId());
        m.put("officerId", a.officerId());
        m.put("assignedAt", a.assignedAt().toString());
        m.put("assignedBy", a.assignedBy());
        m.put("unassignedAt", a.unassignedAt() == null ? null : a.unassignedAt().toString());
        m.put("unassignedBy", a.unassignedBy());
        m.put("endReason", a.endReason());
        return m;
    }
}
