package org.openbwc.gateway.fleet;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
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
import org.openbwc.json.JsonException;
import org.openbwc.json.JsonReader;
import org.openbwc.protocol.CommandReply;
import org.openbwc.protocol.CommandRequest;
import org.openbwc.protocol.MalformedPayloadException;
import org.openbwc.protocol.Payload;
import org.openbwc.protocol.StreamHandle;
import org.openbwc.protocol.Topics;
import org.openbwc.protocol.UnitEvent;
import org.openbwc.protocol.UnitLocation;
import org.openbwc.protocol.UnitStatus;
import org.openbwc.protocol.WireCodec;
import org.tinylog.Logger;

/**
 * The gateway's MQTT 5 connection to the fleet: follows every unit's status, location, events and stream handle into
 * the {@link FleetRegistry}, and sends commands as MQTT 5 requests (response topic + correlation data).
 *
 * <p>Session: clean start is off and the session outlives a disconnect by {@code sessionExpiry}, so QoS 1 events
 * (an SOS, a recording start) raised while the gateway restarts or reconnects are queued by the broker rather than
 * lost. The fleet's current state does not depend on that: on every (re)connect the link subscribes again, and the
 * broker replays every retained status, location and stream handle, which rebuilds the registry at once. The client
 * id must therefore be unique per gateway.
 *
 * <p>Threads: Paho delivers messages on its single callback thread; everything done there is non-blocking (decode,
 * registry update, listener queue offers). Replies complete their futures on the link's timer thread, so whatever a
 * caller chains on them never runs on Paho's thread.
 */
public final class FleetLink implements AutoCloseable {

    /** How long the broker keeps this gateway's session (and queues its QoS 1 messages) after a disconnect. */
    public static final Duration DEFAULT_SESSION_EXPIRY = Duration.ofHours(1);

    private static final int QOS = 1;
    private static final int MAX_REMEMBERED_REQUESTS = 1024;

