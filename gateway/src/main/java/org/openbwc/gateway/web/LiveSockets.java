package org.openbwc.gateway.web;

import io.javalin.http.Context;
import io.javalin.websocket.WsConfig;
import io.javalin.websocket.WsContext;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.openbwc.gateway.audit.AuditLog;
import org.openbwc.gateway.auth.Authenticator.SignedIn;
import org.openbwc.gateway.live.LiveRelay;
import org.openbwc.gateway.live.LiveService;
import org.openbwc.gateway.live.TalkCalls;
import org.openbwc.pki.Identity;
import org.tinylog.Logger;

/**
 * The two WebSocket ends of live video: {@code /uplink/{unit}} where a unit pushes its stream (admitted by its TLS
 * client certificate and the one-time ticket it got in live.start; served on the units' listener), and {@code /api/live/{unit}/ws} where a signed-in supervisor watches
 * (admitted by a one-use token bound to the session). Every view is audited with who, which unit and how long.
 */
public final class LiveSockets {

    static final long MAX_MESSAGE_BYTES = 8L * 1024 * 1024;
    private static final String GRANT = "openbwc.live-grant";
    private static final String RELAY = "openbwc.live-relay";
    private static final String UPLINK_IDENTITY = "openbwc.uplink-identity";
    private static final String UPLINK_REFUSAL = "openbwc.uplink-refusal";
    private static final Pattern LATENCY =
            Pattern.compile("\"latency\"[^0-9-]*(-?\\d{1,9})|\"ms\"\\s*:\\s*(-?\\d{1,9})");

    private final LiveService live;
    private final WebAccess access;
    private final AuditLog audit;
    private final TalkCalls talk;
    private static final String DOWNLINK = "openbwc.talk-downlink";

    /** @param talk the voice calls that ride on these sockets: the room's voice in from viewers, out to units */
    public LiveSockets(LiveService live, WebAccess access, AuditLog audit, TalkCalls talk) {
        this.live = live;
        this.access = access;
        this.audit = audit;
        this.talk = talk;
    }

    /** Before the viewer's upgrade: a supervisor's session, and a token granted to this very session. */
    void beforeViewer(Context ctx) {
        String unitId = ctx.pathParam("id");
        SignedIn who = access.authenticate(ctx, Access.SUPERVISOR);
        Optional<LiveService.ViewerGrant> grant =
                live.redeem(ctx.queryParam("token"), unitId, who.claims().nonce());
        if (grant.isEmpty()) {
            throw new ApiError(
                    403,
                    "live token for unit " + unitId + " is missing, used, expired or from another"
                            + " session; ask for a new one with POST /api/live/" + unitId,
                    unitId);
        }
        ctx.attribute(GRANT, who);
    }

    void viewer(WsConfig ws) {
        ws.onConnect(ctx -> {
            String unitId = ctx.pathParam("id");
            SignedIn who = ctx.attribute(GRANT);
            Optional<LiveRelay.Viewer> viewer;
            try {
                viewer = live.join(unitId, new LiveRelay.Sink() {
                    @Override
                    public void send(ByteBuffer message) {
                        ctx.send(message);
                    }

                    @Override
                    public void sendText(String message) {
                        ctx.send(message);
                    }
                });
            } catch (LiveService.LiveUnavailableException e) {
                ctx.send(LiveService.endMessage(e.getMessage()));
                ctx.closeSession(1008, "refused");
                return;
            }
            if (viewer.isEmpty()) {
                ctx.send(LiveService.endMessage("unit " + unitId + " is not streaming any more; ask again"));
                ctx.closeSession(1000, "not streaming");
                return;
            }
            viewer.get().onDrained(() -> ctx.closeSession(1000, "stream ended"));
            ctx.attribute("viewer", viewer.get());
            ctx.attribute("since", Instant.now());
            audit.record(who.username(), "live.open", unitId, "ok", Map.of("viewers", live.viewers(unitId)));
            Logger.info("Live: {} watches unit {} ({} viewers)", who.username(), unitId, live.viewers(unitId));
        });
        ws.onMessage(ctx -> {
            Matcher m = LATENCY.matcher(ctx.message());
            if (m.find()) {
                String n = m.group(1) != null ? m.group(1) : m.group(2);
                live.latencyReport(Long.parseLong(n));
            }
        });
        // The supervisor's voice during a call (TalkFrame); TalkCalls refuses anything else and counts it.
        ws.onBinaryMessage(ctx -> {
            SignedIn who = ctx.attribute(GRANT);
            if (who == null || ctx.attribute("viewer") == null) return;
            talk.fromViewer(
                    ctx.pathParam("id"),
                    who.username(),
                    who.claims().nonce(),
                    ByteBuffer.wrap(ctx.data(), ctx.offset(), ctx.length()));
        });
        ws.onClose(ctx -> closedViewer(ctx, "closed"));
        ws.onError(ctx -> closedViewer(ctx, "error"));
    }

