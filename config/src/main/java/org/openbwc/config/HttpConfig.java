package org.openbwc.config;

import java.util.Map;

/** Where a gateway serves its web console and HTTP API. */
public record HttpConfig(
        @Doc("Address the HTTP server listens on; 0.0.0.0 for all interfaces.")
        @DefaultValue("127.0.0.1")
        @Pattern(regex = "[A-Za-z0-9._:-]{1,253}", allowed = "a host name or IP address, e.g. 0.0.0.0 or 127.0.0.1")
        String host,

        @Doc("TCP port of the HTTP server.") @DefaultValue("8080") @IntRange(min = 1, max = 65535)
        int port) {

    public HttpConfig {
        Constraints.check(HttpConfig.class, host, port);
    }

    /** Local-only on port 8080. */
    public static HttpConfig defaults() {
        return (HttpConfig) RecordSpec.of(HttpConfig.class).defaults(Map.of());
    }

    /** Copy listening on another port. */
    public HttpConfig withPort(int newPort) {
        return new HttpConfig(host, newPort);
    }
}
