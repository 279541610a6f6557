package org.openbwc.config;

import java.util.List;
import java.util.Map;

/** Where a gateway serves its web console and HTTP API. */
public record HttpConfig(
        @Doc("Address the HTTP server listens on; 0.0.0.0 for all interfaces.")
        @DefaultValue("127.0.0.1")
        @Pattern(regex = "[A-Za-z0-9._:-]{1,253}", allowed = "a host name or IP address, e.g. 0.0.0.0 or 127.0.0.1")
        String host,

        @Doc("TCP port of the HTTP server.") @DefaultValue("8080") @IntRange(min = 1, max = 65535)
        int port,

        @Doc("Port of the units' listener on http.host: always TLS with the gateway's server certificate; units enrol"
                + " there and send live video there, presenting their own certificate from the agency CA.")
        @DefaultValue("8444")
        @IntRange(min = 1, max = 65535)
        int unitPort,

        @Doc("Serve HTTPS (with HSTS and Secure cookies). Required unless host is a loopback address: plain HTTP never"
                + " leaves the machine.")
        @DefaultValue("false")
        boolean https,

        @Doc("PEM certificate chain (leaf first) for HTTPS, e.g. from the agency's own PKI.")
        @NullMeans("issued from the agency CA for pki.serverHosts and kept in <dataDir>/pki/")
        @TextLength(min = 1, max = 4096)
        String certificateFile,

        @Doc("PEM private key of certificateFile; keep it readable only by the gateway's service user.")
        @NullMeans("issued with the certificate")
        @TextLength(min = 1, max = 4096)
        String keyFile) {

    public HttpConfig {
        Constraints.check(HttpConfig.class, host, port, unitPort, https, certificateFile, keyFile);
        if ((certificateFile == null) != (keyFile == null)) {
            throw new InvalidRecordException(
                    HttpConfig.class,
                    List.of(new Violation(
                            certificateFile == null ? "certificateFile" : "keyFile",
                            null,
                            "is missing: a certificate needs its key and a key its certificate",
                            "both set, or neither")));
        }
    }

    /** Whether {@link #host()} is reachable only from this machine. */
    public boolean loopbackOnly() {
        return host.equals("127.0.0.1") || host.equals("::1") || host.equals("[::1]") || host.equals("localhost");
    }

    /** Local-only plain HTTP on port 8080. */
    public static HttpConfig defaults() {
        return (HttpConfig) RecordSpec.of(HttpConfig.class).defaults(Map.of());
    }

    /** Copy listening on another port. */
    public HttpConfig withPort(int newPort) {
        return new HttpConfig(host, newPort, unitPort, https, certificateFile, keyFile);
    }

    /** Copy with HTTPS on or off. */
    public HttpConfig withHttps(boolean newHttps) {
        return new HttpConfig(host, port, unitPort, newHttps, certificateFile, keyFile);
    }

    /** Copy with the units' listener on another port. */
    public HttpConfig withUnitPort(int newUnitPort) {
        return new HttpConfig(host, port, newUnitPort, https, certificateFile, keyFile);
    }
}
