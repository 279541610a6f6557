package org.openbwc.gateway.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.openbwc.gateway.audit.AuditLog;
import org.openbwc.gateway.audit.AuditQuery;
import org.openbwc.gateway.audit.AuditVerification;
import org.openbwc.gateway.auth.Authenticator;
import org.openbwc.gateway.auth.Authenticator.SignedIn;
import org.openbwc.gateway.auth.Operator;
import org.openbwc.gateway.auth.OperatorDirectory;
import org.openbwc.gateway.auth.PasswordHasher;
import org.openbwc.gateway.auth.Role;

/**
 * What only an admin does: reads the audit log (filtered) and its chain check, and manages the operator accounts
 * (add, role, disable and enable, password reset; never showing a password hash). Every change, and every refused
 * one, is audited.
 *
 * <p>Role changes apply to open sessions at their next request (the role is read from the accounts file on each);
 * disabling an account or resetting its password ends its open sessions for good. No change may leave the gateway
 * without an enabled admin, and an admin cannot disable their own account.
 */
public final class AdminRoutes {

    static final int MAX_AUDIT_ENTRIES = 1000;
    static final int MAX_BODY_BYTES = 4096;

    private final AuditLog audit;
    private final OperatorDirectory directory;
    private final PasswordHasher hasher;
    private final Clock clock;
    private final ObjectMapper mapper;
    private final Replies replies;

    public AdminRoutes(AuditLog audit, Authenticator auth, ObjectMapper mapper) {
        this.audit = audit;
        this.directory = auth.directory();
        this.hasher = auth.hasher();
        this.clock = Clock.systemUTC();
        this.mapper = mapper;
        this.replies = new Replies(mapper);
    }

    /**
     * {@code GET /api/audit?actor=&action=&target=&from=&to=&limit=}: newest first. {@code unit} is another name for
     * {@code target}; {@code from} and {@code to} are ISO instants ({@code 2026-12-06T15:00:00Z}).
     */
    void audit(Context ctx) {
        AuditQuery query = new AuditQuery(
                filter(ctx, "actor"),
                filter(ctx, "action"),
                filter(ctx, "target") != null ? filter(ctx, "target") : filter(ctx, "unit"),
                instant(ctx, "from"),
                instant(ctx, "to"),
                Replies.points(ctx, MAX_AUDIT_ENTRIES));
        replies.json(ctx, 200, audit.find(query));
    }

    /** {@code GET /api/audit/verify}: the check {@code bwc gateway audit verify} runs, on the whole log. */
    void verifyAudit(Context ctx) {
        AuditVerification v = audit.verify();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("intact", v.intact());
        m.put("entries", v.entries());
        m.put("unkeyedEntries", v.unkeyedEntries());
        m.put("checkpoints", v.checkpoints());
        m.put("lastSeq", v.lastSeq());
        m.put("tornLines", v.tornLines());
        m.put("brokenLine", v.intact() ? null : v.brokenLine());
        m.put("problem", v.intact() ? null : v.problem());
        m.put("lastCheckpointSeq", v.lastCheckpointSeq() == 0 ? null : v.lastCheckpointSeq());
        m.put(
                "lastCheckpointAt",
                v.lastCheckpointAt() == null ? null : v.lastCheckpointAt().toString());
        m.put("checkedAt", clock.instant().toString());
        replies.json(ctx, 200, m);
    }

    /** {@code GET /api/users}. */
    void users(Context ctx) {
        List<Map<String, Object>> list = new ArrayList<>();
        for (Operator op : directory.all()) list.add(view(op));
        replies.json(ctx, 200, list);
    }

    /** {@code POST /api/users {"username", "role", "password"}}: 409 when the name is taken. */
    void addUser(Context ctx) {
        SignedIn who = WebAccess.operator(ctx);
        JsonNode body = JsonBodies.object(
                ctx, mapper, MAX_BODY_BYTES, "{\"username\": \"...\", \"role\": \"viewer\", \"password\": \"...\"}");
        String name = JsonBodies.text(body, "username");
        if (name == null) throw refuse(who, "user.add", null, 400, "\"username\" is missing");
        try {
            Operator.checkName(name);
        } catch (IllegalArgumentException e) {
            throw refuse(who, "user.add", null, 400, e.getMessage());
        }
        Role role = role(who, "user.add", name, JsonBodies.text(body, "role"));
        String hash = hash(who, "user.add", name, JsonBodies.text(body, "password"));
        Operator op = new Operator(name, role, hash, clock.instant());
        if (!directory.addIfAbsent(op)) {
            throw refuse(who, "user.add", name, 409, "user '" + name + "' already exists; choose another name");
        }
        audit.record(who.username(), "user.add", name, "ok", Map.of("role", role.wire()));
        replies.json(ctx, 200, view(op));
    }

    /** {@code POST /api/users/{name}/role {"role"}}: applies to the account's open sessions at once. */
    void setRole(Context ctx) {
        SignedIn who = WebAccess.operator(ctx);
        String name = ctx.pathParam("name");
        JsonNode body = JsonBodies.object(ctx, mapper, MAX_BODY_BYTES, "{\"role\": \"viewer|supervisor|admin\"}");
        Role role = role(who, "user.role", name, JsonBodies.text(body, "role"));
        Role[] was = new Role[1];
        Operator op = change(who, "user.role", name, o -> {
            was[0] = o.role();
            return o.withRole(role);
        });
        audit.record(who.username(), "user.role", name, "ok", ordered("from", was[0].wire(), "to", role.wire()));
        replies.json(ctx, 200, view(op));
    }

