package org.openbwc.launcher;

import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.openbwc.config.BrokerConfig;
import org.openbwc.config.GatewayConfig;
import org.openbwc.config.HttpConfig;
import org.openbwc.config.MqttConfig;
import org.openbwc.testsupport.SystemTools;

/** The same end-to-end contract against an external broker (Mosquitto in CI), named by MQTT_TEST_URL. */
class ExternalBrokerFleetTest extends FleetContract {
    private String url;

    @BeforeAll
    @Override
    void startFleet() throws Exception {
        url = SystemTools.externalBrokerUrl();
        super.startFleet();
    }

    @Override
    GatewayConfig gatewayConfig(Path dataDir) {
        return GatewayConfig.defaults("gw-it-" + UUID.randomUUID().toString().substring(0, 6))
                .withBroker(BrokerConfig.defaults().withEmbedded(false))
                .withMqtt(MqttConfig.defaults().withUrl(url))
                .withHttp(HttpConfig.defaults()
                        .withPort(PortCheck.freePort("127.0.0.1"))
                        // The units' listener on a free port too: 8444 may be taken by another run.
                        .withUnitPort(PortCheck.freePort("127.0.0.1")))
                .withDataDir(dataDir.toString());
    }

    @Override
    String unitBrokerUrl() {
        return url;
    }
}
