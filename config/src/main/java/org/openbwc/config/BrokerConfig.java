package org.openbwc.config;

import java.util.Map;

/** The MQTT 5 broker a gateway may run inside its own process. */
public record BrokerConfig(
        @Doc("Start an MQTT 5 broker inside the gateway on host and port; false means an external broker is used.")
        @DefaultValue("false")
        boolean embedded,

        @Doc("Address the embedded broker listens on; 0.0.0.0 accepts units from the network, 127.0.0.1 only local"
                + " ones.")
        @DefaultValue("127.0.0.1")
        @Pattern(regex = "[A-Za-z0-9._:-]{1,253}", allowed = "a host name or IP address, e.g. 0.0.0.0 or 127.0.0.1")
        String host,

        @Doc("Port the embedded broker listens on: MQTT over TLS only, every client presents a certificate from the"
                + " agency CA (there is no plain listener).")
        @DefaultValue("8883")
        @IntRange(min = 1, max = 65535)
        int port) {

    public BrokerConfig {
        Constraints.check(BrokerConfig.class, embedded, host, port);
    }

    /** No embedded broker. */
    public static BrokerConfig defaults() {
        return (BrokerConfig) RecordSpec.of(BrokerConfig.class).defaults(Map.of());
    }

    /** Copy with the embedded broker switched on or off. */
    public BrokerConfig withEmbedded(boolean newEmbedded) {
        return new BrokerConfig(newEmbedded, host, port);
    }

    /** Copy listening on another port. */
    public BrokerConfig withPort(int newPort) {
        return new BrokerConfig(embedded, host, newPort);
    }
}
