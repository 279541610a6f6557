package org.openbwc.device.mqtt;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import org.openbwc.config.MqttConfig;
import org.openbwc.protocol.EventAck;
import org.openbwc.protocol.MalformedPayloadException;
import org.openbwc.protocol.StreamHandle;
import org.openbwc.protocol.Topics;
import org.openbwc.protocol.UnitEvent;
import org.openbwc.protocol.UnitLocation;
import org.openbwc.protocol.UnitState;
import org.openbwc.protocol.UnitStatus;
import org.openbwc.protocol.WireCodec;
import org.tinylog.Logger;

/**
 * The unit's MQTT 5 link to the broker: publishes status, location and events, receives remote commands and answers
 * them, and keeps doing so across outages. The unit boots whether or not the broker is reachable.
 *
 * <p>The work is split by job: {@link ConnectionLoop} connects, reconnects and subscribes; {@link Publisher} sends the
 * {@link Outbox}; {@link CommandInbox} runs commands; all of it on one {@link LinkThread}.
 *
 * <p>Choices, and why:
 * <ul>
 *   <li><b>Session:</b> clean start false with a session expiry of {@value #SESSION_EXPIRY_SECONDS} s, so QoS 1
 *       commands sent while the unit is briefly out of coverage wait on the broker and run when it is back; their MQTT
 *       message expiry, set by the requester, keeps stale ones from running (expired ones are never executed).</li>
 *   <li><b>Reconnect:</b> our own loop with exponential backoff from 1 s to {@code reconnectMaxSeconds}, jittered
 *       (75-100 % of each step). Each attempt uses a fresh Paho client, so Paho never replays its own in-flight copy
 *       of a publish: this link alone decides what is re-sent, and in which order.</li>
 *   <li><b>Offline:</b> status and location keep only the newest (they are snapshots); events and command replies are
 *       queued in order, at most {@value #QUEUE_CAPACITY}; beyond that the oldest is dropped and counted. On every
 *       (re)connect the link subscribes to its command filter, then sends the newest status first, then the newest
 *       location, then the queue in order. Delivery is at least once: a publish whose acknowledgement was lost with
 *       the connection is sent again.</li>
 *   <li><b>QoS:</b> status retained QoS 1; location retained QoS 0 (a fix is superseded within seconds, and the newest
 *       one is re-sent after every reconnect anyway); events QoS 1 not retained; replies QoS 1.</li>
 *   <li><b>Flow control:</b> unacknowledged publishes stay below the broker's receive maximum from the CONNACK
 *       (HiveMQ's default is 10), or {@value #DEFAULT_IN_FLIGHT_LIMIT} when the broker sends none; otherwise Paho
 *       fails publishes with "Too many publishes in progress".</li>
 *   <li><b>Commands:</b> see {@link CommandHandler} and {@link CommandInbox}; requests without a response topic are
 *       executed fire-and-forget.</li>
 *   <li><b>Shutdown:</b> {@link #close()} publishes nothing itself: the runtime publishes its final OFFLINE status
 *       first, because after a normal DISCONNECT the broker does not publish the Will. {@link #kill()} drops the
 *       connection without DISCONNECT, so the broker does publish the Will.</li>
 * </ul>
 */
public final class UnitLink implements AutoCloseable {

    /** Ten minutes covers a tunnel or a dead zone; commands older than that are no use to anyone. */
    static final long SESSION_EXPIRY_SECONDS = 600;
    /** About an hour of a busy unit's events; a few MB at most. */
    public static final int QUEUE_CAPACITY = 10_000;
    /** Used when the broker's CONNACK carries no receive maximum: safe for HiveMQ's default of 10. */
    static final int DEFAULT_IN_FLIGHT_LIMIT = 8;
    /** More in flight buys nothing on a cellular uplink and only grows what must be re-sent after a drop. */
    static final int MAX_IN_FLIGHT_LIMIT = 64;
    /** How long {@link #close()} waits for queued messages to reach the broker. */
    static final Duration FLUSH_TIMEOUT = Duration.ofSeconds(2);

    static final long DISCONNECT_TIMEOUT_MILLIS = 1000;

    /** The largest MQTT packet the unit accepts, sent in CONNECT; the broker refuses larger ones from anybody. */
    public static final int MAX_PACKET_BYTES = 256 * 1024;

