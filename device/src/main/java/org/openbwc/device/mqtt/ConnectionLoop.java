package org.openbwc.device.mqtt;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.eclipse.paho.mqttv5.common.packet.MqttReturnCode;
import org.openbwc.config.MqttConfig;
import org.openbwc.protocol.Topics;
import org.tinylog.Logger;

/**
 * Keeps the MQTT link connected: one fresh Paho client per attempt, a handshake watchdog, exponential backoff with
 * jitter between failed attempts, and on every (re)connect the subscription to the unit's command filter before the
 * {@link Publisher} is told to send. Hands arriving commands to the {@link CommandInbox}. Everything but Paho's own
 * callbacks runs on the {@link LinkThread}.
 */
final class ConnectionLoop {

    private static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
    private static final long HANDSHAKE_MARGIN_MILLIS = 250;

    /** Where one Paho client is in its life; only the link thread changes it. */
    enum Phase {
        CONNECTING,
        SUBSCRIBING,
        READY,
        DOWN
    }

    private final String unitId;
    private final MqttConfig mqtt;
    private final String clientId;
    private final byte[] willPayload;
    private final OpenSockets sockets;
    private final Supplier<SSLContext> tls;
    private final CommandInbox commands;
    private final Consumer<byte[]> eventAcks;
    private final Outbox outbox;
    private final Publisher publisher;
    private final LinkThread linkThread;
    private final LinkLifecycle life;
    private final Backoff backoff;
    private final AtomicLong reconnects = new AtomicLong();

    private volatile Connection current;
    private volatile int inFlightLimit = UnitLink.DEFAULT_IN_FLIGHT_LIMIT;

    // Touched only on the link thread.
    private int connectionNumber;
    private int failedAttempts;
    private boolean everConnected;
    private ScheduledFuture<?> pendingAttempt;

    ConnectionLoop(
            String unitId,
            MqttConfig mqtt,
            String clientId,
            byte[] willPayload,
            OpenSockets sockets,
            Supplier<SSLContext> tls,
            CommandInbox commands,
            Consumer<byte[]> eventAcks,
            Outbox outbox,
            Publisher publisher,
            LinkThread linkThread,
            LinkLifecycle life) {
        this.unitId = unitId;
        this.mqtt = mqtt;
        this.clientId = clientId;
        this.willPayload = willPayload;
        this.sockets = sockets;
        this.tls = tls;
        this.commands = commands;
        this.eventAcks = eventAcks;
        this.outbox = outbox;
        this.publisher = publisher;
        this.linkThread = linkThread;
        this.life = life;
        this.backoff =
                new Backoff(FIRST_BACKOFF, Duration.ofSeconds(Math.max(1, mqtt.reconnectMaxSeconds())), new Random());
    }

    /** True while connected and subscribed (or refused the subscription by the broker). */
    boolean isReady() {
        Connection c = current;
        return c != null && c.isReady();
    }

    long reconnects() {
        return reconnects.get();
    }

    /** Unacknowledged publishes allowed on the newest connection (from its CONNACK). */
    int inFlightLimit() {
        return inFlightLimit;
    }

    /** Starts the first attempt on the link thread. */
    void start() {
        linkThread.execute(this::attemptConnection);
    }

    // ---- all on the link thread ----

