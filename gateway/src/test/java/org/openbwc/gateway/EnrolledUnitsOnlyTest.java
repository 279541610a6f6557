package org.openbwc.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import javax.net.ssl.SSLContext;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openbwc.config.BrokerConfig;
import org.openbwc.config.GatewayConfig;
import org.openbwc.gateway.alerts.Alert;
import org.openbwc.gateway.auth.TestOperators;
import org.openbwc.gateway.broker.EmbeddedBrokerTest;
import org.openbwc.gateway.identity.TestEnrolment;
import org.openbwc.gateway.identity.UnitDirectory;
import org.openbwc.gateway.web.ApiClient;
import org.openbwc.pki.AgencyCa;
import org.openbwc.protocol.UnitState;
import org.openbwc.testsupport.TestIdentities;

/**
 * A gateway with an agency CA follows only enrolled units: a unit enrols over HTTP and is followed, an unknown one is
 * dropped with one alert, and a unit revoked by another process (the CLI) is shown as revoked within seconds.
 */
class EnrolledUnitsOnlyTest {
    @TempDir
    Path dataDir;

    @Test
    void onlyEnrolledUnitsFeedTheRoomAndARevocationFromTheCliReachesIt() throws Exception {
        GatewayConfig config = GatewayConfig.defaults("gw-enrol")
                .withBroker(new BrokerConfig(true, "127.0.0.1", EmbeddedBrokerTest.freePort()))
                .withDataDir(dataDir.toString());
        TestOperators.write(config.usersFile());
        AgencyCa.create(config.pkiDir(), "Test Police", Clock.systemUTC());
        try (Gateway gateway = Gateway.start(config, 0, Duration.ofSeconds(60))) {
            ApiClient admin = ApiClient.signedIn(gateway.httpUrl(), TestOperators.ADMIN);
            String token = admin.post("/api/enrolments", "{\"unitId\": \"u-enrolled\"}")
                    .json()
                    .get("token")
                    .asText();
            TestEnrolment.UnitKeys keys = TestEnrolment.unit("u-enrolled");
            ApiClient.Reply enrolled = new ApiClient(gateway.httpUrl())
                    .post(
                            "/api/enrol",
                            new ObjectMapper()
                                    .writeValueAsString(Map.of(
                                            "unitId",
                                            "u-enrolled",
                                            "token",
                                            token,
                                            "csr",
                                            keys.csrPem(),
                                            "evidenceKey",
                                            keys.evidenceKeyPem())));
            assertThat(enrolled.status()).as(enrolled.body()).isEqualTo(200);
            assertThat(gateway.units().admits("u-enrolled")).isTrue();

            // The unit keeps what enrolment returned; a rogue holds a genuine agency certificate that was never
            // enrolled (a copy of the CA's key misused, or a certificate issued by hand).
            SSLContext goodTls = TestEnrolment.keep(
                    keys,
                    enrolled.json().get("certificate").asText(),
                    enrolled.json().get("ca").asText(),
                    dataDir.resolve("unit-keys"));
            SSLContext rogueTls = TestIdentities.open(config.pkiDir()).unit("u-rogue");
            try (FakeUnit good = new FakeUnit(gateway.mqttUrl(), "u-enrolled", 10, goodTls)) {
                good.status(UnitState.BUFFERING, 80);
                assertThatThrownBy(() -> new FakeUnit(gateway.mqttUrl(), "u-rogue", 10, rogueTls))
                        .as("the broker refuses a certificate the directory does not admit")
                        .isInstanceOf(MqttException.class);
                await().atMost(Duration.ofSeconds(20))
                        .until(() -> gateway.registry().unit("u-enrolled").isPresent());
                await().atMost(Duration.ofSeconds(20))
                        .untilAsserted(() -> assertThat(admin.get("/api/alerts").body())
                                .contains(Alert.Type.UNIT_NOT_ENROLLED.wire(), "u-rogue"));
                assertThat(gateway.registry().unit("u-rogue")).isEmpty();

                // The CLI revokes through its own view of the file; the running gateway notices.
                UnitDirectory.open(dataDir, Clock.systemUTC()).revoke("u-enrolled");

                await().atMost(Duration.ofSeconds(30))
                        .until(() -> gateway.registry()
                                .unit("u-enrolled")
                                .filter(u -> u.revoked() && !u.online())
                                .isPresent());
                // Revocation took it off the broker, and it cannot come back.
                await().atMost(Duration.ofSeconds(10)).until(() -> !good.connected());
                assertThatThrownBy(() -> new FakeUnit(gateway.mqttUrl(), "u-enrolled", 10, goodTls))
                        .isInstanceOf(MqttException.class);
                assertThat(admin.get("/api/units/u-enrolled")
                                .json()
                                .get("revoked")
                                .asBoolean())
                        .isTrue();
            }
        }
    }
}