    /**
     * An event the broker took is sent again when the gateway has not acknowledged it this long after: covers a
     * gateway that was away when the broker forgot its session. Doubles while nothing is acknowledged, up to
     * {@link #MAX_RESEND_AFTER}, so a long gateway outage costs little airtime.
     */
    static final Duration RESEND_AFTER = Duration.ofSeconds(30);

    static final Duration MAX_RESEND_AFTER = Duration.ofMinutes(4);
    /** How often the link looks for overdue events. */
    static final long RESEND_CHECK_MILLIS = 5_000;

    private final String unitId;
    private final MqttConfig mqtt;
    private final WireCodec codec;
    private final String clientId;
    private final Outbox outbox = new Outbox(QUEUE_CAPACITY);
    private final EventJournal journal;
    private final OpenSockets sockets = new OpenSockets();
    private final LinkLifecycle life = new LinkLifecycle();
    private final LinkThread linkThread;
    private final Publisher publisher;
    private final CommandInbox commands;
    private final ConnectionLoop connections;
    private final AtomicBoolean closeStarted = new AtomicBoolean();

    private final Duration firstResendAfter;
    // Link thread only: the current wait before unacknowledged events go out again, and whether any ack came.
    private Duration resendAfter;
    private boolean ackedSinceResend;

    /** A link without a TLS identity of its own: for {@code tcp://} brokers (labs, tests). */
    public UnitLink(String unitId, MqttConfig mqtt, WireCodec codec, UnitStatus willStatus, CommandHandler handler) {
        this(unitId, mqtt, null, codec, willStatus, handler);
    }

    /** A link that keeps unacknowledged events in memory only (lost with the process). */
    public UnitLink(
            String unitId,
            MqttConfig mqtt,
            Supplier<SSLContext> tls,
            WireCodec codec,
            UnitStatus willStatus,
            CommandHandler handler) {
        this(unitId, mqtt, tls, codec, willStatus, handler, EventJournal.inMemory(QUEUE_CAPACITY));
    }

    /**
     * @param tls the unit's TLS identity for an {@code ssl://} broker, asked for at each connection attempt (so new
     *     files after enrolment are picked up; an exception it throws fails that attempt with its message); null for
     *     the JDK's default trust and no client certificate
     * @param willStatus what the broker publishes, retained, when the unit vanishes; its state must be OFFLINE
     * @param handler runs remote commands, on a thread of this link
     * @param journal keeps events until the gateway acknowledges them; what it holds from earlier runs is sent first
     */
    public UnitLink(
            String unitId,
            MqttConfig mqtt,
            Supplier<SSLContext> tls,
            WireCodec codec,
            UnitStatus willStatus,
            CommandHandler handler,
            EventJournal journal) {
        this(unitId, mqtt, tls, codec, willStatus, handler, journal, RESEND_AFTER);
    }

    /**
     * As above, with the first wait before an event the gateway has not acknowledged goes out again (tests use a short
     * one; {@link #RESEND_AFTER} otherwise).
     */
    public UnitLink(
            String unitId,
            MqttConfig mqtt,
            Supplier<SSLContext> tls,
            WireCodec codec,
            UnitStatus willStatus,
            CommandHandler handler,
            EventJournal journal,
            Duration resendAfter) {
        this.unitId = Topics.requireId(unitId, "unit id");
        this.mqtt = Objects.requireNonNull(mqtt, "mqtt config is required");
        this.codec = Objects.requireNonNull(codec, "codec is required");
        Objects.requireNonNull(willStatus, "will status is required");
        Objects.requireNonNull(handler, "command handler is required");
        if (!willStatus.unitId().equals(unitId)) {
            throw new IllegalArgumentException(
                    "will status is for unit '" + willStatus.unitId() + "', not '" + unitId + "'");
        }
        if (willStatus.state() != UnitState.OFFLINE) {
            throw new IllegalArgumentException(
                    "will status state " + willStatus.state() + " is not allowed (allowed: OFFLINE)");
        }
        this.journal = Objects.requireNonNull(journal, "event journal is required");
        if (resendAfter.isNegative() || resendAfter.isZero()) {
            throw new IllegalArgumentException("resendAfter " + resendAfter + " must be positive");
        }
        this.firstResendAfter = resendAfter;
        this.resendAfter = resendAfter;
        this.clientId = mqtt.clientId() == null ? unitId : mqtt.clientId();
        byte[] willPayload = codec.encode(willStatus);
        this.linkThread = new LinkThread(unitId);
        this.publisher = new Publisher(unitId, outbox, linkThread, life);
        this.commands = new CommandInbox(unitId, codec, handler, this::sendReply, System::nanoTime, Clock.systemUTC());
        this.connections = new ConnectionLoop(
                unitId,
                mqtt,
                clientId,
                willPayload,
                sockets,
                tls,
                commands,
                this::eventAckArrived,
                outbox,
                publisher,
                linkThread,
                life);
        for (EventJournal.Pending p : journal.pending()) {
            outbox.offer(Outbox.Kind.EVENT, Topics.event(unitId), p.payload(), 1, false, null, p.key());
        }
    }

