package org.openbwc.bench.encode;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The orchestrator's MQTT 5 client for the unit process run (Eclipse Paho, as the gateway uses): sends commands the
 * way docs/protocol.md describes (QoS 1, response topic, correlation data, message expiry) and collects the unit's
 * status messages, each with a /proc sample of the unit taken the moment it arrived, so that the media time the
 * status reports and the CPU are read at the same instant.
 */
final class UnitMqtt implements AutoCloseable {
    /** One message; proc is set for status messages once the unit's pid is known. */
    record Message(String topic, String payload, long nanos, ProcSample proc) {}

    private final org.eclipse.paho.mqttv5.client.MqttClient client;
    private final String unitId;
    private final String replyTopic;
    final BlockingQueue<Message> statuses = new LinkedBlockingQueue<>();
    final BlockingQueue<Message> events = new LinkedBlockingQueue<>();
    private final BlockingQueue<Message> replies = new LinkedBlockingQueue<>();
    /** The unit's pid: status messages are paired with a /proc sample of it. */
    volatile long pid = -1;

    private UnitMqtt(String url, String unitId, javax.net.SocketFactory sockets)
            throws org.eclipse.paho.mqttv5.common.MqttException {
        this.unitId = unitId;
        String me = "bench-" + ProcessHandle.current().pid();
        this.replyTopic = "bwc/v1/_replies/" + me;
        this.client = new org.eclipse.paho.mqttv5.client.MqttClient(
                url, me, new org.eclipse.paho.mqttv5.client.persist.MemoryPersistence());
        client.setCallback(new org.eclipse.paho.mqttv5.client.MqttCallback() {
            @Override
            public void disconnected(org.eclipse.paho.mqttv5.client.MqttDisconnectResponse response) {}

            @Override
            public void mqttErrorOccurred(org.eclipse.paho.mqttv5.common.MqttException e) {}

            @Override
            public void messageArrived(String topic, org.eclipse.paho.mqttv5.common.MqttMessage m) {
                long now = System.nanoTime();
                // a retained status is an earlier unit's last word, not this one's
                if (m.isRetained()) return;
                String payload = new String(m.getPayload(), StandardCharsets.UTF_8);
                if (topic.endsWith("/status")) {
                    long p = pid;
                    statuses.add(new Message(topic, payload, now, p > 0 ? ProcSample.safeSample(p) : null));
                } else if (topic.endsWith("/event")) {
                    events.add(new Message(topic, payload, now, null));
                } else if (topic.equals(replyTopic)) {
                    replies.add(new Message(topic, payload, now, null));
                }
            }

            @Override
            public void deliveryComplete(org.eclipse.paho.mqttv5.client.IMqttToken token) {}

            @Override
            public void connectComplete(boolean reconnect, String serverUri) {}

            @Override
            public void authPacketArrived(
                    int reasonCode, org.eclipse.paho.mqttv5.common.packet.MqttProperties properties) {}
        });
        var options = new org.eclipse.paho.mqttv5.client.MqttConnectionOptions();
        options.setConnectionTimeout(5);
        options.setCleanStart(true);
        options.setAutomaticReconnect(false);
        if (sockets != null) options.setSocketFactory(sockets);
        client.connect(options);
        client.subscribe(
                        new String[] {"bwc/v1/" + unitId + "/status", "bwc/v1/" + unitId + "/event", replyTopic},
                        new int[] {1, 1, 1})
                .waitForCompletion(5000);
    }

    /** Connects to the broker or throws (unreachable, refused). */
    static UnitMqtt connect(String url, String unitId) throws org.eclipse.paho.mqttv5.common.MqttException {
        return new UnitMqtt(url, unitId, null);
    }

    /** Connects through {@code sockets} (TLS with the bench's identity). */
    static UnitMqtt connect(String url, String unitId, javax.net.SocketFactory sockets)
            throws org.eclipse.paho.mqttv5.common.MqttException {
        return new UnitMqtt(url, unitId, sockets);
    }

