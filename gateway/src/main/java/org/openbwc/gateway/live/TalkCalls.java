package org.openbwc.gateway.live;

import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.openbwc.gateway.audit.AuditLog;
import org.openbwc.gateway.fleet.CommandClient;
import org.openbwc.gateway.fleet.FleetRegistry;
import org.openbwc.gateway.fleet.UnitView;
import org.openbwc.protocol.CommandReply;
import org.openbwc.protocol.EventType;
import org.openbwc.protocol.TalkFrame;
import org.openbwc.protocol.UnitEvent;
import org.tinylog.Logger;

/**
 * Voice calls between a supervisor and a unit: opens one ({@code talk.start}) for a supervisor watching the unit
 * live, forwards that supervisor's voice frames ({@link TalkFrame}) down the unit's live uplink, and ends the call
 * ({@code talk.stop}) when asked, when the supervisor's live view closes or when the uplink goes. Frames from anyone
 * else, for another call, malformed or oversized, or with no call open are refused and counted, never forwarded.
 * Every call opened, closed and requested by an officer is audited.
 */
public final class TalkCalls implements FleetRegistry.Listener {

    /** A call the gateway holds open. */
    public static final class Call {
        private final String callId;
        private final String unitId;
        private final String by;
        private final String sessionNonce;
        private final Instant since;
        private final int tag;
        private final AtomicLong forwarded = new AtomicLong();

        Call(String callId, String unitId, String by, String sessionNonce, Instant since) {
            this.callId = callId;
            this.unitId = unitId;
            this.by = by;
            this.sessionNonce = sessionNonce;
            this.since = since;
            this.tag = TalkFrame.tagOf(callId);
        }

        public String callId() {
            return callId;
        }

        public String unitId() {
            return unitId;
        }

        public String by() {
            return by;
        }

        public Instant since() {
            return since;
        }

        public long framesForwarded() {
            return forwarded.get();
        }
    }

    /** A call cannot be opened; {@code status} is the HTTP status that says why. */
    public static final class TalkRefusedException extends RuntimeException {
        private final int status;

