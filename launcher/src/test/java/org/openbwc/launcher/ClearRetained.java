package org.openbwc.launcher;

import java.util.List;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.openbwc.protocol.Topics;
import org.tinylog.Logger;

/** Removes a test run's retained messages, so a shared broker (Mosquitto) does not collect test units forever. */
final class ClearRetained {
    private ClearRetained() {}

    static void clear(String url, List<String> unitIds) {
        try {
            MqttClient c = new MqttClient(url, "it-clear-" + System.nanoTime(), new MemoryPersistence());
            MqttConnectionOptions o = new MqttConnectionOptions();
            o.setConnectionTimeout(5);
            c.connect(o);
            for (String id : unitIds) {
                for (String topic : List.of(Topics.status(id), Topics.location(id), Topics.stream(id))) {
                    c.publish(topic, new byte[0], 1, true);
                }
            }
            c.disconnect();
            c.close();
        } catch (Exception e) {
            Logger.debug("clearing retained messages on {} failed: {}", url, e.toString());
        }
    }
}
