package org.openbwc.gateway.fleet;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import javax.net.ssl.SSLContext;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttActionListener;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.openbwc.config.MqttConfig;
import org.openbwc.gateway.fleet.DroppedMessages.Reason;
import org.openbwc.protocol.Topics;
import org.openbwc.protocol.WireCodec;
import org.tinylog.Logger;

/**
 * The gateway's MQTT 5 connection to the fleet's broker: connects and keeps reconnecting, subscribes to every unit's
 * status, location, events and stream handle and to this gateway's replies topic, and hands each message on: replies
 * to the {@link CommandClient}, everything else to the {@link FleetIngest}.
 *
 * <p>Session: clean start is off and the session outlives a disconnect by {@code sessionExpiry}, so QoS 1 events
 * (an SOS, a recording start) raised while the gateway restarts or reconnects are queued by the broker rather than
 * lost. The fleet's current state does not depend on that: on every (re)connect the link subscribes again, and the
 * broker replays every retained status, location and stream handle, which rebuilds the registry at once. The client
 * id must therefore be unique per gateway.
 *
 * <p>Threads: Paho delivers messages on its single callback thread; everything done there is non-blocking (decode,
 * registry update, listener queue offers).
 */
public final class FleetConnection implements AutoCloseable {

    /** How long the broker keeps this gateway's session (and queues its QoS 1 messages) after a disconnect. */
    public static final Duration DEFAULT_SESSION_EXPIRY = Duration.ofHours(1);

    static final int QOS = 1;
    /** The largest MQTT packet the gateway accepts, sent in CONNECT (docs/security.md). */
    public static final int MAX_PACKET_BYTES = 256 * 1024;

    private final MqttConfig mqtt;
    private final SSLContext tls;
    private final String gatewayId;
    private final String repliesFilter;
    private final Duration sessionExpiry;
    private final DroppedMessages drops;
    private final Clock clock;
    private final LongAdder messagesIn = new LongAdder();
    private final MqttAsyncClient client;
    private final ScheduledExecutorService timer;
    private final AtomicLong connects = new AtomicLong();

    // True only between a SUBACK that covers the replies topic and the next connection loss.
    private volatile boolean subscribed;
    private final CompletableFuture<Void> firstSubscription = new CompletableFuture<>();
    private volatile Instant connectedSince;
    private volatile String lastProblem = "not connected yet";
    private volatile boolean closing;
    // Where messages go; set by start, before the first connection.
    private volatile FleetIngest ingest;
    private volatile CommandClient commands;