    private final MqttConfig mqtt;
    private final String repliesTopic;
    private final int maxPayloadBytes;
    private final Duration sessionExpiry;
    private final FleetRegistry registry;
    private final WireCodec codec;
    private final Clock clock;
    private final DroppedMessages drops = new DroppedMessages();
    private final LongAdder messagesIn = new LongAdder();
    private final MqttAsyncClient client;
    private final ScheduledExecutorService timer;
    private final SecureRandom random = new SecureRandom();
    private final ConcurrentHashMap<String, Pending> pending = new ConcurrentHashMap<>();
    // Correlation ids of recently finished requests, so a reply that comes after its command timed out, or a QoS 1
    // redelivery of one already handled, is told apart from a stray reply.
    private final Map<String, Boolean> finished = new LinkedHashMap<>(64, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > MAX_REMEMBERED_REQUESTS;
        }
    };
    private final AtomicLong connects = new AtomicLong();

    // True only between a SUBACK that covers the replies topic and the next connection loss.
    private volatile boolean subscribed;
    private final CompletableFuture<Void> firstSubscription = new CompletableFuture<>();
    private volatile Instant connectedSince;
    private volatile String lastProblem = "not connected yet";
    private volatile boolean closing;

    private static final class Pending {
        final String unitId;
        final String command;
        final Duration timeout;
        final CompletableFuture<CommandReply> future = new CompletableFuture<>();
        volatile ScheduledFuture<?> timeoutTask;

        Pending(String unitId, String command, Duration timeout) {
            this.unitId = unitId;
            this.command = command;
            this.timeout = timeout;
        }

        void cancelTimeout() {
            ScheduledFuture<?> t = timeoutTask;
            if (t != null) t.cancel(false);
        }
    }

    public FleetLink(
            String gatewayId,
            MqttConfig mqtt,
            int maxPayloadBytes,
            FleetRegistry registry,
            WireCodec codec,
            Duration sessionExpiry,
            Clock clock) {
        Topics.requireId(gatewayId, "gateway id");
        this.mqtt = Objects.requireNonNull(mqtt, "mqtt config is required");
        this.repliesTopic = Topics.replies(gatewayId);
        this.maxPayloadBytes = maxPayloadBytes;
        this.sessionExpiry = Objects.requireNonNull(sessionExpiry, "sessionExpiry is required");
        this.registry = Objects.requireNonNull(registry, "registry is required");
        this.codec = Objects.requireNonNull(codec, "codec is required");
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
     * @return true if connected and subscribed when this returns
     */
    public boolean start() {
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
            new MqttSubscription(repliesTopic, QOS),
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
                            if (allGranted) Logger.debug("Subscribed to the fleet topics and {}", repliesTopic);
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

    /**
     * Sends a command as an MQTT 5 request and completes with the unit's reply.
     *
     * <p>The request expires on the broker after {@code timeout}, so a unit that comes back later does not act on a
     * stale command. The future fails with {@link CommandTimeoutException} when no reply arrives in time, with
     * {@link CommandNotSentException} when the link is down or the broker refuses the request, and with
     * {@link UnreadableReplyException} when the reply cannot be decoded.
     */
    public CompletableFuture<CommandReply> send(
            String unitId, String command, Map<String, String> args, String requestedBy, Duration timeout) {
        String topic = Topics.command(unitId, command);
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("command timeout " + timeout + " must be positive");
        }
        if (!subscribed) {
            return CompletableFuture.failedFuture(new CommandNotSentException(
                    "the gateway is not connected to the MQTT broker at " + mqtt.url() + " (" + lastProblem + "); "
                            + command + " was not sent to unit " + unitId,
                    null));
        }
        byte[] correlation = new byte[16];
        random.nextBytes(correlation);
        String key = HexFormat.of().formatHex(correlation);

        MqttProperties props = new MqttProperties();
        props.setResponseTopic(repliesTopic);
        props.setCorrelationData(correlation);
        props.setMessageExpiryInterval(Math.max(1L, (timeout.toMillis() + 999) / 1000));
        props.setContentType("application/json");
        MqttMessage message =
                new MqttMessage(codec.encode(CommandRequest.of(command, args, requestedBy, clock.instant())));
        message.setQos(QOS);
        message.setRetained(false);
        message.setProperties(props);

        Pending p = new Pending(unitId, command, timeout);
        pending.put(key, p);
        p.timeoutTask = timer.schedule(() -> expire(key), timeout.toMillis(), TimeUnit.MILLISECONDS);
        try {
            client.publish(topic, message, null, new MqttActionListener() {
                @Override
                public void onSuccess(IMqttToken token) {
                    Logger.debug(
                            "Command {} to unit {} delivered to the broker (correlation {})", command, unitId, key);
                }

                @Override
                public void onFailure(IMqttToken token, Throwable e) {
                    fail(
                            key,
                            new CommandNotSentException(
                                    "the MQTT broker did not accept " + command + " for unit " + unitId + ": "
                                            + describe(e),
                                    e));
                }
            });
        } catch (MqttException e) {
            fail(
                    key,
                    new CommandNotSentException(
                            "cannot publish " + command + " for unit " + unitId + ": " + describe(e), e));
        }
        Logger.debug(
                "Command {} sent to unit {} by {} (correlation {}, timeout {} ms)",
                command,
                unitId,
                requestedBy,
                key,
                timeout.toMillis());
        return p.future;
    }

    private void expire(String key) {
        Pending p = pending.remove(key);
        if (p == null) return;
        remember(key, true);
        Logger.debug("Command {} to unit {} timed out (correlation {})", p.command, p.unitId, key);
        p.future.completeExceptionally(new CommandTimeoutException(p.unitId, p.command, p.timeout));
    }

    private void fail(String key, RuntimeException e) {
        Pending p = pending.remove(key);
        if (p == null) return;
        p.cancelTimeout();
        timer.execute(() -> p.future.completeExceptionally(e));
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

    public int pendingCommands() {
        return pending.size();
    }

    public DroppedMessages drops() {
        return drops;
    }

    /** Messages received from the broker since start, including dropped ones. */
    public long messagesIn() {
        return messagesIn.sum();
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
        for (String key : pending.keySet()) {
            Pending p = pending.remove(key);
            if (p != null) {
                p.future.completeExceptionally(new CommandNotSentException(
                        "the gateway is shutting down; no reply from unit " + p.unitId + " to " + p.command
                                + " will be awaited",
                        null));
            }
        }
        Logger.info("Disconnected from the MQTT broker at {}", mqtt.url());
    }

    // --- incoming messages, on Paho's callback thread -------------------------------------------------------------

    private void handle(String topic, MqttMessage message) {
        messagesIn.increment();
        byte[] payload = message.getPayload();
        if (topic.equals(repliesTopic)) {
            handleReply(message);
            return;
        }
        var address = Topics.parse(topic);
        if (address.isEmpty() || address.get().kind() == Topics.TopicKind.COMMAND) {
            drops.record(
                    Reason.UNKNOWN_TOPIC,
                    abbreviate(topic),
                    "topic '" + abbreviate(topic) + "' is not part of the " + Topics.ROOT + " contract ("
                            + payload.length + " bytes)");
            return;
        }
        String unitId = address.get().unitId();
        boolean retained = message.isRetained();
        Topics.TopicKind kind = address.get().kind();
        if (payload.length == 0) {
            // An empty retained payload is how a retained message is cleared: the unit left the fleet.
            switch (kind) {
                case STATUS -> registry.forget(unitId);
                case LOCATION -> registry.clearLocation(unitId);
                case STREAM -> registry.clearStream(unitId);
                default -> drops.record(Reason.INVALID_PAYLOAD, unitId, "empty payload on " + topic);
            }
            return;
        }
        if (payload.length > maxPayloadBytes) {
            drops.record(
                    Reason.OVERSIZED,
                    unitId,
                    "payload of " + payload.length + " bytes on " + topic + " exceeds the limit of " + maxPayloadBytes
                            + " (maxPayloadBytes)");
            return;
        }
        Logger.trace("Message on {} ({} bytes, retained {})", topic, payload.length, retained);
        switch (kind) {
            case STATUS -> {
                UnitStatus s = decode(payload, UnitStatus.class, unitId, topic);
                if (s != null && sameUnit(s.unitId(), unitId, topic)) registry.applyStatus(s, retained);
            }
            case LOCATION -> {
                UnitLocation l = decode(payload, UnitLocation.class, unitId, topic);
                if (l != null && sameUnit(l.unitId(), unitId, topic)) registry.applyLocation(l, retained);
            }
            case EVENT -> {
                UnitEvent e = decode(payload, UnitEvent.class, unitId, topic);
                if (e != null && sameUnit(e.unitId(), unitId, topic)) registry.applyEvent(e, retained);
            }
            case STREAM -> {
                StreamHandle h = decode(payload, StreamHandle.class, unitId, topic);
                if (h != null && sameUnit(h.unitId(), unitId, topic)) registry.applyStream(h, retained);
            }
            default -> throw new IllegalStateException("unreachable: " + kind);
        }
    }

    private void handleReply(MqttMessage message) {
        MqttProperties props = message.getProperties();
        byte[] correlation = props == null ? null : props.getCorrelationData();
        if (correlation == null || correlation.length == 0) {
            drops.record(
                    Reason.UNKNOWN_REPLY,
                    repliesTopic,
                    "reply without correlation data (" + message.getPayload().length + " bytes)");
            return;
        }
        String key = HexFormat.of().formatHex(correlation);
        Pending p = pending.remove(key);
        if (p == null) {
            Boolean timedOutBefore;
            synchronized (finished) {
                timedOutBefore = finished.get(key);
            }
            if (Boolean.TRUE.equals(timedOutBefore)) {
                drops.record(
                        Reason.LATE_REPLY,
                        repliesTopic,
                        "reply arrived after its command timed out (correlation " + key + ")");
            } else if (Boolean.FALSE.equals(timedOutBefore)) {
                drops.record(
                        Reason.DUPLICATE_REPLY,
                        repliesTopic,
                        "reply to an already answered command (correlation " + key
                                + "), e.g. a QoS 1 redelivery after a reconnect");
            } else {
                drops.record(Reason.UNKNOWN_REPLY, repliesTopic, "no pending command has correlation " + key);
            }
            return;
        }
        p.cancelTimeout();
        remember(key, false);
        RuntimeException problem = null;
        CommandReply reply = null;
        byte[] payload = message.getPayload();
        if (payload.length > maxPayloadBytes) {
            problem = new UnreadableReplyException("unit " + p.unitId + " answered " + p.command + " with "
                    + payload.length + " bytes, more than the limit of " + maxPayloadBytes);
        } else {
            try {
                reply = codec.decode(payload, CommandReply.class);
                if (!reply.unitId().equals(p.unitId)) {
                    problem = new UnreadableReplyException("the reply to " + p.command + " for unit " + p.unitId
                            + " came from unit " + reply.unitId());
                }
            } catch (MalformedPayloadException e) {
                problem = new UnreadableReplyException(
                        "unit " + p.unitId + " answered " + p.command + " with an unreadable reply: " + e.getMessage());
            }
        }
        if (problem != null) {
            drops.record(classify(payload), p.unitId, problem.getMessage());
            RuntimeException failure = problem;
            timer.execute(() -> p.future.completeExceptionally(failure));
            return;
        }
        CommandReply done = reply;
        Logger.debug("Unit {} answered {}: ok={} {}", done.unitId(), done.command(), done.ok(), done.reason());
        timer.execute(() -> p.future.complete(done));
    }

    private void remember(String key, boolean timedOut) {
        synchronized (finished) {
            finished.put(key, timedOut);
        }
    }

    private <T extends Payload> T decode(byte[] payload, Class<T> type, String unitId, String topic) {
        try {
            return codec.decode(payload, type);
        } catch (MalformedPayloadException e) {
            drops.record(classify(payload), unitId, e.getMessage() + " (on " + topic + ")");
            return null;
        }
    }

    /** Sorts a payload the codec rejected into a drop reason; runs only on the failure path. */
    private Reason classify(byte[] payload) {
        if (payload.length > maxPayloadBytes) return Reason.OVERSIZED;
        Object tree;
        try {
            tree = JsonReader.parse(payload);
        } catch (JsonException e) {
            return Reason.NOT_JSON;
        }
        if (!(tree instanceof Map<?, ?> members)) return Reason.NOT_JSON;
        if (members.get("version") instanceof Long version && version != Payload.VERSION)
            return Reason.UNSUPPORTED_VERSION;
        return Reason.INVALID_PAYLOAD;
    }

    private boolean sameUnit(String payloadUnit, String topicUnit, String topic) {
        if (payloadUnit.equals(topicUnit)) return true;
        drops.record(
                Reason.UNIT_MISMATCH, topicUnit, "payload names unit '" + payloadUnit + "' but arrived on " + topic);
        return false;
    }

    private static String abbreviate(String s) {
        return s.length() <= 120 ? s : s.substring(0, 117) + "...";
    }

    private static String describe(Throwable e) {
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
                drops.record(Reason.HANDLER_ERROR, abbreviate(topic), e.toString());
                Logger.error(e, "Handling a message on {} failed", topic);
            }
        }

        @Override
        public void deliveryComplete(IMqttToken token) {}

        @Override
        public void authPacketArrived(int reasonCode, MqttProperties properties) {}
    }
}