    /** {@code POST /api/users/{name}/disable}: the account cannot sign in, and its open sessions end. */
    void disable(Context ctx) {
        SignedIn who = WebAccess.operator(ctx);
        String name = ctx.pathParam("name");
        if (name.equals(who.username())) {
            throw refuse(
                    who,
                    "user.disable",
                    name,
                    409,
                    "you cannot disable your own account (" + name + "); another admin can");
        }
        Instant now = now();
        Operator op = change(who, "user.disable", name, o -> o.withDisabled(true, now));
        audit.record(who.username(), "user.disable", name, "ok", Map.of());
        replies.json(ctx, 200, view(op));
    }

    /** {@code POST /api/users/{name}/enable}: may sign in again; sessions ended by the disable stay ended. */
    void enable(Context ctx) {
        SignedIn who = WebAccess.operator(ctx);
        String name = ctx.pathParam("name");
        Instant now = now();
        Operator op = change(who, "user.enable", name, o -> o.withDisabled(false, now));
        audit.record(who.username(), "user.enable", name, "ok", Map.of());
        replies.json(ctx, 200, view(op));
    }

    /** {@code POST /api/users/{name}/password {"password"}}: a new password; the account's open sessions end. */
    void resetPassword(Context ctx) {
        SignedIn who = WebAccess.operator(ctx);
        String name = ctx.pathParam("name");
        JsonNode body = JsonBodies.object(ctx, mapper, MAX_BODY_BYTES, "{\"password\": \"...\"}");
        if (directory.find(name).isEmpty()) throw refuse(who, "user.password", safe(name), 404, noSuchUser(name));
        String hash = hash(who, "user.password", name, JsonBodies.text(body, "password"));
        Instant now = now();
        Operator op = change(who, "user.password", name, o -> o.withPasswordHash(hash, now));
        // Never the password or its hash: only that it changed.
        audit.record(who.username(), "user.password", name, "ok", Map.of("sessionsEnded", true));
        Map<String, Object> reply = view(op);
        reply.put("signedOut", name.equals(who.username()));
        replies.json(ctx, 200, reply);
    }

    /** Sessions signed in before this end (to the millisecond, as session tokens carry their start). */
    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    private Operator change(SignedIn who, String action, String name, UnaryOperator<Operator> change) {
        Optional<Operator> changed;
        try {
            changed = directory.update(name, change);
        } catch (IllegalStateException e) {
            throw refuse(who, action, name, 409, "refused: " + e.getMessage());
        }
        return changed.orElseThrow(() -> refuse(who, action, safe(name), 404, noSuchUser(name)));
    }

    private Role role(SignedIn who, String action, String target, String text) {
        if (text == null)
            throw refuse(who, action, target, 400, "\"role\" is missing (allowed: " + Role.allowed() + ")");
        try {
            return Role.fromWire(text);
        } catch (IllegalArgumentException e) {
            throw refuse(who, action, target, 400, e.getMessage());
        }
    }

    /** The password's hash, once it keeps the rules {@code bwc gateway user add} enforces. */
    private String hash(SignedIn who, String action, String target, String password) {
        if (password == null) throw refuse(who, action, target, 400, "\"password\" is missing");
        try {
            PasswordHasher.check(password);
        } catch (IllegalArgumentException e) {
            throw refuse(who, action, target, 400, e.getMessage());
        }
        return hasher.hash(password);
    }

    /** Audits a refused change; returns the error the operator sees, for the caller to throw. */
    private ApiError refuse(SignedIn who, String action, String target, int status, String message) {
        audit.record(who.username(), action, target, "refused", ordered("status", status, "reason", message));
        return new ApiError(status, message, null);
    }

    /** Audit details in the order given (Map.of's order changes from run to run). */
    private static Map<String, Object> ordered(String k1, Object v1, String k2, Object v2) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(k1, v1);
        m.put(k2, v2);
        return m;
    }

    private static Map<String, Object> view(Operator op) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("username", op.name());
        m.put("role", op.role().wire());
        m.put("created", op.created().toString());
        m.put("disabled", op.disabled());
        return m;
    }

    private static String noSuchUser(String name) {
        return "no user '" + name + "'";
    }

    private static boolean validName(String name) {
        try {
            Operator.checkName(name);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** A name from the path for the audit log, only when it could be a user name. */
    private static String safe(String name) {
        return validName(name) ? name : null;
    }

    private static String filter(Context ctx, String name) {
        String v = ctx.queryParam(name);
        if (v == null || v.isBlank()) return null;
        if (v.length() > 200) throw new ApiError(400, "'" + name + "' is longer than 200 characters", null);
        return v.strip();
    }

    private static Instant instant(Context ctx, String name) {
        String v = filter(ctx, name);
        if (v == null) return null;
        try {
            return Instant.parse(v);
        } catch (DateTimeParseException e) {
            throw new ApiError(400, "'" + name + "' must be a time like 2026-12-06T15:00:00Z, not '" + v + "'", null);
        }
    }
}
