package org.openbwc.evidence;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.HexFormat;

/**
 * The public half of manifest signing: Ed25519 keys as manifests carry them (base64 X.509 DER), their fingerprints,
 * and checking a signature. The private key and its files are the unit's ({@code DeviceKey} in the device module).
 */
public final class ManifestSignature {
    /** The signature algorithm of manifests. */
    public static final String ALGORITHM = "Ed25519";

    private ManifestSignature() {}

    /** True if {@code signature} is {@code key}'s Ed25519 signature of {@code data}; false for any malformed input. */
    public static boolean verify(PublicKey key, byte[] data, byte[] signature) {
        try {
            Signature verifier = Signature.getInstance(ALGORITHM);
            verifier.initVerify(key);
            verifier.update(data);
            return verifier.verify(signature);
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }

    /** Decodes a public key from base64 X.509 DER; throws IllegalArgumentException naming what is wrong. */
    public static PublicKey publicKeyFromBase64(String base64) {
        try {
            return KeyFactory.getInstance(ALGORITHM)
                    .generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(base64)));
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new IllegalArgumentException("not a base64 X.509 " + ALGORITHM + " public key: " + e.getMessage(), e);
        }
    }

    /** {@code ed25519:} and the first 16 hex digits of the SHA-256 of the key's X.509 encoding. */
    public static String fingerprint(PublicKey key) {
        byte[] digest = Sha256.newDigest().digest(key.getEncoded());
        return "ed25519:" + HexFormat.of().formatHex(digest, 0, 8);
    }
}
