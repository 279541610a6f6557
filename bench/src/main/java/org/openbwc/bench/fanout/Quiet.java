package org.openbwc.bench.fanout;

import java.nio.charset.StandardCharsets;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.openbwc.protocol.Topics;

/** A Paho callback that logs trouble and hands status messages (if any) to a receiver. */
final class Quiet implements MqttCallback {
    final Receiver rx;

    Quiet(Receiver rx) {
        this.rx = rx;
    }

    @Override
    public void disconnected(MqttDisconnectResponse r) {
        if (r != null && r.getException() != null) FanoutBench.log("MQTT disconnected: %s", r.getException());
    }

    @Override
    public void mqttErrorOccurred(MqttException e) {
        FanoutBench.log("MQTT error: %s", e);
    }

    @Override
    public void messageArrived(String topic, MqttMessage m) {
        if (rx == null) return;
        long now = FanoutBench.wallMicros();
        byte[] p = m.getPayload();
        if (p.length == 0) return;
        int a = Topics.ROOT.length() + 1;
        int b = topic.indexOf('/', a);
        rx.onJson(new String(p, StandardCharsets.UTF_8), now, b < 0 ? null : topic.substring(a, b));
    }

    @Override
    public void deliveryComplete(IMqttToken t) {}

    @Override
    public void connectComplete(boolean reconnect, String uri) {}

    @Override
    public void authPacketArrived(int reasonCode, MqttProperties p) {}
}
