package org.openbwc.gateway.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import io.javalin.http.Cookie;
import io.javalin.http.SameSite;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.openbwc.gateway.audit.AuditLog;
import org.openbwc.gateway.auth.Authenticator;
import org.openbwc.gateway.auth.Authenticator.Outcome;
import org.openbwc.gateway.auth.Authenticator.SignedIn;

/**
 * Sign-in, sign-out and the check in front of every protected route: a session cookie (browsers) or an
 * {@code Authorization: Bearer} token (API clients) identifies the operator, whose role must reach the route's.
 */
public final class WebAccess {

    static final String COOKIE = "bwc_session";
    static final String OPERATOR = "openbwc.operator";
    static final int MAX_LOGIN_BODY_BYTES = 4096;

    private final Authenticator auth;
    private final AuditLog audit;
    private final GatewayMetrics metrics;
    private final ObjectMapper mapper;

    public WebAccess(Authenticator auth, AuditLog audit, GatewayMetrics metrics, ObjectMapper mapper) {
        this.auth = auth;
        this.audit = audit;
        this.metrics = metrics;
        this.mapper = mapper;
    }

    /** Runs before every matched route: 401 without a valid session, 403 when the role is too low. */
    void check(Context ctx) {
        Access access = ctx.routeRoles().stream()
                .filter(Access.class::isInstance)
                .map(Access.class::cast)
                .findFirst()
                .orElse(Access.ADMIN); // a route that forgot to say is treated as the most restricted
        if (access == Access.PUBLIC) return;
        SignedIn who = authenticate(ctx, access);
        // A page on another site cannot use the cookie for a state change (SameSite=Strict); the Origin check also
        // covers browsers that ignore SameSite.
        if (!ctx.method().name().equals("GET") && ctx.header("Authorization") == null) {
            String origin = ctx.header("Origin");
            if (origin != null && !sameOrigin(origin, ctx)) {
                throw new ApiError(403, "cross-site request from " + origin + " refused", null);
            }
        }
        ctx.attribute(OPERATOR, who);
    }

    /**
     * The signed-in operator of this request, with at least the given role.
     *
     * @throws ApiError 401 without a valid session, 403 when the role is too low
     */
    SignedIn authenticate(Context ctx, Access access) {
        Optional<String> token = token(ctx);
        Optional<SignedIn> op = token.flatMap(auth::authenticate);
        if (op.isEmpty()) {
            ctx.header("WWW-Authenticate", "Bearer");
            throw new ApiError(
                    401,
                    token.isEmpty()
                            ? "sign in first: POST /api/login, then send the session cookie or Authorization: Bearer <token>"
                            : "the session has expired or was signed out; sign in again",
                    null);
        }
        SignedIn who = op.get();
        if (!who.role().includes(access.minimum)) {
            throw new ApiError(
                    403,
                    "operator " + who.username() + " (role " + who.role().wire() + ") may not " + ctx.method() + " "
                            + ctx.path() + "; it needs the role " + access.minimum.wire() + " or higher",
                    null);
        }
        return who;
    }

    /** Whether the session this request came with is still valid (a long-lived request asks now and then). */
    boolean stillSignedIn(Context ctx) {
        return token(ctx).flatMap(auth::authenticate).isPresent();
    }

    static SignedIn operator(Context ctx) {
        SignedIn who = ctx.attribute(OPERATOR);
        if (who == null) throw new IllegalStateException("route " + ctx.path() + " ran without a signed-in operator");
        return who;
    }