    /** Sends a command as docs/protocol.md describes it and waits for the reply; null when none came in time. */
    String command(String name, int timeoutSeconds) throws Exception {
        String sentAt =
                DateTimeFormatter.ISO_INSTANT.format(Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
        String body = "{\"version\":1,\"command\":\"" + name + "\",\"args\":{},\"requestedBy\":\"bench\",\"sentAt\":\""
                + sentAt + "\"}";
        var message = new org.eclipse.paho.mqttv5.common.MqttMessage(body.getBytes(StandardCharsets.UTF_8));
        message.setQos(1);
        var properties = new org.eclipse.paho.mqttv5.common.packet.MqttProperties();
        properties.setResponseTopic(replyTopic);
        properties.setCorrelationData(java.util.UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8));
        properties.setMessageExpiryInterval((long) timeoutSeconds);
        message.setProperties(properties);
        replies.clear();
        client.publish("bwc/v1/" + unitId + "/cmd/" + name, message);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        for (long left; (left = deadline - System.nanoTime()) > 0; ) {
            Message reply = replies.poll(left, TimeUnit.NANOSECONDS);
            if (reply != null && name.equals(json(reply.payload(), "command"))) return reply.payload();
        }
        return null;
    }

    /** The first status (from now on) that matches, or null after the timeout. */
    Message awaitStatus(java.util.function.Predicate<Message> matches, int timeoutSeconds) throws InterruptedException {
        return await(statuses, matches, timeoutSeconds);
    }

    static Message await(
            BlockingQueue<Message> queue, java.util.function.Predicate<Message> matches, int timeoutSeconds)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        for (long left; (left = deadline - System.nanoTime()) > 0; ) {
            Message m = queue.poll(left, TimeUnit.NANOSECONDS);
            if (m != null && matches.test(m)) return m;
        }
        return null;
    }

    /** Removes the unit's retained messages, so that no "bench-unit" lingers in a fleet view on a shared broker. */
    void clearRetained() {
        for (String kind : List.of("status", "location", "stream")) {
            try {
                client.publish("bwc/v1/" + unitId + "/" + kind, new byte[0], 1, true);
            } catch (org.eclipse.paho.mqttv5.common.MqttException e) {
                // best effort
            }
        }
    }

    @Override
    public void close() {
        try {
            client.disconnect(2000);
        } catch (org.eclipse.paho.mqttv5.common.MqttException e) {
            // the broker went away: nothing to do
        }
        try {
            client.close();
        } catch (org.eclipse.paho.mqttv5.common.MqttException e) {
            // ignore
        }
    }

    private static final java.util.regex.Pattern JSON_MEMBER_END = java.util.regex.Pattern.compile("[,}\\]\\s]");

    /**
     * A member of a flat JSON object (the first with that name): a string's content (escapes kept), or a number,
     * true, false, null as written; null when absent. Enough for the unit's status, event and reply payloads.
     */
    static String json(String payload, String name) {
        String key = "\"" + name + "\"";
        int i = payload.indexOf(key);
        if (i < 0) return null;
        int j = payload.indexOf(':', i + key.length());
        if (j < 0) return null;
        j++;
        while (j < payload.length() && Character.isWhitespace(payload.charAt(j))) j++;
        if (j >= payload.length()) return null;
        if (payload.charAt(j) == '"') {
            StringBuilder b = new StringBuilder();
            for (int k = j + 1; k < payload.length(); k++) {
                char c = payload.charAt(k);
                if (c == '\\' && k + 1 < payload.length()) {
                    b.append(payload.charAt(++k));
                } else if (c == '"') {
                    return b.toString();
                } else {
                    b.append(c);
                }
            }
            return b.toString();
        }
        var m = JSON_MEMBER_END.matcher(payload);
        int end = m.find(j) ? m.start() : payload.length();
        return payload.substring(j, end).trim();
    }
}
