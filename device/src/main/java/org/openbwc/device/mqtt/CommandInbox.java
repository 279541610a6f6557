package org.openbwc.device.mqtt;

import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.openbwc.protocol.CommandReply;
import org.openbwc.protocol.CommandRequest;
import org.openbwc.protocol.MalformedPayloadException;
import org.openbwc.protocol.RemoteCommand;
import org.openbwc.protocol.Topics;
import org.openbwc.protocol.WireCodec;
import org.tinylog.Logger;

/**
 * Turns command messages into handler calls and replies. Messages are taken off the MQTT client's thread at once and
 * run one at a time, in arrival order, on the inbox's own thread, so that "record.start" then "record.stop" cannot
 * swap and a slow handler never stalls the client.
 *
 * <p>Rejected requests (not decodable, payload name not matching the topic, unknown command) get an error reply
 * with the reason when they carry a response topic; without one they are counted and dropped. Valid requests without
 * a response topic still run (fire-and-forget). A request whose MQTT message expiry passed before its turn came is
 * not run and gets no reply: the requester has stopped waiting by definition.
 *
 * <p>No message can take the unit down: a payload over the codec's limit (64 KiB) is refused before it is parsed or
 * queued, the codec refuses deep nesting and bad UTF-8, and whatever a message or its handler throws, errors included,
 * is caught, logged and answered, so neither Paho's receive thread nor the inbox's own thread dies of it.
 */
final class CommandInbox implements AutoCloseable {

    /** A reply to publish to the requester's response topic with its correlation data (null when it sent none). */
    record Reply(String responseTopic, byte[] correlationData, CommandReply reply) {}

    /** Commands come from operators; more than this waiting means something upstream is misbehaving. */
    static final int MAX_WAITING = 64;

    private final String unitId;
    private final WireCodec codec;
    private final CommandHandler handler;
    private final Consumer<Reply> replies;
    private final LongSupplier nanoTime;
    private final Clock clock;
    private final ThreadPoolExecutor executor;
    private final AtomicLong malformed = new AtomicLong();
    private final AtomicLong expired = new AtomicLong();

    CommandInbox(
            String unitId,
            WireCodec codec,
            CommandHandler handler,
            Consumer<Reply> replies,
            LongSupplier nanoTime,
            Clock clock) {
        this.unitId = unitId;
        this.codec = codec;
        this.handler = handler;
        this.replies = replies;
        this.nanoTime = nanoTime;
        this.clock = clock;
        this.executor = new ThreadPoolExecutor(
                1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(MAX_WAITING), runnable -> {
                    Thread thread = new Thread(runnable, "mqtt-cmd-" + unitId);
                    thread.setDaemon(true);
                    return thread;
                });
    }

    /**
     * Takes a message that arrived on the command filter; returns at once and never throws. Called on the MQTT
     * client's thread: anything thrown here would reach Paho, which closes the connection and, without manual
     * acknowledgements, has the broker deliver the same message again after the reconnect, so one poisoned command
     * would take the unit offline for good. A message that fails is therefore logged, answered if it can be, and
     * acknowledged (returning normally acknowledges it).
     */
    void accept(String topic, MqttMessage message) {
        try {
            take(topic, message);
        } catch (OutOfMemoryError e) {
            // The message is dropped; logging may need memory the failed allocation did not take, so it is guarded.
            survive("ran out of memory taking a command message; dropped it", e);
        } catch (Throwable e) {
            survive("could not take the command message on " + topic + "; dropped it", e);
        }
    }

    /** Logs a failure that must not end the calling thread; if even logging fails, there is nothing more to do. */
    private void survive(String what, Throwable e) {
        malformed.incrementAndGet();
        try {
            Logger.error("unit {}: {}: {}", unitId, what, e.toString());
        } catch (Throwable ignored) {
            // The receive thread living on matters more than this line.
        }
    }

    private void take(String topic, MqttMessage message) {
        long arrivedNanos = nanoTime.getAsLong();
        MqttProperties properties = message.getProperties();
        String responseTopic = usableResponseTopic(properties);
        byte[] correlationData = properties == null ? null : properties.getCorrelationData();
        Long expirySeconds = properties == null ? null : properties.getMessageExpiryInterval();
        // The broker sends the expiry that is left, so it counts from arrival; the request's own clock may be wrong.
        long deadlineNanos =
                expirySeconds == null ? Long.MAX_VALUE : arrivedNanos + TimeUnit.SECONDS.toNanos(expirySeconds);
        byte[] payload = message.getPayload();
        if (payload != null && payload.length > codec.maxBytes()) {
            // Refused before parsing and before queueing, so waiting commands never hold megabytes.
            reject(
                    topic,
                    lastLevel(topic),
                    responseTopic,
                    correlationData,
                    "request of " + payload.length + " bytes refused: the limit is " + codec.maxBytes() + " bytes");
            return;
        }
        try {
            executor.execute(() -> runSafely(topic, payload, responseTopic, correlationData, deadlineNanos));
        } catch (RejectedExecutionException e) {
            if (executor.isShutdown()) return;
            Logger.warn("unit {}: {} commands already wait; rejecting the one on {}", unitId, MAX_WAITING, topic);
            if (responseTopic != null) {
                replies.accept(new Reply(
                        responseTopic,
                        correlationData,
                        CommandReply.error(
                                unitId,
                                lastLevel(topic),
                                "unit busy: too many commands waiting",
                                null,
                                clock.instant())));
            }
        }
    }

