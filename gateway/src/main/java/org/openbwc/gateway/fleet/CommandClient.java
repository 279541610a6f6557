package org.openbwc.gateway.fleet;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttActionListener;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.openbwc.gateway.fleet.DroppedMessages.Reason;
import org.openbwc.protocol.CommandReply;
import org.openbwc.protocol.CommandRequest;
import org.openbwc.protocol.MalformedPayloadException;
import org.openbwc.protocol.Topics;
import org.openbwc.protocol.WireCodec;
import org.tinylog.Logger;

/**
 * Sends commands to units as MQTT 5 requests (response topic + correlation data) over the {@link FleetConnection} and
 * completes each with the unit's reply, a timeout or a failure.
 *
 * <p>Threads: replies arrive on Paho's callback thread and only complete their futures on the client's own timer
 * thread, so whatever a caller chains on them never runs on Paho's thread.
 */
public final class CommandClient implements AutoCloseable {

    private static final int MAX_REMEMBERED_REQUESTS = 1024;

    private final FleetConnection connection;
    private final WireCodec codec;
    private final int maxPayloadBytes;
    private final DroppedMessages drops;
    private final Clock clock;
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

    public CommandClient(
            FleetConnection connection, WireCodec codec, int maxPayloadBytes, DroppedMessages drops, Clock clock) {
        this.connection = Objects.requireNonNull(connection, "connection is required");
        this.codec = Objects.requireNonNull(codec, "codec is required");
        this.maxPayloadBytes = maxPayloadBytes;
        this.drops = Objects.requireNonNull(drops, "drops is required");
        this.clock = Objects.requireNonNull(clock, "clock is required");
        ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, r -> {
            Thread th = new Thread(r, "fleet-command-timer");
            th.setDaemon(true);
            return th;
        });
        t.setRemoveOnCancelPolicy(true);
        this.timer = t;
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
        if (!connection.subscribed()) {
            return CompletableFuture.failedFuture(new CommandNotSentException(
                    "the gateway is not connected to the MQTT broker at " + connection.url() + " ("
                            + connection.lastProblem() + "); " + command + " was not sent to unit " + unitId,
                    null));
        }
        byte[] correlation = new byte[16];
        random.nextBytes(correlation);
        String key = HexFormat.of().formatHex(correlation);

        MqttProperties props = new MqttProperties();
        props.setResponseTopic(connection.repliesTopic(unitId));
        props.setCorrelationData(correlation);
        props.setMessageExpiryInterval(Math.max(1L, (timeout.toMillis() + 999) / 1000));
        props.setContentType("application/json");
        MqttMessage message =
                new MqttMessage(codec.encode(CommandRequest.of(command, args, requestedBy, clock.instant())));
        message.setQos(FleetConnection.QOS);
        message.setRetained(false);
        message.setProperties(props);

        Pending p = new Pending(unitId, command, timeout);
        pending.put(key, p);
        p.timeoutTask = timer.schedule(() -> expire(key), timeout.toMillis(), TimeUnit.MILLISECONDS);
        try {
            connection.publish(topic, message, new MqttActionListener() {
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
                                            + FleetConnection.describe(e),
                                    e));
                }
            });
        } catch (MqttException e) {
            fail(
                    key,
                    new CommandNotSentException(
                            "cannot publish " + command + " for unit " + unitId + ": " + FleetConnection.describe(e),
                            e));
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

    /** Commands sent and not yet answered, timed out or failed. */
    public int pendingCommands() {
        return pending.size();
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

    /**
     * A message on one of this gateway's reply topics ({@code bwc/v1/_replies/<gateway>/<unit>}); on Paho's callback
     * thread. The broker lets each unit publish only to the topics that end in its own id, so the topic says which
     * unit answered: a reply is taken only on the topic of the unit its command went to.
     */
    void reply(String topic, MqttMessage message) {
        String repliesTopic = DroppedMessages.abbreviate(topic);
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
        Optional<String> replying = Topics.replyingUnit(connection.gatewayId(), topic);
        Pending waiting = pending.get(key);
        if (waiting != null && (replying.isEmpty() || !replying.get().equals(waiting.unitId))) {
            // Another unit (or a client on a topic it should not reach) answering someone else's command: it must not
            // complete it, and the real reply may still come.
            drops.record(
                    Reason.UNIT_MISMATCH,
                    repliesTopic,
                    "a reply to " + waiting.command + " for unit " + waiting.unitId + " came on the reply topic of "
                            + replying.orElse("no unit"));
            return;
        }
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
            drops.record(DroppedMessages.classify(payload, maxPayloadBytes), p.unitId, problem.getMessage());
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

    /** Stops the timer and fails every command still waiting for its reply; close the connection first. */
    @Override
    public void close() {
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
    }
}
