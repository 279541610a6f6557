package org.openbwc.device.mqtt;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.openbwc.protocol.MalformedPayloadException;
import org.openbwc.protocol.Payload;
import org.openbwc.protocol.Topics;
import org.openbwc.protocol.WireCodec;

/** Plays the gateway in tests: a plain Paho v5 client that watches one unit's topics and sends it commands. */
final class GatewayProbe implements AutoCloseable {

    /** A message as the probe saw it. */
    record Received(String topic, byte[] payload, int qos, boolean retained, MqttProperties properties) {
        String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }
    }

    private final String url;
    private final String unitId;
    private final String gatewayId = "gw-" + UUID.randomUUID().toString().substring(0, 8);
    private final WireCodec codec = new WireCodec();
    private final MqttClient client;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final Map<String, CompletableFuture<Received>> pendingReplies = new ConcurrentHashMap<>();

    GatewayProbe(String url, String unitId) throws MqttException {
        this.url = url;
        this.unitId = unitId;
        this.client = new MqttClient(url, gatewayId, new MemoryPersistence());
        client.setCallback(new Callback() {
            @Override
            public void messageArrived(String topic, MqttMessage message) {
                Received r = new Received(
                        topic, message.getPayload(), message.getQos(), message.isRetained(), message.getProperties());
                if (topic.equals(Topics.replies(gatewayId, unitId))) {
                    byte[] correlation = message.getProperties().getCorrelationData();
                    CompletableFuture<Received> pending =
                            correlation == null ? null : pendingReplies.remove(hex(correlation));
                    if (pending != null) pending.complete(r);
                    else received.add(r);
                } else {
                    received.add(r);
                }
            }
        });
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setCleanStart(true);
        client.connect(options);
        client.subscribe(new String[] {"bwc/v1/" + unitId + "/#", Topics.replies(gatewayId, unitId)}, new int[] {1, 1});
    }

    String gatewayId() {
        return gatewayId;
    }

    /** Messages seen on {@code topic} so far, in arrival order, retained ones from the subscription included. */
    List<Received> on(String topic) {
        List<Received> out = new ArrayList<>();
        for (Received r : received) if (r.topic().equals(topic)) out.add(r);
        return out;
    }

    /** Payloads seen on {@code topic}, decoded; an empty payload (a cleared retained message) is skipped. */
    <T extends Payload> List<T> decoded(String topic, Class<T> type) {
        List<T> out = new ArrayList<>();
        for (Received r : on(topic)) {
            if (r.payload().length == 0) continue;
            try {
                out.add(codec.decode(r.payload(), type));
            } catch (MalformedPayloadException e) {
                throw new AssertionError("unreadable payload on " + topic + ": " + r.text(), e);
            }
        }
        return out;
    }

    /**
     * Publishes a raw command message to {@code bwc/v1/<unit>/cmd/<name>} with this probe's reply topic (unless
     * {@code withResponseTopic} is false) and the given correlation data; the future completes with the reply.
     */
    CompletableFuture<Received> request(
            String name, byte[] payload, byte[] correlationData, Long expirySeconds, boolean withResponseTopic)
            throws MqttException {
        MqttProperties properties = new MqttProperties();
        CompletableFuture<Received> reply = new CompletableFuture<>();
        if (withResponseTopic) {
            properties.setResponseTopic(Topics.replies(gatewayId, unitId));
            if (correlationData != null) pendingReplies.put(hex(correlationData), reply);
        }
        if (correlationData != null) properties.setCorrelationData(correlationData);
        if (expirySeconds != null) properties.setMessageExpiryInterval(expirySeconds);
        MqttMessage message = new MqttMessage(payload, 1, false, properties);
        client.publish("bwc/v1/" + unitId + "/cmd/" + name, message);
        return reply;
    }

    /** Replies that matched no pending request (a reply without correlation data, or a second reply). */
    List<Received> unmatchedReplies() {
        return on(Topics.replies(gatewayId, unitId));
    }

    /**
     * What a gateway that connects now would get as the retained message on {@code topic}, or null if there is none.
     * A fresh client each time, because only a new subscription shows what the broker retains.
     */
    Received retained(String topic) throws MqttException {
        CompletableFuture<Received> first = new CompletableFuture<>();
        MqttClient late = new MqttClient(
                url, gatewayId + "-late-" + UUID.randomUUID().toString().substring(0, 4), new MemoryPersistence());
        late.setCallback(new Callback() {
            @Override
            public void messageArrived(String t, MqttMessage m) {
                first.complete(new Received(t, m.getPayload(), m.getQos(), m.isRetained(), m.getProperties()));
            }
        });
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setCleanStart(true);
        late.connect(options);
        try {
            late.subscribe(topic, 1);
            Received r = first.get(500, TimeUnit.MILLISECONDS);
            return r.retained() && r.payload().length > 0 ? r : null;
        } catch (TimeoutException e) {
            return null;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        } finally {
            late.disconnect();
            late.close();
        }
    }

    /** Removes what the unit left retained, so runs against a shared broker do not pile up. */
    void clearRetained() throws MqttException {
        for (String topic : List.of(Topics.status(unitId), Topics.location(unitId), Topics.stream(unitId))) {
            client.publish(topic, new byte[0], 1, true);
        }
    }

    @Override
    public void close() throws MqttException {
        try {
            if (client.isConnected()) {
                clearRetained();
                client.disconnect();
            }
        } finally {
            client.close();
        }
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    /** Paho's callback with only message arrival left to write. */
    private abstract static class Callback implements MqttCallback {
        @Override
        public void disconnected(MqttDisconnectResponse response) {}

        @Override
        public void mqttErrorOccurred(MqttException exception) {}

        @Override
        public void deliveryComplete(IMqttToken token) {}

        @Override
        public void connectComplete(boolean reconnect, String serverUri) {}

        @Override
        public void authPacketArrived(int reasonCode, MqttProperties properties) {}
    }
}
