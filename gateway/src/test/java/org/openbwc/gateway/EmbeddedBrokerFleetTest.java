package org.openbwc.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openbwc.gateway.broker.BrokerAccess;
import org.openbwc.gateway.broker.EmbeddedBroker;
import org.openbwc.gateway.broker.EmbeddedBrokerTest;
import org.openbwc.gateway.broker.ServerTls;
import org.openbwc.pki.IdentityRole;
import org.openbwc.protocol.UnitState;
import org.openbwc.testsupport.TestIdentities;
import org.tinylog.Logger;

/** The fleet contract and the attacker checks against the embedded HiveMQ broker, locked down as the gateway runs it. */
class EmbeddedBrokerFleetTest extends LockedBrokerContract {

    @TempDir
    static Path brokerDir;

    static TestIdentities ids;
    static EmbeddedBroker broker;
    static final Set<String> revoked = ConcurrentHashMap.newKeySet();
    static final List<String> refused = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void startBroker() {
        ids = TestIdentities.create(brokerDir.resolve("ca"));
        Path server = ids.writeServerKeys(brokerDir.resolve("server"));
        broker = EmbeddedBroker.start(
                "127.0.0.1",
                EmbeddedBrokerTest.freePort(),
                brokerDir.resolve("broker"),
                EmbeddedBroker.Persistence.IN_MEMORY,
                new ServerTls(server.resolve("server.key"), server.resolve("server.crt"), server.resolve("ca.crt")),
                // Each test has its own gateway ids (gw-<suffix>, its -p and -spy variants).
                new BrokerAccess(
                        id -> id.startsWith("gw-"),
                        unitId -> !revoked.contains(unitId),
                        (clientId, reason) -> refused.add(clientId + ": " + reason)));
        Logger.info(
                "Embedded broker (in-memory persistence) start took {} ms",
                broker.startupTime().toMillis());
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) broker.close();
    }

    @Override
    String brokerUrl() {
        return broker.url();
    }

    @Override
    TestIdentities identities() {
        return ids;
    }

    @Override
    boolean refusesForeignClientIds() {
        return true;
    }

    @Override
    List<String> refusals() {
        return refused;
    }

    @Test
    void aUnitNoLongerAdmittedIsDisconnectedAndRefusedFromThenOn() throws Exception {
        FakeUnit u = unit("revoked");
        u.status(UnitState.BUFFERING, 70);
        awaitUnit(u.id, UnitState.BUFFERING, true);

        revoked.add(u.id);
        assertThat(broker.disconnect(u.id)).isTrue();
        await().atMost(WAIT).until(() -> !u.connected());
        assertThatThrownBy(() -> new FakeUnit(brokerUrl(), u.id, UNIT_KEEPALIVE_SECONDS, tls(u.id, IdentityRole.UNIT)))
                .isInstanceOf(MqttException.class);
        assertThat(refused).anyMatch(r -> r.startsWith(u.id + ":") && r.contains("not admitted"));
        assertThat(broker.disconnect(u.id)).as("no longer connected").isFalse();
    }

    @Test
    void aGatewayNotOnTheListIsRefused() {
        String stranger = "other-gateway-" + suffix;
        assertThatThrownBy(() -> new FakeUnit(
                        brokerUrl(), stranger, UNIT_KEEPALIVE_SECONDS, tls(stranger, IdentityRole.GATEWAY)))
                .isInstanceOf(MqttException.class);
        assertThat(refused).anyMatch(r -> r.startsWith(stranger + ":") && r.contains("not a gateway of this broker"));
    }
}