    void login(Context ctx) {
        JsonNode body = readJson(ctx);
        String username = text(body, "username");
        String password = text(body, "password");
        String ip = ctx.ip();
        Outcome outcome = auth.login(username, password, ip);
        switch (outcome) {
            case Outcome.Accepted a -> {
                SignedIn who = a.operator();
                long maxAge = Math.max(
                        0, Duration.between(Instant.now(), who.expiresAt()).toSeconds());
                // Secure over HTTPS, so the browser never sends the session over plain HTTP; a loopback-only plain
                // HTTP console still works.
                Cookie cookie = new Cookie(
                        COOKIE,
                        a.token(),
                        "/",
                        (int) Math.min(Integer.MAX_VALUE, maxAge),
                        ctx.req().isSecure(),
                        0,
                        true,
                        null,
                        null,
                        SameSite.STRICT);
                ctx.cookie(cookie);
                audit.record(
                        who.username(),
                        "login",
                        null,
                        "ok",
                        Map.of("ip", ip, "role", who.role().wire()));
                metrics.loginAttempt("ok");
                Map<String, Object> reply = new LinkedHashMap<>();
                reply.put("token", a.token());
                reply.put("username", who.username());
                reply.put("role", who.role().wire());
                reply.put("expiresAt", who.expiresAt().toString());
                ctx.status(200).json(reply);
            }
            case Outcome.Refused r -> {
                audit.record(safe(username), "login", null, "refused", Map.of("ip", ip));
                metrics.loginAttempt("refused");
                throw new ApiError(401, r.reason(), null);
            }
            case Outcome.Throttled t -> {
                audit.record(safe(username), "login", null, "throttled", Map.of("ip", ip));
                metrics.loginAttempt("throttled");
                // Rounded up: a client that waits exactly this long is let in.
                long seconds = Math.max(1, (t.retryAfter().toMillis() + 999) / 1000);
                ctx.header("Retry-After", Long.toString(seconds));
                throw new ApiError(429, "too many failed sign-ins; try again in " + seconds + " s", null);
            }
            case Outcome.Busy b -> {
                // Not audited: nothing was checked, and a flood of these must not flood the audit log either.
                metrics.loginAttempt("busy");
                ctx.header("Retry-After", "1");
                throw new ApiError(503, "too many sign-ins at once; try again in a moment", null);
            }
        }
    }

    void logout(Context ctx) {
        SignedIn who = operator(ctx);
        auth.logout(who);
        ctx.removeCookie(COOKIE, "/");
        audit.record(who.username(), "logout", null, "ok", Map.of("ip", ctx.ip()));
        ctx.status(204);
    }

    void me(Context ctx) {
        SignedIn who = operator(ctx);
        ctx.json(Map.of(
                "username",
                who.username(),
                "role",
                who.role().wire(),
                "expiresAt",
                who.expiresAt().toString()));
    }

    private static Optional<String> token(Context ctx) {
        String header = ctx.header("Authorization");
        if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Optional.of(header.substring(7).strip());
        }
        return Optional.ofNullable(ctx.cookie(COOKIE)).filter(s -> !s.isBlank());
    }

    private JsonNode readJson(Context ctx) {
        byte[] bytes;
        try (InputStream in = ctx.req().getInputStream()) {
            bytes = in.readNBytes(MAX_LOGIN_BODY_BYTES + 1);
        } catch (IOException e) {
            throw new ApiError(400, "cannot read the request body: " + e.getMessage(), null);
        }
        if (bytes.length > MAX_LOGIN_BODY_BYTES)
            throw new ApiError(400, "sign-in body is larger than " + MAX_LOGIN_BODY_BYTES + " bytes", null);
        try {
            JsonNode tree = mapper.readTree(bytes);
            if (tree == null || !tree.isObject()) throw new IOException("not a JSON object");
            return tree;
        } catch (IOException e) {
            throw new ApiError(
                    400, "sign-in body must be JSON like {\"username\": \"...\", \"password\": \"...\"}", null);
        }
    }

    private static String text(JsonNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || !v.isTextual() || v.asText().isEmpty()) {
            throw new ApiError(
                    400,
                    "\"" + field + "\" is missing or not text (expected {\"username\": \"...\", "
                            + "\"password\": \"...\"})",
                    null);
        }
        return v.asText();
    }

    /** A user name as typed, cut and stripped of control characters for the audit log. */
    private static String safe(String username) {
        String s = username.codePoints()
                .filter(c -> !Character.isISOControl(c))
                .limit(64)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
                .toString();
        return s.isEmpty() ? "-" : s;
    }

    private static boolean sameOrigin(String origin, Context ctx) {
        try {
            URI o = URI.create(origin);
            String host = ctx.header("Host");
            return host != null && host.equalsIgnoreCase(o.getRawAuthority());
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
