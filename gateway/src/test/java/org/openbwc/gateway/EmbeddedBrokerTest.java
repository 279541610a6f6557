package org.openbwc.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tinylog.Logger;

class EmbeddedBrokerTest {

    @TempDir Path dir;

    @Test
    void startsAnMqtt5BrokerThatKeepsRetainedMessages() throws Exception {
        int port = freePort();
        try (EmbeddedBroker broker = EmbeddedBroker.start("127.0.0.1", port, dir, EmbeddedBroker.Persistence.IN_MEMORY)) {
            Logger.info("Embedded broker (in-memory) start took {} ms", broker.startupTime().toMillis());
            assertThat(broker.url()).isEqualTo("tcp://127.0.0.1:" + port);
            assertThat(dir.resolve("conf/config.xml")).content()
                    .contains("<enabled>false</enabled>", "<max-queue-size>100000</max-queue-size>");

            MqttClient publisher = new MqttClient(broker.url(), "pub", new MemoryPersistence());
            publisher.connect();
            publisher.publish("t/retained", "hello".getBytes(StandardCharsets.UTF_8), 1, true);
            publisher.disconnect();
            publisher.close();

            CompletableFuture<String> received = new CompletableFuture<>();
            MqttClient subscriber = new MqttClient(broker.url(), "sub", new MemoryPersistence());
            subscriber.setCallback(new MqttCallback() {
                @Override public void disconnected(MqttDisconnectResponse r) {}
                @Override public void mqttErrorOccurred(MqttException e) {}
                @Override public void messageArrived(String topic, MqttMessage m) {
                    received.complete(new String(m.getPayload(), StandardCharsets.UTF_8));
                }
                @Override public void deliveryComplete(IMqttToken t) {}
                @Override public void connectComplete(boolean reconnect, String uri) {}
                @Override public void authPacketArrived(int reasonCode, MqttProperties p) {}
            });
            MqttConnectionOptions options = new MqttConnectionOptions();
            subscriber.connect(options);
            subscriber.subscribe("t/#", 1);
            assertThat(received.get(10, TimeUnit.SECONDS)).isEqualTo("hello");
            subscriber.disconnect();
            subscriber.close();
        }
    }

    @Test
    void aTakenPortIsReportedWithTheNumberAndAnAlternative() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();
            assertThatThrownBy(() -> EmbeddedBroker.start("127.0.0.1", port, dir))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("port " + port)
                    .hasMessageContaining("already in use")
                    .hasMessageContaining("broker.port");
        }
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
