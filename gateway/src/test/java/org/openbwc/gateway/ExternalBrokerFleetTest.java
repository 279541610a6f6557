package org.openbwc.gateway;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.BeforeAll;

/** The fleet contract against an external broker (e.g. Mosquitto) named by the MQTT_TEST_URL environment variable. */
class ExternalBrokerFleetTest extends FleetContract {

    static final String URL = System.getenv("MQTT_TEST_URL");

    @BeforeAll
    static void requireBroker() {
        assumeTrue(URL != null && !URL.isBlank(), "MQTT_TEST_URL not set: skipping the run against an external broker");
    }

    @Override
    String brokerUrl() {
        return URL;
    }
}
