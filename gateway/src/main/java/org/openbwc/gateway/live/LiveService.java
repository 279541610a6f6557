package org.openbwc.gateway.live;

import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.openbwc.config.LiveConfig;
import org.openbwc.gateway.alerts.Alert;
import org.openbwc.gateway.alerts.AlertBoard;
import org.openbwc.gateway.fleet.CommandClient;
import org.openbwc.gateway.fleet.FleetRegistry;
import org.openbwc.gateway.fleet.UnitView;
import org.openbwc.pki.Identity;
import org.openbwc.pki.IdentityRole;
import org.openbwc.protocol.LiveFrame;
import org.openbwc.protocol.Topics;
import org.tinylog.Logger;

/**
 * Live video on demand: asks a unit to open its uplink (live.start with a one-time ticket), relays its stream to
 * viewers through a {@link LiveRelay}, hands viewers short-lived tokens bound to their session, stops an unwatched
 * stream after a grace period (live.stop), and starts a unit's stream by itself when it raises an SOS, so the
 * operator who acknowledges the alert is already watching.
 */
public final class LiveService implements AlertBoard.Listener, FleetRegistry.Listener, AutoCloseable {

    /** How long an uplink ticket or a viewer token may wait to be used. */
    public static final Duration GRANT_LIFETIME = Duration.ofSeconds(30);

    static final Duration UPLINK_SETTLE = Duration.ofSeconds(2);
    /** The gateway cannot see a media server's viewers, so a push lasts this long after the last request to watch. */
    static final Duration PUSH_IDLE = Duration.ofMinutes(10);

    /** A viewer token: which unit, which session (its nonce), until when. */
    public record ViewerGrant(String unitId, String username, String sessionNonce, Instant expires) {}

    private record Ticket(String unitId, Instant expires) {}

    /** The unit's side of a stream: its relay and how to talk back to its uplink. */
    private static final class Stream {
        final LiveRelay relay;
        final Consumer<String> toUnit;
        final Instant since;
        volatile Instant idleSince;
        final Set<String> hlsSessions = ConcurrentHashMap.newKeySet();

        Stream(LiveRelay relay, Consumer<String> toUnit, Instant since) {
            this.relay = relay;
            this.toUnit = toUnit;
            this.since = since;
        }
    }

    private final String gatewayId;
    private final FleetRegistry registry;
    private final CommandClient commands;
    private final AlertBoard alerts;
    private final LiveConfig config;
    private volatile String uplinkBase;
    private final Duration commandTimeout;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Ticket> tickets = new ConcurrentHashMap<>();
    private final Map<String, ViewerGrant> grants = new ConcurrentHashMap<>();
    private final Map<String, Stream> streams = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<Void>> starting = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<Void>> uplinkWaiters = new ConcurrentHashMap<>();
    // Media-server mode: units pushing, with the last time someone asked to watch (viewers are the server's business).
    private final Map<String, Instant> pushes = new ConcurrentHashMap<>();
    private final ScheduledExecutorService idle;
    private volatile Consumer<Long> latencySink = ms -> {};

