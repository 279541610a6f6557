package org.openbwc.launcher;

import java.nio.file.Path;
import org.openbwc.config.BrokerConfig;
import org.openbwc.config.GatewayConfig;
import org.openbwc.config.HttpConfig;
import org.openbwc.config.MapConfig;
import org.openbwc.config.MqttConfig;
import org.openbwc.gateway.auth.TestOperators;

/** Gateway configurations for tests that start a real gateway of their own. */
final class TestGateways {
    private TestGateways() {}

    /**
     * An embedded broker over TLS and both web listeners on fixed free ports (a gateway started again on the same data
     * folder takes over the same addresses), data in {@code dir}, no map tiles, and the test operators' accounts.
     */
    static GatewayConfig embedded(String gatewayId, Path dir) {
        int brokerPort = PortCheck.freePort("127.0.0.1");
        GatewayConfig config = GatewayConfig.defaults(gatewayId)
                .withBroker(BrokerConfig.defaults().withEmbedded(true).withPort(brokerPort))
                .withMqtt(MqttConfig.defaults().withUrl("ssl://127.0.0.1:" + brokerPort))
                .withHttp(HttpConfig.defaults()
                        .withPort(PortCheck.freePort("127.0.0.1"))
                        .withUnitPort(PortCheck.freePort("127.0.0.1")))
                .withDataDir(dir.toString())
                .withMap(MapConfig.defaults().withTileUrl(""));
        TestOperators.write(config.usersFile());
        return config;
    }
}
