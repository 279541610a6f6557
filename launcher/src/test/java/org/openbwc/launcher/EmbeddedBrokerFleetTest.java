package org.openbwc.launcher;

import java.nio.file.Path;
import org.openbwc.config.BrokerConfig;
import org.openbwc.config.GatewayConfig;
import org.openbwc.config.HttpConfig;
import org.openbwc.config.MqttConfig;

/** The end-to-end contract on the gateway's embedded HiveMQ broker (the demo's setup). */
class EmbeddedBrokerFleetTest extends FleetContract {
    private int port;

    @Override
    GatewayConfig gatewayConfig(Path dataDir) {
        port = PortCheck.freePort("127.0.0.1");
        return GatewayConfig.defaults("gw-it")
                .withBroker(BrokerConfig.defaults().withEmbedded(true).withPort(port))
                .withMqtt(MqttConfig.defaults().withUrl(unitBrokerUrl()))
                .withHttp(HttpConfig.defaults()
                        .withPort(PortCheck.freePort("127.0.0.1"))
                        // The units' listener on a free port too: 8444 may be taken by another run.
                        .withUnitPort(PortCheck.freePort("127.0.0.1")))
                .withDataDir(dataDir.toString());
    }

    @Override
    String unitBrokerUrl() {
        return "ssl://127.0.0.1:" + port;
    }
}
