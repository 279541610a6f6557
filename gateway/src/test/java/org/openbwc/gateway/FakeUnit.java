package org.openbwc.gateway;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.openbwc.protocol.Battery;
import org.openbwc.protocol.CommandReply;
import org.openbwc.protocol.CommandRequest;
import org.openbwc.protocol.EventType;
import org.openbwc.protocol.Payload;
import org.openbwc.protocol.Storage;
import org.openbwc.protocol.Topics;
import org.openbwc.protocol.UnitEvent;
import org.openbwc.protocol.UnitLocation;
import org.openbwc.protocol.UnitState;
import org.openbwc.protocol.UnitStatus;
import org.openbwc.protocol.WireCodec;

/**
 * A body-worn camera as the gateway sees it over MQTT: a plain Paho v5 client with a Will, publishing and answering;
 * over TLS with a unit certificate when the broker asks for one.
 */
final class FakeUnit implements AutoCloseable {

    /** How the unit answers commands. */
    enum Answer {
        OK,
        REFUSE,
        SILENT
    }

    private static final long TIMEOUT_MS = 10_000;

    final String id;
    private final WireCodec codec = new WireCodec();
    private final MqttAsyncClient client;
    private final AtomicLong seq = new AtomicLong();
    final List<CommandRequest> commands = new CopyOnWriteArrayList<>();
    /** Topics of every message the broker delivered to this client, commands included. */
    final List<String> received = new CopyOnWriteArrayList<>();

    private volatile Answer answer = Answer.OK;
    private volatile UnitState state = UnitState.BUFFERING;
    private volatile MqttMessage lastUnanswered;

    FakeUnit(String url, String id, int keepAliveSeconds) throws MqttException {
        this(url, id, keepAliveSeconds, null);
    }

    /** @param tls the unit's identity for an {@code ssl://} broker; null for a plain one */
    FakeUnit(String url, String id, int keepAliveSeconds, SSLContext tls) throws MqttException {
        this.id = id;
        this.client = new MqttAsyncClient(url, id, new MemoryPersistence());
        client.setCallback(new MqttCallback() {
            @Override
            public void disconnected(MqttDisconnectResponse r) {}

            @Override
            public void mqttErrorOccurred(MqttException e) {}

            @Override
            public void messageArrived(String topic, MqttMessage m) {
                received.add(topic);
                if (topic.startsWith(Topics.ROOT + "/" + id + "/cmd/")) onCommand(m);
            }

            @Override
            public void deliveryComplete(IMqttToken t) {}

            @Override
            public void connectComplete(boolean reconnect, String uri) {}

            @Override
            public void authPacketArrived(int code, MqttProperties p) {}
        });
        MqttConnectionOptions o = new MqttConnectionOptions();
        o.setCleanStart(true);
        o.setKeepAliveInterval(keepAliveSeconds);
        o.setAutomaticReconnect(false);
        if (tls != null) o.setSocketFactory(tls.getSocketFactory());
        MqttMessage will =
                new MqttMessage(codec.encode(UnitStatus.offline(id, "officer-" + id, "fw-1", Instant.now())));
        will.setQos(1);
        will.setRetained(true);
        o.setWill(Topics.status(id), will);
        client.connect(o).waitForCompletion(TIMEOUT_MS);
        client.subscribe(Topics.commandFilter(id), 1).waitForCompletion(TIMEOUT_MS);
    }

    void answer(Answer a) {
        answer = a;
    }

    void status(UnitState newState, int batteryPercent) throws MqttException {
        state = newState;
        boolean recording = newState.isRecording();
        UnitStatus s = new UnitStatus(
                Payload.VERSION,
                id,
                newState,
                true,
                false,
                false,
                "officer-" + id,
                new Battery(batteryPercent, false, false),
                new Storage(1_000, 2_000),
                recording ? "rec-1" : null,
                recording ? Instant.now() : null,
                false,
                true,
                "fw-1",
                seq.incrementAndGet(),
                Instant.now());
        publish(Topics.status(id), codec.encode(s), true);
    }

    void location(double lat, double lon) throws MqttException {
        publish(
                Topics.location(id),
                codec.encode(new UnitLocation(
                        Payload.VERSION, id, lat, lon, 4.0, null, null, null, Instant.now(), seq.incrementAndGet())),
                true);
    }

    void event(EventType type) throws MqttException {
        publish(
                Topics.event(id),
                codec.encode(new UnitEvent(
                        Payload.VERSION, id, type, Instant.now(), state, "button", Map.of(), seq.incrementAndGet())),
                false);
    }

    void publish(String topic, byte[] payload, boolean retained) throws MqttException {
        client.publish(topic, payload, 1, retained).waitForCompletion(TIMEOUT_MS);
    }

    /**
     * Publishes at QoS 1 and waits until the broker acknowledged it (with any reason code) or dropped the connection:
     * either way the broker has finished with the message. Returns the PUBACK's reason code, or -1 when the
     * connection went instead.
     */
    int attempt(String topic, MqttMessage message) {
        try {
            IMqttToken token = client.publish(topic, message);
            token.waitForCompletion(TIMEOUT_MS);
            int[] codes = token.getReasonCodes();
            return codes == null || codes.length == 0 ? 0 : codes[0];
        } catch (MqttException e) {
            return -1;
        }
    }

    /** Subscribes and returns the SUBACK's reason code (0x80 and up: refused), or -1 when the connection went. */
    int trySubscribe(String filter) {
        try {
            IMqttToken token = client.subscribe(filter, 1);
            token.waitForCompletion(TIMEOUT_MS);
            int[] codes = token.getGrantedQos();
            return codes == null || codes.length == 0 ? 0 : codes[0];
        } catch (MqttException e) {
            return -1;
        }
    }

    // Runs on Paho's callback thread: the reply is published asynchronously, never waited for here.
    private void onCommand(MqttMessage m) {
        try {
            CommandRequest request = codec.decode(m.getPayload(), CommandRequest.class);
            commands.add(request);
            if (answer == Answer.SILENT) {
                lastUnanswered = m;
                return;
            }
            reply(m, request);
        } catch (Exception e) {
            throw new IllegalStateException("fake unit " + id + " could not answer", e);
        }
    }

    /** Answers the last command it kept silent about, now (after the gateway gave up on it). */
    void answerLate() throws Exception {
        MqttMessage m = lastUnanswered;
        reply(m, codec.decode(m.getPayload(), CommandRequest.class)).waitForCompletion(TIMEOUT_MS);
    }

    private IMqttToken reply(MqttMessage m, CommandRequest request) throws MqttException {
        CommandReply reply = answer == Answer.REFUSE
                ? CommandReply.error(id, request.command(), "battery too low to record", state, Instant.now())
                : CommandReply.ok(id, request.command(), "done", state, Instant.now());
        MqttMessage out = new MqttMessage(codec.encode(reply));
        out.setQos(1);
        MqttProperties props = new MqttProperties();
        props.setCorrelationData(m.getProperties().getCorrelationData());
        out.setProperties(props);
        return client.publish(m.getProperties().getResponseTopic(), out);
    }

    boolean connected() {
        return client.isConnected();
    }

    @Override
    public void close() {
        try {
            // A clean DISCONNECT, so the broker does not publish the Will after the test cleared the retained status.
            if (client.isConnected()) client.disconnect(0).waitForCompletion(2_000);
        } catch (MqttException ignored) {
            // the test may have cut the connection already
        }
        try {
            client.close(true);
        } catch (MqttException ignored) {
            // best effort
        }
    }
}