    /** Runs one request; whatever it throws is answered and logged, and the inbox's thread goes on to the next. */
    private void runSafely(
            String topic, byte[] payload, String responseTopic, byte[] correlationData, long deadlineNanos) {
        try {
            run(topic, payload, responseTopic, correlationData, deadlineNanos);
        } catch (Throwable e) {
            survive("command on " + topic + " failed", e);
            if (responseTopic == null) return;
            try {
                replies.accept(new Reply(
                        responseTopic,
                        correlationData,
                        CommandReply.error(
                                unitId, lastLevel(topic), "internal error: " + describe(e), null, clock.instant())));
            } catch (Throwable again) {
                survive("could not answer the failed command on " + topic, again);
            }
        }
    }

    private void run(String topic, byte[] payload, String responseTopic, byte[] correlationData, long deadlineNanos) {
        if (nanoTime.getAsLong() > deadlineNanos) {
            long count = expired.incrementAndGet();
            Logger.info(
                    "unit {}: command on {} expired before it could run; not executed ({} expired so far)",
                    unitId,
                    topic,
                    count);
            return;
        }
        Optional<Topics.TopicAddress> address = Topics.parse(topic);
        if (address.isEmpty()
                || address.get().kind() != Topics.TopicKind.COMMAND
                || !address.get().unitId().equals(unitId)) {
            reject(
                    topic,
                    lastLevel(topic),
                    responseTopic,
                    correlationData,
                    "'" + topic + "' is not a command topic of unit " + unitId);
            return;
        }
        String name = address.get().command();
        if (RemoteCommand.fromWire(name).isEmpty()) {
            reject(
                    topic,
                    name,
                    responseTopic,
                    correlationData,
                    "unknown command '" + name + "' (allowed: " + RemoteCommand.allowed() + ")");
            return;
        }
        CommandRequest request;
        try {
            request = codec.decode(payload, CommandRequest.class);
        } catch (MalformedPayloadException e) {
            reject(topic, name, responseTopic, correlationData, "malformed request: " + e.getMessage());
            return;
        } catch (RuntimeException | StackOverflowError e) {
            // The codec bounds size and depth, so this is a bug in it; the payload is refused all the same.
            reject(topic, name, responseTopic, correlationData, "malformed request: " + describe(e));
            return;
        }
        if (!request.command().equals(name)) {
            reject(
                    topic,
                    name,
                    responseTopic,
                    correlationData,
                    "command '" + request.command() + "' in the payload does not match '" + name + "' in the topic");
            return;
        }
        Logger.debug("unit {}: running command {} requested by '{}'", unitId, name, request.requestedBy());
        CommandReply reply;
        try {
            reply = handler.handle(name, request);
            if (reply == null) {
                Logger.warn("unit {}: the handler returned no reply for command {}", unitId, name);
                reply = CommandReply.error(
                        unitId, name, "internal error: no reply from the unit", null, clock.instant());
            }
        } catch (Exception | StackOverflowError e) {
            Logger.warn(e, "unit {}: command {} failed", unitId, name);
            reply = CommandReply.error(unitId, name, "internal error: " + describe(e), null, clock.instant());
        }
        if (responseTopic != null) {
            replies.accept(new Reply(responseTopic, correlationData, reply));
        } else {
            Logger.debug(
                    "unit {}: command {} had no response topic; reply {} not sent",
                    unitId,
                    name,
                    reply.ok() ? "ok" : "error");
        }
    }

    private void reject(String topic, String name, String responseTopic, byte[] correlationData, String reason) {
        long count = malformed.incrementAndGet();
        Logger.warn(
                "unit {}: rejected command on {}: {} ({}; {} rejected so far)",
                unitId,
                topic,
                reason,
                responseTopic == null ? "no response topic, dropped" : "error reply sent",
                count);
        if (responseTopic != null) {
            replies.accept(new Reply(
                    responseTopic, correlationData, CommandReply.error(unitId, name, reason, null, clock.instant())));
        }
    }

    private static String usableResponseTopic(MqttProperties properties) {
        String responseTopic = properties == null ? null : properties.getResponseTopic();
        return responseTopic == null || responseTopic.isEmpty() ? null : responseTopic;
    }

    private static String lastLevel(String topic) {
        String level = topic.substring(topic.lastIndexOf('/') + 1);
        return level.isEmpty() ? "?" : level;
    }

    private static String describe(Throwable e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    long malformed() {
        return malformed.get();
    }

    long expired() {
        return expired.get();
    }

    /** Stops taking commands; those already taken may finish within a second, so their replies can still go out. */
    @Override
    public void close() {
        executor.shutdown();
        try {
            if (!executor.awaitTermination(1, TimeUnit.SECONDS)) {
                executor.shutdownNow();
                Logger.warn("unit {}: commands still running at close were interrupted", unitId);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Drops waiting commands and interrupts the running one without waiting: the unit has lost power. */
    void abandon() {
        executor.shutdownNow();
    }
}
