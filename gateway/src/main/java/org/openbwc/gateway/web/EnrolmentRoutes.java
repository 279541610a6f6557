package org.openbwc.gateway.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.openbwc.gateway.audit.AuditLog;
import org.openbwc.gateway.auth.Authenticator.SignedIn;
import org.openbwc.gateway.identity.EnrolledUnit;
import org.openbwc.gateway.identity.EnrolmentRefusedException;
import org.openbwc.gateway.identity.EnrolmentService;
import org.openbwc.gateway.identity.UnitDirectory.IssuedToken;

/**
 * Enrolment over HTTP: a unit's {@code POST /api/enrol} (no session: the one-time token is its credential; units call
 * it on the units' listener), and the admin's side: issue a token ({@code POST /api/enrolments}), list the units
 * ({@code GET /api/enrolments}) and revoke one ({@code POST /api/units/{id}/revoke}), each audited.
 */
public final class EnrolmentRoutes {
    /** A request carries a unit id, a token, a CSR and a public key: a few KiB at most. */
    public static final int MAX_ENROL_BODY_BYTES = 32 * 1024;

    static final int MAX_ADMIN_BODY_BYTES = 4096;

    private final EnrolmentService enrolment;
    private final AuditLog audit;
    private final ObjectMapper mapper;
    private final Replies replies;
    private final Supplier<String> enrolmentUrl;

    public EnrolmentRoutes(EnrolmentService enrolment, AuditLog audit, ObjectMapper mapper) {
        this(enrolment, audit, mapper, () -> null);
    }

    /**
     * @param enrolmentUrl the units' listener as a unit reaches it, for the config lines shown with a new token (the
     *     port is known once the server is bound); null when unknown
     */
    public EnrolmentRoutes(
            EnrolmentService enrolment, AuditLog audit, ObjectMapper mapper, Supplier<String> enrolmentUrl) {
        this.enrolment = enrolment;
        this.audit = audit;
        this.mapper = mapper;
        this.replies = new Replies(mapper);
        this.enrolmentUrl = enrolmentUrl;
    }

    /**
     * {@code POST /api/enrol}: {@code {unitId, token, csr, evidenceKey}} to {@code {certificate, ca,
     * evidenceKeyFingerprint, agencyKey}} ({@code agencyKey} only when the gateway has one).
     */
    void enrol(Context ctx) {
        JsonNode body = JsonBodies.object(
                ctx, mapper, MAX_ENROL_BODY_BYTES, "{\"unitId\", \"token\", \"csr\", \"evidenceKey\"}");
        String unitId = JsonBodies.text(body, "unitId");
        String ip = ctx.ip();
        EnrolmentService.Enrolled enrolled;
        try {
            enrolled = enrolment.enrol(
                    ip,
                    unitId,
                    JsonBodies.text(body, "token"),
                    JsonBodies.text(body, "csr"),
                    JsonBodies.text(body, "evidenceKey"));
        } catch (EnrolmentRefusedException e) {
            // Throttled attempts are not audited: the throttle exists so they cannot flood anything.
            if (e.status() != 429 && e.status() != 400) {
                audit.record("unit", "unit.enrol", safeId(unitId), "refused", Map.of("ip", ip, "status", e.status()));
            }
            if (e.status() == 429) ctx.header("Retry-After", "60");
            throw new ApiError(e.status(), e.getMessage(), null);
        }
        audit.record(
                "unit",
                "unit.enrol",
                enrolled.unitId(),
                "ok",
                Map.of(
                        "ip",
                        ip,
                        "serial",
                        enrolled.certificate().getSerialNumber().toString(16),
                        "evidenceKey",
                        enrolled.evidenceKeyFingerprint()));
        Map<String, Object> reply = new LinkedHashMap<>();
        reply.put("certificate", enrolled.certificatePem());
        reply.put("ca", enrolled.caPem());
        reply.put("evidenceKeyFingerprint", enrolled.evidenceKeyFingerprint());
        // Left out, not null, without a key: a unit of an older release reads only the fields it knows.
        enrolled.agencyKeyPem().ifPresent(pem -> reply.put("agencyKey", pem));
        replies.json(ctx, 200, reply);
    }

    /** {@code POST /api/enrolments {"unitId"}}: a one-time token, shown once. */
    void add(Context ctx) {
        SignedIn who = WebAccess.operator(ctx);
        JsonNode body = JsonBodies.object(ctx, mapper, MAX_ADMIN_BODY_BYTES, "{\"unitId\": \"...\"}");
        String unitId = JsonBodies.text(body, "unitId");
        if (unitId == null) throw new ApiError(400, "\"unitId\" is missing (expected {\"unitId\": \"...\"})", null);
        IssuedToken token;
        try {
            token = enrolment.add(unitId);
        } catch (IllegalArgumentException e) {
            throw new ApiError(400, e.getMessage(), null);
        } catch (IllegalStateException e) {
            audit.record(who.username(), "unit.add", unitId, "refused", Map.of());
            throw new ApiError(409, e.getMessage(), unitId);
        }
        audit.record(
                who.username(),
                "unit.add",
                unitId,
                "ok",
                Map.of("expiresAt", token.expiresAt().toString(), "reenrolment", token.reenrolment()));
        Map<String, Object> reply = new LinkedHashMap<>();
        reply.put("unitId", unitId);
        reply.put("token", token.token());
        reply.put("expiresAt", token.expiresAt().toString());
        reply.put("caFingerprint", enrolment.caFingerprint().orElse(null));
        reply.put("reenrolment", token.reenrolment());
        reply.put("enrolmentUrl", enrolmentUrl.get());
        replies.json(ctx, 200, reply);
    }

    /** {@code GET /api/enrolments}: every unit the agency knows, without token hashes. */
    void list(Context ctx) {
        List<Map<String, Object>> list = new ArrayList<>();
        Instant now = Instant.now();
        for (EnrolledUnit u : enrolment.directory().all()) list.add(view(u, now));
        replies.json(ctx, 200, list);
    }

    /** {@code POST /api/units/{id}/revoke}. */
    void revoke(Context ctx) {
        SignedIn who = WebAccess.operator(ctx);
        String id = ctx.pathParam("id");
        EnrolledUnit unit = enrolment
                .revoke(id)
                .orElseThrow(() -> new ApiError(404, "no unit '" + id + "' in the unit directory", id));
        audit.record(who.username(), "unit.revoke", id, "ok", Map.of("serials", unit.serials()));
        replies.json(ctx, 200, view(unit, Instant.now()));
    }

    static Map<String, Object> view(EnrolledUnit u, Instant now) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("unitId", u.id());
        m.put("state", u.state().wire());
        m.put("addedAt", u.addedAt().toString());
        m.put("tokenExpiresAt", u.tokenOpen(now) ? u.tokenExpiresAt().toString() : null);
        m.put("enrolledAt", u.enrolledAt() == null ? null : u.enrolledAt().toString());
        m.put("certificateSerial", u.certificateSerial());
        m.put(
                "certificateExpiresAt",
                u.certificateExpiresAt() == null
                        ? null
                        : u.certificateExpiresAt().toString());
        m.put("evidenceKeyFingerprint", u.evidenceKeyFingerprint());
        m.put("revokedAt", u.revokedAt() == null ? null : u.revokedAt().toString());
        return m;
    }

    /** A unit id as sent, for the audit log only once it is a valid id. */
    private static String safeId(String unitId) {
        return unitId != null && unitId.matches("[A-Za-z0-9_-]{1,64}") ? unitId : null;
    }
}
