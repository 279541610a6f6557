package org.openbwc.gateway;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.openbwc.gateway.broker.EmbeddedBroker;
import org.openbwc.gateway.broker.EmbeddedBrokerTest;
import org.tinylog.Logger;

/** The fleet contract against the embedded HiveMQ broker. */
class EmbeddedBrokerFleetTest extends FleetContract {

    @TempDir
    static Path brokerDir;

    static EmbeddedBroker broker;

    @BeforeAll
    static void startBroker() {
        broker = EmbeddedBroker.start(
                "127.0.0.1", EmbeddedBrokerTest.freePort(), brokerDir, EmbeddedBroker.Persistence.IN_MEMORY);
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
}
