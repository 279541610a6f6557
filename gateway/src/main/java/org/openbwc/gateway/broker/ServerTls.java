package org.openbwc.gateway.broker;

import java.nio.file.Path;
import java.util.Objects;
import org.openbwc.gateway.identity.GatewayPki;

/**
 * The PEM files the broker's TLS listener is made from: the server key, its certificate chain (leaf first), and the
 * CA whose client certificates it accepts.
 */
public record ServerTls(Path keyFile, Path certificateFile, Path caFile) {

    public ServerTls {
        Objects.requireNonNull(keyFile, "keyFile is required");
        Objects.requireNonNull(certificateFile, "certificateFile is required");
        Objects.requireNonNull(caFile, "caFile is required");
    }

    /** The gateway's server certificate, accepting client certificates of its agency CA. */
    public static ServerTls of(GatewayPki pki) {
        return new ServerTls(pki.serverKeyFile(), pki.serverCertificateFile(), pki.caFile());
    }
}
