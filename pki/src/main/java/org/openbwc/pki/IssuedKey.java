package org.openbwc.pki;

import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Objects;

/** A private key and the certificate the agency CA issued for it. */
public record IssuedKey(PrivateKey key, X509Certificate certificate) {

    public IssuedKey {
        Objects.requireNonNull(key, "key is required");
        Objects.requireNonNull(certificate, "certificate is required");
    }

    /** Writes the key (mode 600) and the certificate as PEM files. */
    public void write(Path keyFile, Path certificateFile) {
        Pem.writePrivateKey(keyFile, key);
        Pem.writeCertificates(certificateFile, certificate);
    }
}
