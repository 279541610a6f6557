package org.openbwc.pki;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.spec.ECGenParameterSpec;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Key pairs for TLS identities. EC P-256 throughout: every TLS stack the fleet meets (JDK, Mosquitto's OpenSSL,
 * HiveMQ's Netty, Chromium) supports it, and a Pi 4 signs with it in well under a millisecond.
 */
public final class KeyPairs {
    private KeyPairs() {}

    /** A fresh EC P-256 key pair from the platform's strong random source. */
    public static KeyPair newTlsKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK cannot make EC P-256 keys", e);
        }
    }

    /** A signer for certificates and requests made with {@code key}: ECDSA, RSA or Ed25519, with SHA-256. */
    static ContentSigner signer(PrivateKey key) {
        String algorithm = switch (key.getAlgorithm()) {
            case "EC", "ECDSA" -> "SHA256withECDSA";
            case "RSA" -> "SHA256withRSA";
            case "Ed25519", "EdDSA" -> "Ed25519";
            default ->
                throw new IllegalArgumentException("cannot sign with a " + key.getAlgorithm()
                        + " key; the agency CA's key must be EC, RSA or Ed25519");
        };
        try {
            return new JcaContentSignerBuilder(algorithm).build(key);
        } catch (OperatorCreationException e) {
            throw new IllegalStateException("cannot sign with " + algorithm, e);
        }
    }
}
