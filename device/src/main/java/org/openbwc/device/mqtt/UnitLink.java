package org.openbwc.device.mqtt;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttActionListener;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttClientException;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.eclipse.paho.mqttv5.common.packet.MqttReturnCode;
import org.openbwc.config.MqttConfig;
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
    static final int QUEUE_CAPACITY = 10_000;
    /** Used when the broker's CONNACK carries no receive maximum: safe for HiveMQ's default of 10. */
    static final int DEFAULT_IN_FLIGHT_LIMIT = 8;
    /** More in flight buys nothing on a cellular uplink and only grows what must be re-sent after a drop. */
    static final int MAX_IN_FLIGHT_LIMIT = 64;
    /** How long {@link #close()} waits for queued messages to reach the broker. */
    static final Duration FLUSH_TIMEOUT = Duration.ofSeconds(2);

    private static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
    private static final long DISCONNECT_TIMEOUT_MILLIS = 1000;
    private static final long MAX_INFLIGHT_RETRY_MILLIS = 20;
    private static final long HANDSHAKE_MARGIN_MILLIS = 250;

    private enum Lifecycle {
        NEW,
        RUNNING,
        CLOSING,
        CLOSED
    }

    /** Where one Paho client is in its life; only the link thread changes it. */
    private enum Phase {
        CONNECTING,
        SUBSCRIBING,
        READY,
        DOWN
    }

    private final String unitId;
    private final MqttConfig mqtt;
    private final WireCodec codec;
    private final String clientId;
    private final byte[] willPayload;
    private final Outbox outbox = new Outbox(QUEUE_CAPACITY);
    private final OpenSockets sockets = new OpenSockets();
    private final CommandInbox commands;
    private final Backoff backoff;
    private final ScheduledThreadPoolExecutor linkThread;
    private final AtomicBoolean drainRequested = new AtomicBoolean();
    private final AtomicBoolean closeStarted = new AtomicBoolean();
    /** Guards the lifecycle transitions that start(), close() and kill() race for. */
    private final Object lifecycleLock = new Object();

    private final AtomicLong reconnects = new AtomicLong();

    private volatile Lifecycle lifecycle = Lifecycle.NEW;
    private volatile boolean killed;
    private volatile Connection current;
    private volatile int inFlightLimit = DEFAULT_IN_FLIGHT_LIMIT;

    // Touched only on the link thread.
    private int connectionNumber;
    private int failedAttempts;
    private boolean everConnected;
    private ScheduledFuture<?> pendingAttempt;

    /**
     * @param willStatus what the broker publishes, retained, when the unit vanishes; its state must be OFFLINE
     * @param handler runs remote commands, on a thread of this link
     */
    public UnitLink(String unitId, MqttConfig mqtt, WireCodec codec, UnitStatus willStatus, CommandHandler handler) {
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
        this.clientId = mqtt.clientId() == null ? unitId : mqtt.clientId();
        this.willPayload = codec.encode(willStatus);
        this.backoff =
                new Backoff(FIRST_BACKOFF, Duration.ofSeconds(Math.max(1, mqtt.reconnectMaxSeconds())), new Random());
        this.commands = new CommandInbox(unitId, codec, handler, this::sendReply, System::nanoTime, Clock.systemUTC());
        this.linkThread = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "mqtt-link-" + unitId);
            thread.setDaemon(true);
            return thread;
        });
        this.linkThread.setRemoveOnCancelPolicy(true);
        // A pending reconnect or handshake watchdog must not hold up close().
        this.linkThread.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    }

    /** Starts connecting in the background and returns at once; messages published before that are kept for it. */
    public void start() {
        synchronized (lifecycleLock) {
            if (lifecycle != Lifecycle.NEW) {
                throw new IllegalStateException(
                        "unit " + unitId + ": the MQTT link was already started (state " + lifecycle + ")");
            }
            lifecycle = Lifecycle.RUNNING;
        }
        Logger.info("unit {}: MQTT link starting; broker {}, client id {}", unitId, mqtt.url(), clientId);
        onLinkThread(this::attemptConnection);
    }

    /** Publishes the unit's status, retained, QoS 1; while offline only the newest is kept, and it goes first when back. */
    public void publishStatus(UnitStatus status) {
        requireOwn(status.unitId(), "status");
        offer(Outbox.Kind.STATUS, Topics.status(unitId), codec.encode(status), 1, true, null);
    }

    /** Publishes the unit's position, retained, QoS 0; while offline only the newest is kept. */
    public void publishLocation(UnitLocation location) {
        requireOwn(location.unitId(), "location");
        offer(Outbox.Kind.LOCATION, Topics.location(unitId), codec.encode(location), 0, true, null);
    }

    /** Publishes the live-stream handle, retained, QoS 1; while offline only the newest is kept. */
    public void publishStream(StreamHandle handle) {
        requireOwn(handle.unitId(), "stream");
        offer(Outbox.Kind.STREAM, Topics.stream(unitId), codec.encode(handle), 1, true, null);
    }

    /** Publishes an event, QoS 1; events raised while offline are delivered in order when the link is back. */
    public void publishEvent(UnitEvent event) {
        requireOwn(event.unitId(), "event");
        offer(Outbox.Kind.EVENT, Topics.event(unitId), codec.encode(event), 1, false, null);
    }

    /** True while the link is connected and its command subscription is in place (or was refused by the broker). */
    public boolean isConnected() {
        Connection c = current;
        return !killed && c != null && c.phase == Phase.READY;
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
                reconnects.get(),
                inFlightLimit,
                outbox.peakInFlight());
    }

    /**
     * Clean shutdown: stops taking commands, waits up to {@link #FLUSH_TIMEOUT} for queued messages, then sends a normal
     * DISCONNECT (so the broker does not publish the Will) and closes the client. Publishes nothing by itself.
     */
    @Override
    public void close() {
        if (!closeStarted.compareAndSet(false, true) || killed) return;
        boolean wasRunning;
        synchronized (lifecycleLock) {
            wasRunning = lifecycle == Lifecycle.RUNNING;
            lifecycle = Lifecycle.CLOSING;
        }
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
        lifecycle = Lifecycle.CLOSED;
        try {
            linkThread.submit(this::disconnectCleanly).get(DISCONNECT_TIMEOUT_MILLIS * 3, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException | RejectedExecutionException e) {
            Logger.warn(e, "unit {}: MQTT link did not disconnect cleanly", unitId);
        }
        stopLinkThread();
        Logger.info("unit {}: MQTT link closed", unitId);
    }

    /**
     * Power-loss simulation: the connection falls silent without a DISCONNECT packet (it is held open, writing nothing,
     * until the broker must have given up on it; a TLS connection is reset instead) and everything stops, so the broker
     * publishes the Will after 1.5 keepalives. Nothing is sent after this returns; queued messages are lost, as they
     * would be.
     */
    public void kill() {
        synchronized (lifecycleLock) {
            if (killed) return;
            killed = true;
            lifecycle = Lifecycle.CLOSED;
        }
        closeStarted.set(true);
        sockets.dropAll(Duration.ofSeconds(mqtt.keepAliveSeconds() * 2L + 5));
        commands.abandon();
        linkThread.shutdownNow();
        try {
            // A task still running may be creating a client; wait for it so that client is released too.
            linkThread.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Connection c = current;
        if (c != null) {
            c.phase = Phase.DOWN;
            release(c);
        }
        Logger.info(
                "unit {}: MQTT link killed: connection silent without DISCONNECT, the broker will publish the Will",
                unitId);
    }

    // ---- publishing ----

    private void offer(
            Outbox.Kind kind, String topic, byte[] payload, int qos, boolean retained, byte[] correlationData) {
        if (killed || lifecycle == Lifecycle.CLOSED) {
            Logger.debug("unit {}: MQTT link is closed; {} to {} not sent", unitId, kind, topic);
            return;
        }
        Outbox.Overflow overflow = outbox.offer(kind, topic, payload, qos, retained, correlationData);
        if (overflow != null) logOverflow(overflow);
        Logger.trace("unit {}: queued {} to {}", unitId, kind, topic);
        requestDrain();
    }

    private void sendReply(CommandInbox.Reply reply) {
        offer(Outbox.Kind.REPLY, reply.responseTopic(), codec.encode(reply.reply()), 1, false, reply.correlationData());
    }

    private void logOverflow(Outbox.Overflow overflow) {
        long dropped = overflow.droppedSoFar();
        // One line per drop would bury the log during a long outage; the first and every thousandth are enough.
        if (dropped == 1 || dropped % 1000 == 0) {
            Logger.warn(
                    "unit {}: outgoing queue full ({} messages); dropped the oldest {} to {} ({} dropped so far)",
                    unitId,
                    QUEUE_CAPACITY,
                    overflow.dropped().kind(),
                    overflow.dropped().topic(),
                    dropped);
        } else {
            Logger.debug(
                    "unit {}: queue full; dropped the oldest {} ({} dropped so far)",
                    unitId,
                    overflow.dropped().kind(),
                    dropped);
        }
    }

    private void requestDrain() {
        if (drainRequested.compareAndSet(false, true)) onLinkThread(this::drain);
    }

    /** Hands waiting messages to the client while the in-flight window has room. Link thread only. */
    private void drain() {
        drainRequested.set(false);
        Connection c = current;
        if (killed || c == null || c.phase != Phase.READY) return;
        Outbox.Outgoing next;
        while ((next = outbox.take(inFlightLimit)) != null) {
            if (!publish(c, next)) return;
        }
    }

    private boolean publish(Connection c, Outbox.Outgoing message) {
        MqttProperties properties = new MqttProperties();
        if (message.correlationData() != null) properties.setCorrelationData(message.correlationData());
        MqttMessage mqttMessage = new MqttMessage(message.payload(), message.qos(), message.retained(), properties);
        try {
            c.client.publish(
                    message.topic(),
                    mqttMessage,
                    null,
                    listener(
                            token -> onLinkThread(() -> delivered(message, token)),
                            (token, error) -> onLinkThread(() -> notDelivered(c, message, error))));
            Logger.trace("unit {}: publishing {} #{} to {}", unitId, message.kind(), message.seq(), message.topic());
            return true;
        } catch (MqttException e) {
            outbox.putBack(message);
            if (e.getReasonCode() == MqttClientException.REASON_CODE_MAX_INFLIGHT) {
                // Paho frees a window slot only after our delivery callback has run, so it can lag us by one: retry
                // soon.
                Logger.trace("unit {}: client window full; retrying shortly", unitId);
                schedule(this::requestDrain, MAX_INFLIGHT_RETRY_MILLIS);
            } else {
                Logger.debug("unit {}: publish to {} deferred: {}", unitId, message.topic(), e.getMessage());
            }
            return false;
        } catch (IllegalArgumentException e) {
            // Only a requester's response topic can be invalid here; retrying would never succeed.
            outbox.settle(message.seq(), false);
            Logger.warn(
                    "unit {}: dropped {} to invalid topic '{}': {}",
                    unitId,
                    message.kind(),
                    message.topic(),
                    e.getMessage());
            return true;
        }
    }

    private void delivered(Outbox.Outgoing message, IMqttToken token) {
        int refusal = firstErrorCode(token.getReasonCodes());
        boolean accepted = refusal < 0;
        if (outbox.settle(message.seq(), accepted)) {
            if (accepted) {
                Logger.trace("unit {}: {} #{} delivered to {}", unitId, message.kind(), message.seq(), message.topic());
            } else {
                Logger.warn(
                        "unit {}: broker refused {} to {} (reason code 0x{}); dropped",
                        unitId,
                        message.kind(),
                        message.topic(),
                        Integer.toHexString(refusal));
            }
        }
        requestDrain();
    }

    private void notDelivered(Connection c, Outbox.Outgoing message, Throwable error) {
        // When the connection died, connectionLost() puts every in-flight message back; only a lone failure is ours.
        if (c != current || c.phase != Phase.READY || !c.client.isConnected()) return;
        Logger.debug(
                "unit {}: publish to {} failed ({}); will retry",
                unitId,
                message.topic(),
                error == null ? "?" : error.getMessage());
        outbox.putBack(message);
        requestDrain();
    }

    // ---- connection lifecycle, all on the link thread ----

    private void attemptConnection() {
        pendingAttempt = null;
        if (killed || lifecycle == Lifecycle.CLOSED) return;
        MqttAsyncClient client;
        MqttConnectionOptions options;
        try {
            options = connectionOptions();
            client = new MqttAsyncClient(mqtt.url(), clientId, new MemoryPersistence());
        } catch (MqttException | RuntimeException e) {
            connectFailed(null, e);
            return;
        }
        Connection c = new Connection(++connectionNumber, client);
        current = c;
        client.setCallback(c);
        try {
            client.connect(
                    options,
                    null,
                    listener(
                            token -> onLinkThread(() -> connected(c, token)),
                            (token, error) -> onLinkThread(() -> connectFailed(c, error))));
        } catch (MqttException | RuntimeException e) {
            connectFailed(c, e);
            return;
        }
        // Paho's connection timeout covers only the TCP connect: a CONNECT swallowed by a dead network would leave
        // the attempt waiting for a CONNACK forever. The margin lets Paho's own, more precise, timeout report first.
        long handshakeMillis = TimeUnit.SECONDS.toMillis(mqtt.connectTimeoutSeconds()) + HANDSHAKE_MARGIN_MILLIS;
        c.handshakeWatchdog = schedule(
                () -> {
                    if (c == current && c.phase == Phase.CONNECTING) {
                        connectFailed(
                                c,
                                new TimeoutException(
                                        "no answer to CONNECT within " + mqtt.connectTimeoutSeconds() + " s"));
                    }
                },
                handshakeMillis);
    }

    private MqttConnectionOptions connectionOptions() {
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setCleanStart(false);
        options.setSessionExpiryInterval(SESSION_EXPIRY_SECONDS);
        options.setKeepAliveInterval(mqtt.keepAliveSeconds());
        options.setConnectionTimeout(mqtt.connectTimeoutSeconds());
        options.setAutomaticReconnect(false);
        MqttMessage will = new MqttMessage(willPayload);
        will.setQos(1);
        will.setRetained(true);
        options.setWill(Topics.status(unitId), will);
        options.setSocketFactory(sockets.factoryFor(mqtt.url()));
        // Read at every attempt so a rotated credential file is picked up without a restart.
        mqtt.readUsername().ifPresent(options::setUserName);
        mqtt.readPassword().ifPresent(password -> options.setPassword(password.getBytes(StandardCharsets.UTF_8)));
        return options;
    }

    private void connected(Connection c, IMqttToken token) {
        if (c != current || c.phase != Phase.CONNECTING) return;
        if (killed || lifecycle == Lifecycle.CLOSED) {
            c.phase = Phase.DOWN;
            release(c);
            return;
        }
        if (c.handshakeWatchdog != null) c.handshakeWatchdog.cancel(false);
        failedAttempts = 0;
        MqttProperties connack = token.getResponseProperties();
        Integer serverReceiveMaximum = connack == null ? null : connack.getReceiveMaximum();
        inFlightLimit = inFlightLimitFor(serverReceiveMaximum);
        c.phase = Phase.SUBSCRIBING;
        if (everConnected) {
            long count = reconnects.incrementAndGet();
            Logger.info(
                    "unit {}: reconnected to {} (reconnect #{}, session present: {}, in-flight limit {}); {} messages to send",
                    unitId,
                    mqtt.url(),
                    count,
                    token.getSessionPresent(),
                    inFlightLimit,
                    outbox.waiting() + outbox.inFlight());
        } else {
            Logger.info(
                    "unit {}: connected to {} (session present: {}, server receive maximum {}, in-flight limit {})",
                    unitId,
                    mqtt.url(),
                    token.getSessionPresent(),
                    serverReceiveMaximum == null ? "not sent" : serverReceiveMaximum,
                    inFlightLimit);
        }
        everConnected = true;
        try {
            c.client.subscribe(
                    new MqttSubscription[] {new MqttSubscription(Topics.commandFilter(unitId), 1)},
                    null,
                    listener(
                            subToken -> onLinkThread(() -> subscribed(c, subToken)),
                            (subToken, error) -> onLinkThread(() -> subscribeFailed(c, error))),
                    new MqttProperties());
        } catch (MqttException e) {
            subscribeFailed(c, e);
        }
    }

    /** A margin of two below the server's window: Paho counts a publish until just after our callback ran. */
    static int inFlightLimitFor(Integer serverReceiveMaximum) {
        if (serverReceiveMaximum == null) return DEFAULT_IN_FLIGHT_LIMIT;
        return Math.max(1, Math.min(serverReceiveMaximum - 2, MAX_IN_FLIGHT_LIMIT));
    }

    private void subscribed(Connection c, IMqttToken token) {
        if (c != current || c.phase != Phase.SUBSCRIBING) return;
        int refusal = firstErrorCode(token.getReasonCodes());
        if (refusal >= 0) {
            Logger.warn(
                    "unit {}: broker refused the subscription to {} (reason code 0x{}); remote commands will not arrive",
                    unitId,
                    Topics.commandFilter(unitId),
                    Integer.toHexString(refusal));
        } else {
            Logger.debug("unit {}: subscribed to {}", unitId, Topics.commandFilter(unitId));
        }
        c.phase = Phase.READY;
        drain();
    }

    private void subscribeFailed(Connection c, Throwable error) {
        if (c != current || c.phase != Phase.SUBSCRIBING || !c.client.isConnected()) return;
        Logger.warn(
                "unit {}: subscribing to {} failed ({}); remote commands will not arrive until the next reconnect",
                unitId,
                Topics.commandFilter(unitId),
                error == null ? "?" : error.getMessage());
        // Status and events matter more than commands: send them anyway.
        c.phase = Phase.READY;
        drain();
    }

    private void connectFailed(Connection c, Throwable error) {
        if (c != null) {
            if (c != current || c.phase != Phase.CONNECTING) return;
            c.phase = Phase.DOWN;
            release(c);
        }
        if (killed || lifecycle == Lifecycle.CLOSED) return;
        failedAttempts++;
        Duration delay = backoff.delay(failedAttempts - 1);
        String reason = describe(error);
        if (failedAttempts == 1) {
            Logger.info(
                    "unit {}: cannot connect to {} ({}); retrying every 1-{} s until it answers",
                    unitId,
                    mqtt.url(),
                    reason,
                    mqtt.reconnectMaxSeconds());
        } else {
            Logger.debug(
                    "unit {}: connection attempt {} failed ({}); next in {} ms",
                    unitId,
                    failedAttempts,
                    reason,
                    delay.toMillis());
        }
        scheduleAttempt(delay);
    }

    private void connectionLost(Connection c, String reason) {
        if (c != current || c.phase == Phase.DOWN) return;
        if (c.phase == Phase.CONNECTING) {
            connectFailed(c, new IllegalStateException(reason));
            return;
        }
        c.phase = Phase.DOWN;
        for (Outbox.Overflow overflow : outbox.putBackAllInFlight()) logOverflow(overflow);
        Logger.info(
                "unit {}: connection to {} lost ({}); {} messages wait for the next connection",
                unitId,
                mqtt.url(),
                reason,
                outbox.waiting());
        release(c);
        if (killed || lifecycle == Lifecycle.CLOSED) return;
        scheduleAttempt(backoff.delay(0));
    }

    private void disconnectCleanly() {
        if (pendingAttempt != null) pendingAttempt.cancel(false);
        Connection c = current;
        if (c == null) return;
        if ((c.phase == Phase.READY || c.phase == Phase.SUBSCRIBING) && c.client.isConnected()) {
            try {
                // No quiesce: close() already waited until the broker acknowledged everything this link sent.
                c.client
                        .disconnect(0, null, null, MqttReturnCode.RETURN_CODE_SUCCESS, new MqttProperties())
                        .waitForCompletion(DISCONNECT_TIMEOUT_MILLIS);
                Logger.debug("unit {}: disconnected from {}", unitId, mqtt.url());
            } catch (MqttException e) {
                Logger.debug("unit {}: DISCONNECT did not complete: {}", unitId, e.getMessage());
            }
        }
        c.phase = Phase.DOWN;
        release(c);
    }

    /** Frees a client's threads and sockets without sending anything, whether it is connected, connecting or dead. */
    private void release(Connection c) {
        try {
            // Also needed while connecting: Paho refuses to close a client with a connect in progress.
            c.client.disconnectForcibly(0, 0, false);
        } catch (MqttException | RuntimeException e) {
            Logger.trace("unit {}: while dropping connection {}: {}", unitId, c.number, e.getMessage());
        }
        try {
            c.client.close(true);
        } catch (MqttException | RuntimeException e) {
            Logger.trace("unit {}: while closing client {}: {}", unitId, c.number, e.getMessage());
        }
    }

    private void scheduleAttempt(Duration delay) {
        pendingAttempt = schedule(this::attemptConnection, delay.toMillis());
    }

    // ---- plumbing ----

    private void onLinkThread(Runnable task) {
        try {
            linkThread.execute(() -> runLogged(task));
        } catch (RejectedExecutionException e) {
            // The link is closed or killed: late callbacks from the client have nothing left to do.
        }
    }

    private ScheduledFuture<?> schedule(Runnable task, long delayMillis) {
        try {
            return linkThread.schedule(() -> runLogged(task), delayMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            return null;
        }
    }

    private void runLogged(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException e) {
            Logger.error(e, "unit {}: MQTT link task failed", unitId);
        }
    }

    private void stopLinkThread() {
        linkThread.shutdown();
        try {
            if (!linkThread.awaitTermination(1, TimeUnit.SECONDS)) linkThread.shutdownNow();
        } catch (InterruptedException e) {
            linkThread.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    private void requireOwn(String payloadUnitId, String what) {
        if (!unitId.equals(payloadUnitId)) {
            throw new IllegalArgumentException(what + " is for unit '" + payloadUnitId + "', not '" + unitId + "'");
        }
    }

    /** The first MQTT 5 reason code that means failure (0x80 and up), or -1. */
    private static int firstErrorCode(int[] reasonCodes) {
        if (reasonCodes == null) return -1;
        for (int code : reasonCodes) if (code >= 0x80) return code;
        return -1;
    }

    private static String describe(Throwable error) {
        if (error == null) return "no reason given";
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) root = root.getCause();
        String message = error.getMessage() == null ? error.getClass().getSimpleName() : error.getMessage();
        return root == error || root.getMessage() == null ? message : message + ": " + root.getMessage();
    }

    private static MqttActionListener listener(
            Consumer<IMqttToken> onSuccess, BiConsumer<IMqttToken, Throwable> onFailure) {
        return new MqttActionListener() {
            @Override
            public void onSuccess(IMqttToken token) {
                onSuccess.accept(token);
            }

            @Override
            public void onFailure(IMqttToken token, Throwable error) {
                onFailure.accept(token, error);
            }
        };
    }

    /** One Paho client, from connection attempt to loss; a reconnect gets a new one. */
    private final class Connection implements MqttCallback {
        final int number;
        final MqttAsyncClient client;
        volatile Phase phase = Phase.CONNECTING;
        ScheduledFuture<?> handshakeWatchdog;

        Connection(int number, MqttAsyncClient client) {
            this.number = number;
            this.client = client;
        }

        @Override
        public void disconnected(MqttDisconnectResponse response) {
            String reason = response.getException() != null
                    ? describe(response.getException())
                    : "broker sent DISCONNECT, reason code 0x" + Integer.toHexString(response.getReturnCode())
                            + (response.getReasonString() == null ? "" : " " + response.getReasonString());
            onLinkThread(() -> connectionLost(this, reason));
        }

        @Override
        public void mqttErrorOccurred(MqttException exception) {
            Logger.warn("unit {}: MQTT protocol error: {}", unitId, describe(exception));
        }

        @Override
        public void messageArrived(String topic, MqttMessage message) {
            if (killed) return;
            Logger.debug("unit {}: command message on {}", unitId, topic);
            commands.accept(topic, message);
        }

        @Override
        public void deliveryComplete(IMqttToken token) {
            // Each publish has its own listener; nothing to do here.
        }

        @Override
        public void connectComplete(boolean reconnect, String serverUri) {
            // The connect listener handles this with the CONNACK in hand.
        }

        @Override
        public void authPacketArrived(int reasonCode, MqttProperties properties) {
            // No enhanced authentication is used.
        }
    }
}