    public LiveService(
            String gatewayId,
            FleetRegistry registry,
            CommandClient commands,
            AlertBoard alerts,
            LiveConfig config,
            Duration commandTimeout,
            Clock clock) {
        this.gatewayId = gatewayId;
        this.registry = registry;
        this.commands = commands;
        this.alerts = alerts;
        this.config = config;
        this.commandTimeout = commandTimeout;
        this.clock = clock;
        this.idle = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("live-idle").daemon().factory());
        idle.scheduleWithFixedDelay(this::stopIdleStreams, 1, 1, TimeUnit.SECONDS);
    }

    /** The wss:// base units open their uplink to (the units' listener), known once the port is bound. */
    public void uplinkBase(String base) {
        this.uplinkBase = base;
    }

    /** Where viewers' latency reports go (the gateway's metrics). */
    public void latencySink(Consumer<Long> sink) {
        this.latencySink = sink;
    }

    public int streams() {
        return streams.size();
    }

    public int viewers() {
        return streams.values().stream().mapToInt(s -> s.relay.viewers()).sum();
    }

    public int viewers(String unitId) {
        Stream s = streams.get(unitId);
        return s == null ? 0 : s.relay.viewers();
    }

    public boolean streaming(String unitId) {
        return streams.containsKey(unitId) || pushes.containsKey(unitId);
    }

    /**
     * Makes sure the unit streams to this gateway, asking it if needed.
     *
     * @return completes when the stream is up; fails with a {@link LiveUnavailableException} saying why not
     */
    public CompletableFuture<Void> ensureStream(String unitId, String requestedBy) {
        if (config.usesMediaServer()) return ensurePush(unitId, requestedBy);
        if (streams.containsKey(unitId)) return CompletableFuture.completedFuture(null);
        return starting.computeIfAbsent(unitId, id -> {
            String ticket = token();
            tickets.put(ticket, new Ticket(id, clock.instant().plus(GRANT_LIFETIME)));
            String url = uplinkBase + "/uplink/" + id + "?ticket=" + ticket;
            // Completed by uplinkOpened: the unit answers once its handshake is done, our side registers it a moment
            // later.
            CompletableFuture<Void> opened = new CompletableFuture<>();
            uplinkWaiters.put(id, opened);
            Logger.info("Live: asking unit {} to stream ({})", id, requestedBy);
            CompletableFuture<Void> done = commands.send(
                            id, "live.start", Map.of("url", url), requestedBy, commandTimeout)
                    .thenCompose(reply -> {
                        if (!reply.ok()) {
                            throw new LiveUnavailableException(
                                    "unit " + id + " could not start its live stream: " + reply.reason());
                        }
                        return opened.completeOnTimeout(null, UPLINK_SETTLE.toMillis(), TimeUnit.MILLISECONDS);
                    })
                    .thenRun(() -> {
                        if (!streams.containsKey(id)) {
                            throw new LiveUnavailableException(
                                    "unit " + id + " said it streams, but its uplink did not reach this gateway");
                        }
                    });
            done.whenComplete((v, e) -> {
                starting.remove(id);
                tickets.remove(ticket);
                uplinkWaiters.remove(id, opened);
            });
            return done;
        });
    }

    /** Media-server mode: the unit pushes to the configured server; the gateway only starts, stops and hands out URLs. */
    private CompletableFuture<Void> ensurePush(String unitId, String requestedBy) {
        if (pushes.containsKey(unitId)) {
            pushes.put(unitId, clock.instant());
            return CompletableFuture.completedFuture(null);
        }
        return starting.computeIfAbsent(unitId, id -> {
            Logger.info("Live: asking unit {} to push to the media server ({})", id, requestedBy);
            CompletableFuture<Void> done = commands.send(
                            id,
                            "live.start",
                            Map.of("url", config.mediaServerPushUrl().replace("{unit}", id)),
                            requestedBy,
                            commandTimeout)
                    .thenAccept(reply -> {
                        if (!reply.ok()) {
                            throw new LiveUnavailableException(
                                    "unit " + id + " could not push to the media server: " + reply.reason());
                        }
                        pushes.put(id, clock.instant());
                    });
            done.whenComplete((v, e) -> starting.remove(id));
            return done;
        });
    }

    /** Where a viewer plays the unit from the media server, or empty when the gateway relays itself. */
    public Optional<String> mediaServerPlayback(String unitId) {
        return config.usesMediaServer()
                ? Optional.of(config.mediaServerPlaybackUrl().replace("{unit}", unitId))
                : Optional.empty();
    }

    /** A one-use viewer token for this unit, bound to the operator's session. */
    public String grant(String unitId, String username, String sessionNonce) {
        String t = token();
        grants.put(
                t,
                new ViewerGrant(unitId, username, sessionNonce, clock.instant().plus(GRANT_LIFETIME)));
        return t;
    }

    /** Uses up a viewer token: present, unexpired, for this unit and this very session. */
    public Optional<ViewerGrant> redeem(String token, String unitId, String sessionNonce) {
        ViewerGrant g = token == null ? null : grants.remove(token);
        if (g == null
                || !g.unitId().equals(unitId)
                || !g.sessionNonce().equals(sessionNonce)
                || clock.instant().isAfter(g.expires())) {
            return Optional.empty();
        }
        return Optional.of(g);
    }

    /** Uses up an uplink ticket sent in live.start. */
    public boolean redeemTicket(String ticket, String unitId) {
        Ticket t = ticket == null ? null : tickets.remove(ticket);
        return t != null && t.unitId().equals(unitId) && !clock.instant().isAfter(t.expires());
    }

    /**
     * Decides whether a unit's uplink may open, before the WebSocket upgrade: the request must present a TLS client
     * certificate of the agency CA naming this very unit in the unit role, the unit must not be streaming already,
     * and the request must carry the one-time ticket of its live.start. The ticket is used up either way (a ticket that came
     * with the wrong certificate has leaked). A refusal that names a unit of the fleet raises an alert, except when
     * only the ticket is wrong with the right certificate (a late unit, not an impostor).
     *
     * @param identity who the request's client certificate names; empty without one
     * @return the reason to refuse with, short enough for a WebSocket close reason (123 bytes); empty to admit
     */
    public Optional<String> admitUplink(String ticket, String unitId, Optional<Identity> identity) {
        boolean ticketOk = redeemTicket(ticket, unitId);
        String refusal;
        boolean alarming = true;
        if (identity.isEmpty()) {
            refusal = "no unit certificate: the uplink needs the unit's TLS client certificate";
        } else if (identity.get().role() != IdentityRole.UNIT
                || !identity.get().id().equals(unitId)) {
            refusal = "certificate names " + describe(identity.get()) + ", not this unit";
        } else if (streams.containsKey(unitId)) {
            // Before the ticket: with or without one, the unit's own certificate twice at once is the alarm.
            refusal = SECOND_UPLINK;
        } else if (!ticketOk) {
            refusal = "uplink ticket missing, used or expired";
            alarming = false;
        } else {
            return Optional.empty();
        }
        refused(unitId, refusal, alarming);
        if (ticketOk) {
            // The ticket came with the wrong certificate, so the unit's own uplink can no longer get in: the operator
            // waiting for the stream learns why now, not after a timeout.
            CompletableFuture<Void> waiter = uplinkWaiters.remove(unitId);
            if (waiter != null) {
                waiter.completeExceptionally(
                        new LiveUnavailableException("the live uplink of unit " + unitId + " was refused: " + refusal));
            }
        }
        return Optional.of(refusal);
    }

    /**
     * The unit's uplink connected. A unit already streaming keeps its stream: the second uplink is refused (empty),
     * never swapped in, and raises an alert, since two uplinks for one unit mean a copied key or a replay.
     *
     * @return the stream's relay; empty when refused (close the socket with {@link #SECOND_UPLINK})
     */
    public Optional<LiveRelay> uplinkOpened(String unitId, String codecs, Consumer<String> toUnit) {
        LiveRelay relay = new LiveRelay(unitId, config.viewerQueueKilobytes() * 1024L);
        relay.codecs(codecs);
        Stream stream = new Stream(relay, toUnit, clock.instant());
        stream.idleSince = clock.instant();
        if (streams.putIfAbsent(unitId, stream) != null) {
            refused(unitId, SECOND_UPLINK, true);
            return Optional.empty();
        }
        Logger.info("Live: unit {} streaming ({})", unitId, codecs);
        CompletableFuture<Void> waiter = uplinkWaiters.remove(unitId);
        if (waiter != null) waiter.complete(null);
        return Optional.of(relay);
    }

    /** Why a second uplink for a streaming unit is closed; a WebSocket close reason (at most 123 bytes). */
    public static final String SECOND_UPLINK = "already streaming; a second uplink is refused";

    private void refused(String unitId, String reason, boolean alarming) {
        boolean known = registry.unit(unitId).isPresent();
        // The id comes from the request's path: only a well-formed one goes into the log as it is.
        String shown = Topics.ID_PATTERN.matcher(unitId).matches() ? unitId : "(not a unit id)";
        Logger.warn("Live: refused an uplink for {}unit {}: {}", known ? "" : "unknown ", shown, reason);
        if (!alarming || !known) return;
        if (reason.equals(SECOND_UPLINK)) {
            alerts.raiseForUnit(
                    unitId,
                    Alert.Type.UPLINK_DUPLICATE,
                    Alert.Severity.CRITICAL,
                    "live uplink refused: the unit's own certificate connected a second time while it streams (is its"
                            + " key on another device?); the first stream goes on");
        } else {
            alerts.raiseForUnit(
                    unitId, Alert.Type.UPLINK_REFUSED, Alert.Severity.WARNING, "live uplink refused: " + reason);
        }
    }

    private static String describe(Identity identity) {
        String id = identity.id().length() > 40 ? identity.id().substring(0, 40) + "…" : identity.id();
        return identity.role().name().toLowerCase(Locale.ROOT) + " " + id;
    }

    /** One message from the unit's uplink: a live fragment for the relay; a bad one is logged and dropped. */
    public void uplinkMessage(String unitId, LiveRelay relay, ByteBuffer message) {
        try {
            relay.publish(LiveFrame.decode(message));
        } catch (IllegalArgumentException e) {
            Logger.warn("Live: dropped a bad uplink message from unit {}: {}", unitId, e.getMessage());
        }
    }

    /** An uplink ended; only the unit's current stream is affected (a replaced one may close late). */
    public void uplinkClosed(String unitId, LiveRelay relay, String reason) {
        Stream s = streams.get(unitId);
        if (s == null || s.relay != relay || !streams.remove(unitId, s)) return;
        s.relay.closeAll(endMessage(reason));
        Logger.info("Live: unit {} stopped streaming ({})", unitId, reason);
    }

    void uplinkClosed(String unitId, String reason) {
        Stream s = streams.get(unitId);
        if (s != null) uplinkClosed(unitId, s.relay, reason);
    }

    /** Adds a viewer; empty when the unit does not stream (the viewer should ask again) or has too many viewers. */
    public Optional<LiveRelay.Viewer> join(String unitId, LiveRelay.Sink sink) {
        Stream s = streams.get(unitId);
        if (s == null) return Optional.empty();
        if (s.relay.viewers() >= config.maxViewersPerUnit()) {
            throw new LiveUnavailableException(
                    "unit " + unitId + " already has " + s.relay.viewers() + " viewers (live.maxViewersPerUnit)");
        }
        String start = "{\"type\":\"start\",\"unitId\":\"" + unitId + "\",\"mime\":" + jsonString(s.relay.mime()) + "}";
        LiveRelay.Viewer v = s.relay.join(sink, start);
        s.idleSince = null;
        viewersChanged(s);
        return Optional.of(v);
    }

    /** A viewer went away; the idle countdown starts when it was the last. */
    public void leave(String unitId, LiveRelay.Viewer viewer) {
        Stream s = streams.get(unitId);
        if (s == null) return;
        s.relay.leave(viewer);
        if (s.relay.viewers() == 0) s.idleSince = clock.instant();
        viewersChanged(s);
    }

    /**
     * An HLS request for the unit's stream: keeps the stream up (the idle countdown restarts) and says whether this
     * session is new to it, for the audit log. Empty when the unit does not stream.
     */
    public Optional<LiveRelay> hlsRequest(String unitId, String sessionNonce, Runnable firstTimeForSession) {
        Stream s = streams.get(unitId);
        if (s == null) return Optional.empty();
        if (s.relay.viewers() == 0) s.idleSince = clock.instant();
        if (s.hlsSessions.add(sessionNonce)) firstTimeForSession.run();
        return Optional.of(s.relay);
    }

    /** A viewer's measured glass-to-glass delay, for the metrics; nonsense values are ignored. */
    public void latencyReport(long millis) {
        if (millis >= 0 && millis < 600_000) latencySink.accept(millis);
    }

    private void viewersChanged(Stream s) {
        String count = "{\"type\":\"stats\",\"viewers\":" + s.relay.viewers() + "}";
        s.relay.tellAll(count);
        try {
            s.toUnit.accept("{\"viewers\":" + s.relay.viewers() + "}");
        } catch (RuntimeException e) {
            Logger.debug("Live: could not tell unit {} its viewer count: {}", s.relay.unitId(), e.toString());
        }
    }

    private void stopIdleStreams() {
        try {
            Instant now = clock.instant();
            for (Map.Entry<String, Stream> e : streams.entrySet()) {
                Stream s = e.getValue();
                Instant idleSince = s.idleSince;
                if (idleSince == null || s.relay.viewers() > 0) continue;
                if (Duration.between(idleSince, now).toSeconds() < config.idleStopSeconds()) continue;
                if (sosOpen(e.getKey())) continue; // an emergency stays live until it is resolved
                s.idleSince = null;
                stop(e.getKey(), "nobody watching for " + config.idleStopSeconds() + " s");
            }
            for (Map.Entry<String, Instant> p : pushes.entrySet()) {
                if (Duration.between(p.getValue(), now).compareTo(PUSH_IDLE) < 0 || sosOpen(p.getKey())) continue;
                pushes.remove(p.getKey());
                commands.send(p.getKey(), "live.stop", Map.of(), gatewayId, commandTimeout);
                Logger.info(
                        "Live: stopped unit {}'s media server push ({} since the last request to watch)",
                        p.getKey(),
                        PUSH_IDLE);
            }
            Instant cutoff = now.minus(GRANT_LIFETIME);
            grants.values().removeIf(g -> g.expires().isBefore(cutoff));
            tickets.values().removeIf(t -> t.expires().isBefore(cutoff));
        } catch (RuntimeException e) {
            Logger.error(e, "Live: idle check failed");
        }
    }

    private boolean sosOpen(String unitId) {
        return alerts.all().stream()
                .anyMatch(a ->
                        a.unitId().equals(unitId) && a.type() == Alert.Type.SOS && a.state() != Alert.State.RESOLVED);
    }

    /** Asks the unit to stop and ends the relay. */
    void stop(String unitId, String reason) {
        commands.send(unitId, "live.stop", Map.of(), gatewayId, commandTimeout).whenComplete((r, e) -> {
            if (e != null) Logger.debug("Live: live.stop to {} failed: {}", unitId, e.toString());
        });
        uplinkClosed(unitId, reason);
    }

    @Override
    public void alertChanged(Alert alert) {
        if (alert.type() != Alert.Type.SOS || alert.state() != Alert.State.OPEN) return;
        // Off the MQTT thread: starting waits for the unit's reply.
        Thread.ofVirtual()
                .name("live-sos")
                .start(() -> ensureStream(alert.unitId(), gatewayId + "/sos").whenComplete((v, e) -> {
                    if (e != null)
                        Logger.warn(
                                "Live: could not start the stream of unit {} for its SOS: {}",
                                alert.unitId(),
                                e.getMessage());
                }));
    }

    @Override
    public void unitChanged(UnitView unit) {
        if (!unit.online()) pushes.remove(unit.id());
        if (!unit.online() && streams.containsKey(unit.id())) {
            idle.execute(() -> uplinkClosed(unit.id(), "the unit went offline"));
        }
    }

    @Override
    public void unitRemoved(String unitId) {
        idle.execute(() -> uplinkClosed(unitId, "the unit left the fleet"));
    }

    @Override
    public void close() {
        idle.shutdownNow();
        for (String id : List.copyOf(streams.keySet())) uplinkClosed(id, "the gateway is shutting down");
    }

    private String token() {
        byte[] b = new byte[24];
        random.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    /** The message that tells a viewer its stream ended, and why. */
    public static String endMessage(String reason) {
        return "{\"type\":\"end\",\"reason\":" + jsonString(reason) + "}";
    }

    private static String jsonString(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') b.append('\\').append(c);
            else if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
            else b.append(c);
        }
        return b.append('"').toString();
    }

    /** The stream cannot be had: the unit refused, is offline, or has too many viewers. */
    public static final class LiveUnavailableException extends RuntimeException {
        LiveUnavailableException(String message) {
            super(message, null, false, false);
        }
    }
}
