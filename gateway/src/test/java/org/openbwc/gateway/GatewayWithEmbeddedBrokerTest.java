package org.openbwc.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openbwc.config.BrokerConfig;
import org.openbwc.config.GatewayConfig;
import org.openbwc.gateway.auth.TestOperators;
import org.openbwc.gateway.broker.EmbeddedBrokerTest;
import org.openbwc.gateway.identity.TestEnrolment;
import org.openbwc.gateway.web.ApiClient;
import org.openbwc.protocol.UnitState;
import org.tinylog.Logger;

/** A gateway that brings its own broker: wiring, URLs, and a fleet that survives a restart of both. */
class GatewayWithEmbeddedBrokerTest {

    @TempDir
    Path dataDir;

    @Test
    void startsItsBrokerFirstAndKeepsTheRetainedFleetAcrossARestart() throws Exception {
        int brokerPort = EmbeddedBrokerTest.freePort();
        GatewayConfig config = GatewayConfig.defaults("gw-embedded")
                .withBroker(new BrokerConfig(true, "127.0.0.1", brokerPort))
                .withDataDir(dataDir.toString());
        String unitId = "u-embedded-1";
        TestOperators.write(config.usersFile());
        try (Gateway gateway = Gateway.start(config, 0, Duration.ofSeconds(60))) {
            assertThat(gateway.mqttUrl()).isEqualTo("ssl://127.0.0.1:" + brokerPort);
            assertThat(gateway.brokerConnected()).isTrue();
            assertThat(gateway.httpUrl()).isEqualTo("http://127.0.0.1:" + gateway.httpPort());
            assertThat(dataDir.resolve("broker/conf/config.xml")).exists();
            // The gateway made its CA on first start (tests may); the unit enrols and gets its certificate from it.
            SSLContext tls = TestEnrolment.enrol(gateway.enrolment(), unitId, dataDir.resolve("unit-keys"));
            try (FakeUnit unit = new FakeUnit(gateway.mqttUrl(), unitId, 10, tls)) {
                unit.status(UnitState.RECORDING, 64);
                unit.location(59.33, 18.07);
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> gateway.registry()
                                .unit(unitId)
                                .filter(u -> u.state() == UnitState.RECORDING && u.location() != null)
                                .isPresent());
            }
        }

        long start = System.nanoTime();
        try (Gateway restarted = Gateway.start(config, 0, Duration.ofSeconds(60))) {
            Logger.info(
                    "Gateway with its embedded broker (file persistence) restarted in {} ms",
                    (System.nanoTime() - start) / 1_000_000);
            ApiClient api = FleetContract.signIn(restarted);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                ApiClient.Reply r = api.get("/api/units/" + unitId);
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.json().get("state").asText()).isEqualTo("RECORDING");
                assertThat(r.json().get("location").get("lat").asDouble()).isEqualTo(59.33);
            });
        }
    }

    @Test
    void aGatewayWithoutItsCaRefusesToStartAndSaysHowToMakeOne() {
        GatewayConfig config = GatewayConfig.defaults("gw-no-ca")
                .withBroker(new BrokerConfig(true, "127.0.0.1", EmbeddedBrokerTest.freePort()))
                .withDataDir(dataDir.toString());
        assertThatThrownBy(() -> Gateway.start(config))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no agency CA")
                .hasMessageContaining("bwc pki init");
        assertThat(dataDir.resolve("pki/ca.key")).doesNotExist();
    }
}