        TalkRefusedException(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    private final String gatewayId;
    private final CommandClient commands;
    private final AuditLog audit;
    private final Duration commandTimeout;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Call> calls = new ConcurrentHashMap<>();
    private final Map<String, Consumer<ByteBuffer>> downlinks = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> refusals = new ConcurrentHashMap<>();

    public TalkCalls(String gatewayId, CommandClient commands, AuditLog audit, Duration commandTimeout, Clock clock) {
        this.gatewayId = gatewayId;
        this.commands = commands;
        this.audit = audit;
        this.commandTimeout = commandTimeout;
        this.clock = clock;
    }

    /** The unit's open call, if any. */
    public Optional<Call> call(String unitId) {
        return Optional.ofNullable(calls.get(unitId));
    }

    /** Calls open now. */
    public int openCalls() {
        return calls.size();
    }

    /** Voice frames refused so far, all reasons together (for the gateway's metrics). */
    public long refusedFrames() {
        long total = 0;
        for (AtomicLong n : refusals.values()) total += n.get();
        return total;
    }

    /** Voice frames refused so far, by reason (for tests and metrics). */
    public Map<String, Long> refusals() {
        Map<String, Long> out = new LinkedHashMap<>();
        refusals.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }

    /**
     * Opens a call from {@code username} (in the session {@code sessionNonce}) to the unit, which must be streaming to
     * this gateway (its uplink carries the voice both ways). The same supervisor asking again gets the open call.
     *
     * @throws TalkRefusedException saying why not
     */
    public Call open(String unitId, String username, String sessionNonce) {
        Call existing = calls.get(unitId);
        if (existing != null) {
            if (existing.by.equals(username) && existing.sessionNonce.equals(sessionNonce)) return existing;
            audit.record(username, "call.open", unitId, "refused", Map.of("reason", "in a call with " + existing.by));
            throw new TalkRefusedException(409, "unit " + unitId + " is already in a call with " + existing.by);
        }
        if (!downlinks.containsKey(unitId)) {
            throw new TalkRefusedException(
                    409,
                    "unit " + unitId + " is not streaming to this gateway: open its live view first (the call uses its"
                            + " live uplink)");
        }
        String callId = "call-" + hex(8);
        CommandReply reply;
        try {
            reply = commands.send(
                            unitId,
                            "talk.start",
                            Map.of("callId", callId, "by", username),
                            gatewayId + "/" + username,
                            commandTimeout)
                    .get(commandTimeout.toMillis() + 1_000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            audit.record(username, "call.open", unitId, "failed", Map.of("reason", String.valueOf(cause.getMessage())));
            throw new TalkRefusedException(503, "talk.start did not reach unit " + unitId + ": " + cause.getMessage());
        } catch (TimeoutException e) {
            audit.record(username, "call.open", unitId, "failed", Map.of("reason", "no answer"));
            throw new TalkRefusedException(504, "unit " + unitId + " did not answer talk.start in time");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TalkRefusedException(503, "the gateway is shutting down");
        }
        if (!reply.ok()) {
            audit.record(username, "call.open", unitId, "refused", Map.of("reason", reply.reason()));
            throw new TalkRefusedException(409, "unit " + unitId + " refused the call: " + reply.reason());
        }
        Call call = new Call(callId, unitId, username, sessionNonce, clock.instant());
        Call raced = calls.putIfAbsent(unitId, call);
        if (raced != null) {
            // Another supervisor's talk.start got there first; the unit now holds ours, so end it there.
            stopOnUnit(unitId, callId, username);
            throw new TalkRefusedException(409, "unit " + unitId + " is already in a call with " + raced.by);
        }
        audit.record(username, "call.open", unitId, "ok", Map.of("callId", callId));
        Logger.info("Talk: {} opened call {} with unit {}", username, callId, unitId);
        return call;
    }

    /**
     * Ends the unit's call {@code callId}.
     *
     * @param actor who ended it, for the audit log
     * @return false when that call is not open (already ended, or another one)
     */
    public boolean close(String unitId, String callId, String actor, String how) {
        Call c = calls.get(unitId);
        if (c == null || !c.callId.equals(callId) || !calls.remove(unitId, c)) return false;
        stopOnUnit(unitId, callId, actor);
        closed(c, actor, how);
        return true;
    }

    private void stopOnUnit(String unitId, String callId, String actor) {
        commands.send(unitId, "talk.stop", Map.of("callId", callId), gatewayId + "/" + actor, commandTimeout)
                .whenComplete((r, e) -> {
                    if (e != null) Logger.debug("Talk: talk.stop to {} failed: {}", unitId, e.toString());
                });
    }

    private void closed(Call c, String actor, String how) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("callId", c.callId);
        details.put("by", c.by);
        details.put("durationMillis", Duration.between(c.since, clock.instant()).toMillis());
        details.put("framesForwarded", c.forwarded.get());
        details.put("how", how);
        audit.record(actor, "call.close", c.unitId, "ok", details);
        Logger.info("Talk: call {} with unit {} ended ({})", c.callId, c.unitId, how);
    }

    /**
     * One binary message from a supervisor's live view: the voice of the unit's open call, forwarded down its uplink
     * when it comes from that call's supervisor and session and is a well-formed frame of that call.
     *
     * @return why it was refused; empty when forwarded
     */
    public Optional<String> fromViewer(String unitId, String username, String sessionNonce, ByteBuffer message) {
        Call c = calls.get(unitId);
        String refusal;
        if (c == null) {
            refusal = "no call open";
        } else if (!c.by.equals(username) || !c.sessionNonce.equals(sessionNonce)) {
            refusal = "not the call's supervisor";
        } else if (message.remaining() > TalkFrame.HEADER_BYTES + TalkFrame.MAX_PAYLOAD_BYTES) {
            refusal = "oversized";
        } else {
            refusal = check(c, message);
        }
        if (refusal == null) {
            Consumer<ByteBuffer> downlink = downlinks.get(unitId);
            if (downlink == null) {
                refusal = "unit not streaming";
            } else {
                try {
                    downlink.accept(message.duplicate());
                    c.forwarded.incrementAndGet();
                    return Optional.empty();
                } catch (RuntimeException e) {
                    refusal = "uplink failed";
                }
            }
        }
        refusals.computeIfAbsent(refusal, k -> new AtomicLong()).incrementAndGet();
        Logger.debug("Talk: refused a voice frame from {} for unit {}: {}", username, unitId, refusal);
        return Optional.of(refusal);
    }

    private static String check(Call c, ByteBuffer message) {
        try {
            TalkFrame f = TalkFrame.decode(message);
            return f.callTag() == c.tag ? null : "another call's frame";
        } catch (IllegalArgumentException e) {
            return "malformed";
        }
    }

    /** A supervisor's live view closed: the call it talks on ends with it. */
    public void viewerClosed(String unitId, String username, String sessionNonce) {
        Call c = calls.get(unitId);
        if (c != null && c.by.equals(username) && c.sessionNonce.equals(sessionNonce)) {
            close(unitId, c.callId, username, "the supervisor's live view closed");
        }
    }

    /** The unit's uplink is open: voice for it goes to {@code sender}. */
    public void downlinkOpened(String unitId, Consumer<ByteBuffer> sender) {
        downlinks.put(unitId, sender);
    }

    /** The unit's uplink closed: its call cannot go on. */
    public void downlinkClosed(String unitId, Consumer<ByteBuffer> sender) {
        if (sender == null || !downlinks.remove(unitId, sender)) return;
        Call c = calls.remove(unitId);
        if (c != null) closed(c, gatewayId, "the unit's live uplink closed");
    }

    @Override
    public void unitChanged(UnitView unit) {
        if (unit.online()) return;
        Call c = calls.remove(unit.id());
        if (c != null) closed(c, gatewayId, "the unit went offline");
    }

    @Override
    public void unitEvent(UnitEvent e) {
        if (e.type() == EventType.CALL_REQUESTED) {
            audit.record(
                    "unit:" + e.unitId(),
                    "call.requested",
                    e.unitId(),
                    "ok",
                    Map.of("at", e.time().toString()));
        } else if (e.type() == EventType.CALL_ENDED) {
            // The unit ended it (stealth does not; a new call, its shutdown, its uplink): the gateway's record follows.
            Call c = calls.get(e.unitId());
            String callId = e.details().get("callId");
            if (c != null && c.callId.equals(callId) && calls.remove(e.unitId(), c)) {
                closed(
                        c,
                        "unit:" + e.unitId(),
                        "ended by the unit: " + e.details().getOrDefault("reason", "?"));
            }
        }
    }

    /** Ends every call (the gateway shuts down). */
    public void closeAll() {
        for (String unitId : List.copyOf(calls.keySet())) {
            Call c = calls.get(unitId);
            if (c != null) close(unitId, c.callId, gatewayId, "the gateway is shutting down");
        }
    }

    private String hex(int bytes) {
        byte[] b = new byte[bytes];
        random.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