    /** Starts connecting in the background and returns at once; messages published before that are kept for it. */
    public void start() {
        LinkLifecycle.Stage was = life.start();
        if (was != LinkLifecycle.Stage.NEW) {
            throw new IllegalStateException(
                    "unit " + unitId + ": the MQTT link was already started (state " + was + ")");
        }
        Logger.info("unit {}: MQTT link starting; broker {}, client id {}", unitId, mqtt.url(), clientId);
        connections.start();
        linkThread.schedule(this::resendOverdue, resendCheckMillis());
    }

    /** Looks for overdue events a few times per wait, and at least every {@link #RESEND_CHECK_MILLIS}. */
    private long resendCheckMillis() {
        return Math.max(100, Math.min(RESEND_CHECK_MILLIS, firstResendAfter.toMillis() / 4));
    }

    /** Publishes the unit's status, retained, QoS 1; while offline only the newest is kept, and it goes first when back. */
    public void publishStatus(UnitStatus status) {
        requireOwn(status.unitId(), "status");
        publisher.offer(Outbox.Kind.STATUS, Topics.status(unitId), codec.encode(status), 1, true, null);
    }

    /** Publishes the unit's position, retained, QoS 0; while offline only the newest is kept. */
    public void publishLocation(UnitLocation location) {
        requireOwn(location.unitId(), "location");
        publisher.offer(Outbox.Kind.LOCATION, Topics.location(unitId), codec.encode(location), 0, true, null);
    }

    /** Publishes the live-stream handle, retained, QoS 1; while offline only the newest is kept. */
    public void publishStream(StreamHandle handle) {
        requireOwn(handle.unitId(), "stream");
        publisher.offer(Outbox.Kind.STREAM, Topics.stream(unitId), codec.encode(handle), 1, true, null);
    }

    /**
     * Publishes an event, QoS 1; events raised while offline are delivered in order when the link is back. An event
     * with a boot id is first written to the journal, and kept there and sent again until the gateway acknowledges it.
     */
    public void publishEvent(UnitEvent event) {
        requireOwn(event.unitId(), "event");
        byte[] payload = codec.encode(event);
        EventJournal.EventKey key = null;
        if (event.bootId() != null) {
            key = new EventJournal.EventKey(event.bootId(), event.seq());
            EventJournal.EventKey givenUp = journal.append(key, payload);
            if (givenUp != null) {
                Logger.warn(
                        "unit {}: event journal full ({} unacknowledged); gave up the oldest, {}",
                        unitId,
                        QUEUE_CAPACITY,
                        givenUp);
            }
        }
        publisher.offer(Outbox.Kind.EVENT, Topics.event(unitId), payload, 1, false, null, key);
    }

    /** The gateway's receipt for events: forget them here and in the journal. Link thread. */
    private void eventAckArrived(byte[] payload) {
        EventAck ack;
        try {
            ack = codec.decode(payload, EventAck.class);
        } catch (MalformedPayloadException e) {
            Logger.warn("unit {}: unreadable event acknowledgement ignored: {}", unitId, e.getMessage());
            return;
        }
        if (!ack.unitId().equals(unitId)) {
            Logger.warn("unit {}: event acknowledgement for unit '{}' ignored", unitId, ack.unitId());
            return;
        }
        List<EventJournal.EventKey> keys = new ArrayList<>(ack.seqs().size());
        for (long seq : ack.seqs()) keys.add(new EventJournal.EventKey(ack.bootId(), seq));
        int known = outbox.acknowledge(keys);
        journal.acknowledge(keys);
        ackedSinceResend = true;
        resendAfter = firstResendAfter;
        Logger.debug("unit {}: gateway acknowledged {} events ({} still kept here)", unitId, known, journal.size());
    }