    private void attemptConnection() {
        pendingAttempt = null;
        if (life.ended()) return;
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
                    Paho.listener(
                            token -> linkThread.execute(() -> connected(c, token)),
                            (token, error) -> linkThread.execute(() -> connectFailed(c, error))));
        } catch (MqttException | RuntimeException e) {
            connectFailed(c, e);
            return;
        }
        // Paho's connection timeout covers only the TCP connect: a CONNECT swallowed by a dead network would leave
        // the attempt waiting for a CONNACK forever. The margin lets Paho's own, more precise, timeout report first.
        long handshakeMillis = TimeUnit.SECONDS.toMillis(mqtt.connectTimeoutSeconds()) + HANDSHAKE_MARGIN_MILLIS;
        c.handshakeWatchdog = linkThread.schedule(
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
        options.setSessionExpiryInterval(UnitLink.SESSION_EXPIRY_SECONDS);
        options.setKeepAliveInterval(mqtt.keepAliveSeconds());
        options.setConnectionTimeout(mqtt.connectTimeoutSeconds());
        options.setAutomaticReconnect(false);
        MqttMessage will = new MqttMessage(willPayload);
        will.setQos(1);
        will.setRetained(true);
        options.setWill(Topics.status(unitId), will);
        // The identity is read at every attempt, so the files written at enrolment (or renewed) are picked up
        // without a restart; a unit without them keeps retrying with the reason in its log.
        options.setSocketFactory(
                sockets.factoryFor(mqtt.url(), OpenSockets.isTls(mqtt.url()) && tls != null ? tls.get() : null));
        // Tells the broker not to send more than the unit will read; the broker has the same limit the other way.
        options.setMaximumPacketSize((long) UnitLink.MAX_PACKET_BYTES);
        // Read at every attempt so a rotated credential file is picked up without a restart.
        mqtt.readUsername().ifPresent(options::setUserName);
        mqtt.readPassword().ifPresent(password -> options.setPassword(password.getBytes(StandardCharsets.UTF_8)));
        return options;
    }

    private void connected(Connection c, IMqttToken token) {
        if (c != current || c.phase != Phase.CONNECTING) return;
        if (life.ended()) {
            c.phase = Phase.DOWN;
            release(c);
            return;
        }
        if (c.handshakeWatchdog != null) c.handshakeWatchdog.cancel(false);
        failedAttempts = 0;
        MqttProperties connack = token.getResponseProperties();
        Integer serverReceiveMaximum = connack == null ? null : connack.getReceiveMaximum();
        inFlightLimit = UnitLink.inFlightLimitFor(serverReceiveMaximum);
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
                    new MqttSubscription[] {
                        new MqttSubscription(Topics.commandFilter(unitId), 1),
                        new MqttSubscription(Topics.eventAck(unitId), 1)
                    },
                    null,
                    Paho.listener(
                            subToken -> linkThread.execute(() -> subscribed(c, subToken)),
                            (subToken, error) -> linkThread.execute(() -> subscribeFailed(c, error))),
                    new MqttProperties());
        } catch (MqttException e) {
            subscribeFailed(c, e);
        }
    }

    private void subscribed(Connection c, IMqttToken token) {
        if (c != current || c.phase != Phase.SUBSCRIBING) return;
        int[] codes = token.getReasonCodes();
        String[] filters = {Topics.commandFilter(unitId), Topics.eventAck(unitId)};
        String[] consequences = {
            "remote commands will not arrive",
            "the gateway's event receipts will not arrive, so events are kept and sent again (the broker's access"
                    + " rules predate them: docs/security.md)"
        };
        for (int i = 0; i < filters.length; i++) {
            int code = codes == null || i >= codes.length ? 0 : codes[i];
            if (code >= 0x80) {
                Logger.warn(
                        "unit {}: broker refused the subscription to {} (reason code 0x{}); {}",
                        unitId,
                        filters[i],
                        Integer.toHexString(code),
                        consequences[i]);
            } else {
                Logger.debug("unit {}: subscribed to {}", unitId, filters[i]);
            }
        }
        c.phase = Phase.READY;
        resendUnacknowledged();
        publisher.ready(c, inFlightLimit);
    }

    /**
     * A new connection: events the gateway has not acknowledged go out again, in case the broker that took them
     * forgot them (restarted without persistence) before the gateway had them. The gateway drops duplicates.
     */
    private void resendUnacknowledged() {
        int again = outbox.resend(0);
        if (again > 0) {
            Logger.info("unit {}: sending {} events again that the gateway has not acknowledged", unitId, again);
        }
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
        resendUnacknowledged();
        publisher.ready(c, inFlightLimit);
    }

    private void connectFailed(Connection c, Throwable error) {
        if (c != null) {
            if (c != current || c.phase != Phase.CONNECTING) return;
            c.phase = Phase.DOWN;
            release(c);
        }
        if (life.ended()) return;
        failedAttempts++;
        Duration delay = backoff.delay(failedAttempts - 1);
        String reason = Paho.describe(error);
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
        publisher.putBackInFlight();
        Logger.info(
                "unit {}: connection to {} lost ({}); {} messages wait for the next connection",
                unitId,
                mqtt.url(),
                reason,
                outbox.waiting());
        release(c);
        if (life.ended()) return;
        scheduleAttempt(backoff.delay(0));
    }

    /** Sends a normal DISCONNECT if connected (so the broker does not publish the Will) and frees the client. */
    void disconnectCleanly() {
        if (pendingAttempt != null) pendingAttempt.cancel(false);
        Connection c = current;
        if (c == null) return;
        if ((c.phase == Phase.READY || c.phase == Phase.SUBSCRIBING) && c.client.isConnected()) {
            try {
                // No quiesce: close() already waited until the broker acknowledged everything this link sent.
                c.client
                        .disconnect(0, null, null, MqttReturnCode.RETURN_CODE_SUCCESS, new MqttProperties())
                        .waitForCompletion(UnitLink.DISCONNECT_TIMEOUT_MILLIS);
                Logger.debug("unit {}: disconnected from {}", unitId, mqtt.url());
            } catch (MqttException e) {
                Logger.debug("unit {}: DISCONNECT did not complete: {}", unitId, e.getMessage());
            }
        }
        c.phase = Phase.DOWN;
        release(c);
    }

    /** Drops the connection without a DISCONNECT (the link was killed and its thread has stopped). */
    void abandon() {
        Connection c = current;
        if (c != null) {
            c.phase = Phase.DOWN;
            release(c);
        }
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
        pendingAttempt = linkThread.schedule(this::attemptConnection, delay.toMillis());
    }

    /** One Paho client, from connection attempt to loss; a reconnect gets a new one. */
    final class Connection implements MqttCallback {
        final int number;
        final MqttAsyncClient client;
        volatile Phase phase = Phase.CONNECTING;
        ScheduledFuture<?> handshakeWatchdog;

        Connection(int number, MqttAsyncClient client) {
            this.number = number;
            this.client = client;
        }

        boolean isReady() {
            return phase == Phase.READY;
        }

        @Override
        public void disconnected(MqttDisconnectResponse response) {
            String reason = response.getException() != null
                    ? Paho.describe(response.getException())
                    : "broker sent DISCONNECT, reason code 0x" + Integer.toHexString(response.getReturnCode())
                            + (response.getReasonString() == null ? "" : " " + response.getReasonString());
            linkThread.execute(() -> connectionLost(this, reason));
        }

        @Override
        public void mqttErrorOccurred(MqttException exception) {
            Logger.warn("unit {}: MQTT protocol error: {}", unitId, Paho.describe(exception));
        }

        @Override
        public void messageArrived(String topic, MqttMessage message) {
            if (life.killed()) return;
            if (topic.equals(Topics.eventAck(unitId))) {
                byte[] payload = message.getPayload();
                linkThread.execute(() -> eventAcks.accept(payload));
                return;
            }
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
