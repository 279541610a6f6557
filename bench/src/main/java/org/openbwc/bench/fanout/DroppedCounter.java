package org.openbwc.bench.fanout;

import java.nio.charset.StandardCharsets;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;

/** Mosquitto's {@code $SYS/broker/publish/messages/dropped} counter: the first and the latest value seen. */
final class DroppedCounter implements MqttCallback {
    private final long[] brokerDropped;

    /** {@code brokerDropped}: {-1, -1} until the first value; then {first, latest}, under its own lock. */
    DroppedCounter(long[] brokerDropped) {
        this.brokerDropped = brokerDropped;
    }

    @Override
    public void disconnected(MqttDisconnectResponse r) {}

    @Override
    public void mqttErrorOccurred(MqttException e) {}

    @Override
    public void messageArrived(String topic, MqttMessage m) {
        try {
            long v = Long.parseLong(new String(m.getPayload(), StandardCharsets.US_ASCII).trim());
            synchronized (brokerDropped) {
                if (brokerDropped[0] < 0) brokerDropped[0] = v;
                brokerDropped[1] = v;
            }
        } catch (RuntimeException ignored) {
        }
    }

    @Override
    public void deliveryComplete(IMqttToken t) {}

    @Override
    public void connectComplete(boolean reconnect, String uri) {}

    @Override
    public void authPacketArrived(int reasonCode, MqttProperties p) {}
}