    /**
     * @param tls the gateway's TLS identity for an {@code ssl://} broker (its certificate and the agency CA it trusts);
     *     null for a {@code tcp://} lab broker, or for {@code ssl://} with the JDK's default trust and no certificate
     */
    public FleetConnection(
            String gatewayId,
            MqttConfig mqtt,
            SSLContext tls,
            Duration sessionExpiry,
            DroppedMessages drops,
            Clock clock) {
        Topics.requireId(gatewayId, "gateway id");
        this.gatewayId = gatewayId;
        this.mqtt = Objects.requireNonNull(mqtt, "mqtt config is required");
        this.tls = tls;
        this.repliesFilter = Topics.repliesFilter(gatewayId);
        this.sessionExpiry = Objects.requireNonNull(sessionExpiry, "sessionExpiry is required");
        this.drops = Objects.requireNonNull(drops, "drops is required");
        this.clock = Objects.requireNonNull(clock, "clock is required");
        String clientId = mqtt.clientId() != null ? mqtt.clientId() : gatewayId;
        try {
            this.client = new MqttAsyncClient(mqtt.url(), clientId, new MemoryPersistence());
        } catch (MqttException e) {
            throw new IllegalArgumentException(
                    "cannot create an MQTT client for " + mqtt.url() + ": " + e.getMessage(), e);
        }
        client.setCallback(new Callback());
        ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, r -> {
            Thread th = new Thread(r, "fleet-link-timer");
            th.setDaemon(true);
            return th;
        });
        t.setRemoveOnCancelPolicy(true);
        this.timer = t;
    }

    /**
     * Connects and subscribes, waiting up to the connect timeout for the first attempt; if the broker cannot be
     * reached, keeps trying in the background (Paho's automatic reconnect only covers connections that were up once).
     *
     * @param ingest where the fleet's messages go
     * @param commands where the replies to this gateway's commands go
     * @return true if connected and subscribed when this returns
     */
    public boolean start(FleetIngest ingest, CommandClient commands) {
        this.ingest = Objects.requireNonNull(ingest, "ingest is required");
        this.commands = Objects.requireNonNull(commands, "commands is required");
        MqttConnectionOptions options = connectionOptions();
        CompletableFuture<Boolean> first = new CompletableFuture<>();
        connect(options, 1, first);
        try {
            // The SUBACK follows the CONNACK; wait for both so a started link can send commands at once.
            if (!first.get(mqtt.connectTimeoutSeconds() + 1L, TimeUnit.SECONDS)) return false;
            firstSubscription.get(mqtt.connectTimeoutSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            Logger.debug(e, "First MQTT connection attempt did not finish in time");
        }
        return subscribed;
    }

    private MqttConnectionOptions connectionOptions() {
        MqttConnectionOptions o = new MqttConnectionOptions();
        o.setCleanStart(false);
        o.setSessionExpiryInterval(sessionExpiry.toSeconds());
        o.setKeepAliveInterval(mqtt.keepAliveSeconds());
        o.setConnectionTimeout(mqtt.connectTimeoutSeconds());
        o.setAutomaticReconnect(true);
        o.setAutomaticReconnectDelay(1, mqtt.reconnectMaxSeconds());
        // What the gateway will read, in CONNECT; the broker enforces the same limit on what it is sent.
        o.setMaximumPacketSize((long) MAX_PACKET_BYTES);
        if (tls != null && isTls(mqtt.url())) o.setSocketFactory(tls.getSocketFactory());
        mqtt.readUsername().ifPresent(o::setUserName);
        mqtt.readPassword().ifPresent(p -> o.setPassword(p.getBytes(StandardCharsets.UTF_8)));
        return o;
    }

    private void connect(MqttConnectionOptions options, int delaySeconds, CompletableFuture<Boolean> first) {
        if (closing) return;
        try {
            client.connect(options, null, new MqttActionListener() {
                @Override
                public void onSuccess(IMqttToken token) {
                    first.complete(true);
                }

                @Override
                public void onFailure(IMqttToken token, Throwable e) {
                    first.complete(false);
                    retryConnect(options, delaySeconds, e);
                }
            });
        } catch (MqttException e) {
            first.complete(false);
            retryConnect(options, delaySeconds, e);
        }
    }

    private void retryConnect(MqttConnectionOptions options, int delaySeconds, Throwable e) {
        if (closing) return;
        String problem = describe(e);
        if (!problem.equals(lastProblem)) {
            Logger.warn(
                    "Cannot connect to the MQTT broker at {} as '{}': {}; retrying every {} s at most",
                    mqtt.url(),
                    client.getClientId(),
                    problem,
                    mqtt.reconnectMaxSeconds());
        } else {
            Logger.debug("Still cannot connect to the MQTT broker at {}: {}", mqtt.url(), problem);
        }
        lastProblem = problem;
        int next = Math.min(delaySeconds * 2, mqtt.reconnectMaxSeconds());
        try {
            timer.schedule(() -> connect(options, next, new CompletableFuture<>()), delaySeconds, TimeUnit.SECONDS);
        } catch (java.util.concurrent.RejectedExecutionException ignored) {
            // closing
        }
    }

    private void subscribe() {
        MqttSubscription[] subscriptions = {
            new MqttSubscription(repliesFilter, QOS),
            new MqttSubscription(Topics.ALL_STATUS, QOS),
            new MqttSubscription(Topics.ALL_LOCATION, QOS),
            new MqttSubscription(Topics.ALL_EVENTS, QOS),
            new MqttSubscription(Topics.ALL_STREAMS, QOS),
        };
        try {
            client.subscribe(
                    subscriptions,
                    null,
                    new MqttActionListener() {
                        @Override
                        public void onSuccess(IMqttToken token) {
                            int[] codes = token.getReasonCodes();
                            boolean allGranted = true;
                            for (int i = 0; codes != null && i < codes.length; i++) {
                                if (codes[i] >= 0x80) {
                                    allGranted = false;
                                    Logger.error(
                                            "The MQTT broker at {} refused the subscription to {} (reason code 0x{}); "
                                                    + "check its access rules for client '{}'",
                                            mqtt.url(),
                                            subscriptions[i].getTopic(),
                                            Integer.toHexString(codes[i]),
                                            client.getClientId());
                                }
                            }
                            boolean repliesGranted = codes == null || codes.length == 0 || codes[0] < 0x80;
                            subscribed = repliesGranted;
                            firstSubscription.complete(null);
                            if (allGranted && ingest != null) ingest.linkChanged(true);
                            if (allGranted) Logger.debug("Subscribed to the fleet topics and {}", repliesFilter);
                        }

                        @Override
                        public void onFailure(IMqttToken token, Throwable e) {
                            Logger.error(
                                    "Subscribing to the fleet topics on {} failed: {}; the fleet view will stay empty "
                                            + "until the next reconnection",
                                    mqtt.url(),
                                    describe(e));
                        }
                    },
                    new MqttProperties());
        } catch (MqttException e) {
            Logger.error("Subscribing to the fleet topics on {} failed: {}", mqtt.url(), describe(e));
        }
    }

    public boolean connected() {
        return client.isConnected() && subscribed;
    }

    public String url() {
        return mqtt.url();
    }

    public String clientId() {
        return client.getClientId();
    }

    public Instant connectedSince() {
        return connectedSince;
    }

    /** How many times a connection was established (1 after a start without trouble). */
    public long connections() {
        return connects.get();
    }

    /** Messages received from the broker since start, including dropped ones. */
    public long messagesIn() {
        return messagesIn.sum();
    }

    /** True between a SUBACK that covers the replies topic and the next connection loss: commands can be sent. */
    boolean subscribed() {
        return subscribed;
    }

    /** Why the connection is not up, or "connected"; for the messages of commands that cannot be sent. */
    String lastProblem() {
        return lastProblem;
    }

    /** The response topic a command to {@code unitId} carries. */
    String repliesTopic(String unitId) {
        return Topics.replies(gatewayId, unitId);
    }

    String gatewayId() {
        return gatewayId;
    }

    /** Hands a message to the broker; {@code listener} hears whether the broker took it. */
    void publish(String topic, MqttMessage message, MqttActionListener listener) throws MqttException {
        client.publish(topic, message, null, listener);
    }

    /** Event receipts that go out through this connection, timed on its timer. */
    public EventReceipts eventReceipts(WireCodec codec) {
        return new EventReceipts(codec, this::publishReceipt, timer);
    }

    /** Hands an event acknowledgement to the client, QoS 1; false when it cannot take it now (it is retried). */
    private boolean publishReceipt(String topic, byte[] payload, Runnable settled) {
        if (!connected()) return false;
        try {
            client.publish(
                    topic, new MqttMessage(payload, QOS, false, new MqttProperties()), null, new MqttActionListener() {
                        @Override
                        public void onSuccess(IMqttToken token) {
                            settled.run();
                        }

                        @Override
                        public void onFailure(IMqttToken token, Throwable e) {
                            settled.run();
                        }
                    });
            return true;
        } catch (MqttException e) {
            Logger.debug("Event acknowledgement to {} deferred: {}", topic, describe(e));
            return false;
        }
    }

    /** Disconnects cleanly (no Will for a gateway; the session stays for {@code sessionExpiry}) and stops the timer. */
    @Override
    public void close() {
        closing = true;
        subscribed = false;
        try {
            if (client.isConnected()) client.disconnect(2000).waitForCompletion(3000);
        } catch (MqttException e) {
            Logger.debug(e, "Disconnecting from {} did not complete cleanly", mqtt.url());
        }
        try {
            client.close(true);
        } catch (MqttException e) {
            Logger.debug(e, "Closing the MQTT client failed");
        }
        timer.shutdownNow();
        Logger.info("Disconnected from the MQTT broker at {}", mqtt.url());
    }

    // --- incoming messages, on Paho's callback thread -------------------------------------------------------------

    private void handle(String topic, MqttMessage message) {
        messagesIn.increment();
        if (topic.startsWith(Topics.REPLIES_ROOT + "/")) {
            commands.reply(topic, message);
        } else {
            ingest.accept(topic, message.getPayload(), message.isRetained());
        }
    }

    static boolean isTls(String url) {
        return url.startsWith("ssl://") || url.startsWith("wss://");
    }

    static String describe(Throwable e) {
        if (e == null) return "unknown error";
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) root = root.getCause();
        String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (root != e && root.getMessage() != null) msg += " (" + root.getMessage() + ")";
        if (e instanceof MqttException m) msg += " [reason code " + m.getReasonCode() + "]";
        return msg;
    }

    private final class Callback implements MqttCallback {
        @Override
        public void connectComplete(boolean reconnect, String serverURI) {
            connects.incrementAndGet();
            connectedSince = clock.instant();
            lastProblem = "connected";
            Logger.info(
                    "{} the MQTT broker at {} as '{}'; subscribing to the fleet",
                    reconnect ? "Reconnected to" : "Connected to",
                    serverURI,
                    client.getClientId());
            // Subscribing again on every connection makes the broker replay every retained message.
            subscribe();
        }

        @Override
        public void disconnected(MqttDisconnectResponse response) {
            subscribed = false;
            connectedSince = null;
            if (closing) return;
            if (ingest != null) ingest.linkChanged(false);
            String why = response.getException() != null
                    ? describe(response.getException())
                    : "broker sent DISCONNECT with reason code " + response.getReturnCode()
                            + (response.getReasonString() == null ? "" : " (" + response.getReasonString() + ")");
            lastProblem = "connection lost: " + why;
            Logger.warn(
                    "Lost the connection to the MQTT broker at {}: {}; reconnecting (at most every {} s)",
                    mqtt.url(),
                    why,
                    mqtt.reconnectMaxSeconds());
        }

        @Override
        public void mqttErrorOccurred(MqttException e) {
            Logger.warn("MQTT error on {}: {}", mqtt.url(), describe(e));
        }

        @Override
        public void messageArrived(String topic, MqttMessage message) {
            // An exception escaping here makes Paho drop the connection: nothing may get out.
            try {
                handle(topic, message);
            } catch (RuntimeException e) {
                drops.record(Reason.HANDLER_ERROR, DroppedMessages.abbreviate(topic), e.toString());
                Logger.error(e, "Handling a message on {} failed", topic);
            }
        }

        @Override
        public void deliveryComplete(IMqttToken token) {}

        @Override
        public void authPacketArrived(int reasonCode, MqttProperties properties) {}
    }
}