    private void closedViewer(WsContext ctx, String how) {
        LiveRelay.Viewer v = ctx.attribute("viewer");
        if (v == null) return;
        ctx.attribute("viewer", null);
        String unitId = ctx.pathParam("id");
        SignedIn who = ctx.attribute(GRANT);
        live.leave(unitId, v);
        if (who != null) talk.viewerClosed(unitId, who.username(), who.claims().nonce());
        Instant since = ctx.attribute("since");
        long seconds =
                since == null ? 0 : Duration.between(since, Instant.now()).toSeconds();
        audit.record(
                who == null ? "-" : who.username(),
                "live.close",
                unitId,
                "ok",
                Map.of("seconds", seconds, "how", how, "skippedFragments", v.skipped()));
        Logger.info(
                "Live: {} stopped watching unit {} after {} s", who == null ? "-" : who.username(), unitId, seconds);
    }

    /**
     * Before a unit's upgrade: who the TLS client certificate names, and the ticket the gateway put into its
     * live.start; {@link LiveService#admitUplink} decides, and a refusal is logged and audited here. The WebSocket
     * is still opened and then closed at once with the reason (1008, policy violation): the JDK's WebSocket client
     * gives a unit nothing of a refused handshake's body, while a close reason reaches its log.
     *
     * <p>How the certificate is read: Javalin runs this handler on the HTTP request that asks for the upgrade, so
     * {@code ctx.req()} is Jetty's request on the TLS connection, and Jetty's {@code SecureRequestCustomizer} (which
     * the TLS connector's HTTP configuration must carry) has put the verified chain into its
     * {@code jakarta.servlet.request.X509Certificate} attribute ({@link ClientIdentity}). The WebSocket session that
     * follows no longer offers that request, so the decision is kept as context attributes, which Javalin carries into
     * the {@link io.javalin.websocket.WsConnectContext}.
     */
    void beforeUplink(Context ctx) {
        String unitId = ctx.pathParam("id");
        Optional<Identity> identity = ClientIdentity.of(ctx.req());
        Optional<String> refusal = live.admitUplink(ctx.queryParam("ticket"), unitId, identity);
        identity.ifPresent(i -> ctx.attribute(UPLINK_IDENTITY, i));
        if (refusal.isPresent()) {
            auditRefusal(unitId, identity, ctx.ip(), refusal.get());
            ctx.attribute(UPLINK_REFUSAL, refusal.get());
        }
    }

    void uplink(WsConfig ws) {
        ws.onConnect(ctx -> {
            String unitId = ctx.pathParam("id");
            String refused = ctx.attribute(UPLINK_REFUSAL);
            if (refused != null) {
                ctx.closeSession(1008, refused);
                return;
            }
            Optional<LiveRelay> relay = live.uplinkOpened(unitId, ctx.queryParam("codecs"), text -> {
                synchronized (ctx) {
                    ctx.send(text);
                }
            });
            if (relay.isEmpty()) {
                // Two uplinks raced past the check before the upgrade: the first keeps streaming.
                Identity who = ctx.attribute(UPLINK_IDENTITY);
                auditRefusal(unitId, Optional.ofNullable(who), remote(ctx), LiveService.SECOND_UPLINK);
                ctx.closeSession(1008, LiveService.SECOND_UPLINK);
                return;
            }
            ctx.enableAutomaticPings(15, TimeUnit.SECONDS);
            ctx.attribute(RELAY, relay.get());
            Consumer<ByteBuffer> downlink = voice -> {
                synchronized (ctx) {
                    ctx.send(voice);
                }
            };
            ctx.attribute(DOWNLINK, downlink);
            talk.downlinkOpened(unitId, downlink);
        });
        ws.onBinaryMessage(ctx -> {
            LiveRelay relay = ctx.attribute(RELAY);
            if (relay != null)
                live.uplinkMessage(ctx.pathParam("id"), relay, ByteBuffer.wrap(ctx.data(), ctx.offset(), ctx.length()));
        });
        ws.onClose(ctx -> uplinkEnded(
                ctx,
                "the unit closed its stream"
                        + (ctx.reason() == null || ctx.reason().isBlank() ? "" : ": " + ctx.reason())));
        ws.onError(ctx -> uplinkEnded(
                ctx,
                "the unit's uplink failed: "
                        + (ctx.error() == null ? "unknown error" : ctx.error().toString())));
    }

    private void uplinkEnded(WsContext ctx, String reason) {
        talk.downlinkClosed(ctx.pathParam("id"), ctx.attribute(DOWNLINK));
        live.uplinkClosed(ctx.pathParam("id"), ctx.attribute(RELAY), reason);
    }

    private void auditRefusal(String unitId, Optional<Identity> identity, String from, String reason) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("reason", reason);
        details.put("from", from);
        details.put(
                "certificate",
                identity.map(i -> i.role().organisationalUnit() + ":" + i.id()).orElse("none"));
        audit.record(identity.map(Identity::id).orElse("-"), "live.uplink", unitId, "refused", details);
    }

    private static String remote(WsContext ctx) {
        try {
            return String.valueOf(ctx.session.getRemoteAddress());
        } catch (RuntimeException e) {
            return "?";
        }
    }
}
