package org.openbwc.device.mqtt;

import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttClientException;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.tinylog.Logger;

/**
 * The MQTT link's sending side: queues what the unit publishes in the {@link Outbox}, and hands it to the ready
 * connection in order while the in-flight window has room, putting back what was not acknowledged. Queuing works
 * from any thread; sending runs on the {@link LinkThread}.
 */
final class Publisher {
    private static final long MAX_INFLIGHT_RETRY_MILLIS = 20;

    private final String unitId;
    private final Outbox outbox;
    private final LinkThread linkThread;
    private final LinkLifecycle life;
    private final AtomicBoolean drainRequested = new AtomicBoolean();

    // Touched only on the link thread.
    private ConnectionLoop.Connection connection;
    private int inFlightLimit = UnitLink.DEFAULT_IN_FLIGHT_LIMIT;

    Publisher(String unitId, Outbox outbox, LinkThread linkThread, LinkLifecycle life) {
        this.unitId = unitId;
        this.outbox = outbox;
        this.linkThread = linkThread;
        this.life = life;
    }

    /** Queues a message and asks the link thread to send what it can. */
    void offer(Outbox.Kind kind, String topic, byte[] payload, int qos, boolean retained, byte[] correlationData) {
        offer(kind, topic, payload, qos, retained, correlationData, null);
    }

    /** Queues a message, an event to keep until the gateway acknowledges {@code ackKey}, and asks for a drain. */
    void offer(
            Outbox.Kind kind,
            String topic,
            byte[] payload,
            int qos,
            boolean retained,
            byte[] correlationData,
            EventJournal.EventKey ackKey) {
        if (life.ended()) {
            Logger.debug("unit {}: MQTT link is closed; {} to {} not sent", unitId, kind, topic);
            return;
        }
        Outbox.Overflow overflow = outbox.offer(kind, topic, payload, qos, retained, correlationData, ackKey);
        if (overflow != null) logOverflow(overflow);
        Logger.trace("unit {}: queued {} to {}", unitId, kind, topic);
        requestDrain();
    }

    /** {@code c} is connected and subscribed: send through it, at most {@code limit} unacknowledged. Link thread. */
    void ready(ConnectionLoop.Connection c, int limit) {
        connection = c;
        inFlightLimit = limit;
        drain();
    }

    /** The connection died: what it had in flight waits for the next one, first. Link thread. */
    void putBackInFlight() {
        for (Outbox.Overflow overflow : outbox.putBackAllInFlight()) logOverflow(overflow);
    }

    private void logOverflow(Outbox.Overflow overflow) {
        long dropped = overflow.droppedSoFar();
        // One line per drop would bury the log during a long outage; the first and every thousandth are enough.
        if (dropped == 1 || dropped % 1000 == 0) {
            Logger.warn(
                    "unit {}: outgoing queue full ({} messages); dropped the oldest {} to {} ({} dropped so far)",
                    unitId,
                    UnitLink.QUEUE_CAPACITY,
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

    void requestDrain() {
        if (drainRequested.compareAndSet(false, true)) linkThread.execute(this::drain);
    }

    /** Hands waiting messages to the client while the in-flight window has room. Link thread only. */
    private void drain() {
        drainRequested.set(false);
        ConnectionLoop.Connection c = connection;
        if (life.killed() || c == null || !c.isReady()) return;
        Outbox.Outgoing next;
        while ((next = outbox.take(inFlightLimit)) != null) {
            if (!publish(c, next)) return;
        }
    }

    private boolean publish(ConnectionLoop.Connection c, Outbox.Outgoing message) {
        MqttProperties properties = new MqttProperties();
        if (message.correlationData() != null) properties.setCorrelationData(message.correlationData());
        MqttMessage mqttMessage = new MqttMessage(message.payload(), message.qos(), message.retained(), properties);
        try {
            c.client.publish(
                    message.topic(),
                    mqttMessage,
                    null,
                    Paho.listener(
                            token -> linkThread.execute(() -> delivered(message, token)),
                            (token, error) -> linkThread.execute(() -> notDelivered(c, message, error))));
            Logger.trace("unit {}: publishing {} #{} to {}", unitId, message.kind(), message.seq(), message.topic());
            return true;
        } catch (MqttException e) {
            outbox.putBack(message);
            if (e.getReasonCode() == MqttClientException.REASON_CODE_MAX_INFLIGHT) {
                // Paho frees a window slot only after our delivery callback has run, so it can lag us by one: retry
                // soon.
                Logger.trace("unit {}: client window full; retrying shortly", unitId);
                linkThread.schedule(this::requestDrain, MAX_INFLIGHT_RETRY_MILLIS);
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
        int refusal = Paho.firstErrorCode(token.getReasonCodes());
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

    private void notDelivered(ConnectionLoop.Connection c, Outbox.Outgoing message, Throwable error) {
        // When the connection died, connectionLost() puts every in-flight message back; only a lone failure is ours.
        if (c != connection || !c.isReady() || !c.client.isConnected()) return;
        Logger.debug(
                "unit {}: publish to {} failed ({}); will retry",
                unitId,
                message.topic(),
                error == null ? "?" : error.getMessage());
        outbox.putBack(message);
        requestDrain();
    }
}
