package org.openbwc.gateway;

import org.junit.jupiter.api.BeforeAll;
import org.openbwc.testsupport.SystemTools;

/**
 * The fleet contract against an external broker (e.g. Mosquitto) named by the MQTT_TEST_URL environment variable:
 * skipped without it, failed without it in CI.
 */
class ExternalBrokerFleetTest extends FleetContract {

    private static String url;

    @BeforeAll
    static void requireBroker() {
        url = SystemTools.externalBrokerUrl();
    }

    @Override
    String brokerUrl() {
        return url;
    }
}