    /** Sends again what the gateway has not acknowledged in time; reschedules itself. Link thread. */
    private void resendOverdue() {
        if (life.ended()) return;
        try {
            if (connections.isReady()) {
                int again = outbox.resend(resendAfter.toNanos());
                if (again > 0) {
                    Logger.info(
                            "unit {}: {} events not acknowledged by the gateway within {} s; sending them again",
                            unitId,
                            again,
                            resendAfter.toSeconds());
                    if (!ackedSinceResend) {
                        Duration doubled = resendAfter.multipliedBy(2);
                        resendAfter = doubled.compareTo(MAX_RESEND_AFTER) > 0 ? MAX_RESEND_AFTER : doubled;
                    }
                    ackedSinceResend = false;
                    publisher.requestDrain();
                }
            }
        } finally {
            linkThread.schedule(this::resendOverdue, resendCheckMillis());
        }
    }

    /** Events the journal keeps because the gateway has not acknowledged them yet. */
    public int unacknowledgedEvents() {
        return journal.size();
    }

    private void sendReply(CommandInbox.Reply reply) {
        publisher.offer(
                Outbox.Kind.REPLY,
                reply.responseTopic(),
                codec.encode(reply.reply()),
                1,
                false,
                reply.correlationData());
    }

    /** True while the link is connected and its command subscription is in place (or was refused by the broker). */
    public boolean isConnected() {
        return !life.killed() && connections.isReady();
    }

    /** A snapshot of the link's counters. */
    public LinkStats stats() {
        return new LinkStats(
                outbox.published(),
                outbox.waiting(),
                outbox.inFlight(),
                outbox.dropped(),
                commands.malformed(),
                commands.expired(),
                connections.reconnects(),
                connections.inFlightLimit(),
                outbox.peakInFlight(),
                outbox.unacknowledged(),
                outbox.acknowledged(),
                outbox.resent());
    }

    /**
     * Clean shutdown: stops taking commands, waits up to {@link #FLUSH_TIMEOUT} for queued messages, then sends a normal
     * DISCONNECT (so the broker does not publish the Will) and closes the client. Publishes nothing by itself.
     */
    @Override
    public void close() {
        if (!closeStarted.compareAndSet(false, true) || life.killed()) return;
        boolean wasRunning = life.beginClose();
        commands.close();
        if (wasRunning) {
            try {
                if (!outbox.awaitEmpty(FLUSH_TIMEOUT)) {
                    Logger.warn(
                            "unit {}: closing with {} messages not delivered",
                            unitId,
                            outbox.waiting() + outbox.inFlight());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        life.closed();
        try {
            linkThread.submit(connections::disconnectCleanly).get(DISCONNECT_TIMEOUT_MILLIS * 3, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException | RejectedExecutionException e) {
            Logger.warn(e, "unit {}: MQTT link did not disconnect cleanly", unitId);
        }
        linkThread.stop();
        journal.close();
        Logger.info("unit {}: MQTT link closed", unitId);
    }

    /**
     * Power-loss simulation: the connection falls silent without a DISCONNECT packet (it is held open, writing nothing,
     * until the broker must have given up on it; a TLS connection is reset instead) and everything stops, so the broker
     * publishes the Will after 1.5 keepalives. Nothing is sent after this returns; queued messages are lost, as they
     * would be.
     */
    public void kill() {
        if (!life.kill()) return;
        closeStarted.set(true);
        sockets.dropAll(Duration.ofSeconds(mqtt.keepAliveSeconds() * 2L + 5));
        commands.abandon();
        linkThread.halt();
        connections.abandon();
        Logger.info(
                "unit {}: MQTT link killed: connection silent without DISCONNECT, the broker will publish the Will",
                unitId);
    }

    /** A margin of two below the server's window: Paho counts a publish until just after our callback ran. */
    static int inFlightLimitFor(Integer serverReceiveMaximum) {
        if (serverReceiveMaximum == null) return DEFAULT_IN_FLIGHT_LIMIT;
        return Math.max(1, Math.min(serverReceiveMaximum - 2, MAX_IN_FLIGHT_LIMIT));
    }

    private void requireOwn(String payloadUnitId, String what) {
        if (!unitId.equals(payloadUnitId)) {
            throw new IllegalArgumentException(what + " is for unit '" + payloadUnitId + "', not '" + unitId + "'");
        }
    }
}
