package org.openbwc.evidence.encryption;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.hpke.HPKE;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.params.X25519PublicKeyParameters;
import org.bouncycastle.crypto.util.PublicKeyFactory;
import org.bouncycastle.crypto.util.SubjectPublicKeyInfoFactory;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemReader;
import org.bouncycastle.util.io.pem.PemWriter;
import org.openbwc.evidence.Sha256;

/**
 * The agency's X25519 public key, to which each recording's data key is wrapped (HPKE, RFC 9180): a unit holds only
 * this half, so it can encrypt recordings it can never read back. Read from and written as PEM ({@code PUBLIC KEY},
 * X.509 SubjectPublicKeyInfo), which {@code openssl pkey -pubin} reads too.
 */
public final class AgencyPublicKey {
    private static final String PEM_TYPE = "PUBLIC KEY";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final byte[] raw;
    private final String keyId;

    AgencyPublicKey(byte[] raw) {
        if (raw.length != X25519PublicKeyParameters.KEY_SIZE)
            throw new IllegalArgumentException("an X25519 public key has 32 bytes, not " + raw.length);
        this.raw = raw.clone();
        this.keyId = "x25519:" + HexFormat.of().formatHex(Sha256.newDigest().digest(raw), 0, 8);
    }

    /**
     * Reads a PEM {@code PUBLIC KEY} holding an X25519 key; throws IllegalArgumentException saying what the text is
     * instead (another key type, a private key, not PEM).
     */
    public static AgencyPublicKey fromPem(String pem) {
        PemObject object = readPem(pem);
        if (object == null)
            throw new IllegalArgumentException("not a PEM file (no -----BEGIN PUBLIC KEY----- line found)");
        if (!object.getType().equals(PEM_TYPE))
            throw new IllegalArgumentException(
                    "this PEM holds a " + object.getType() + ", not the agency's PUBLIC KEY (agency.pub)");
        AsymmetricKeyParameter key;
        try {
            key = PublicKeyFactory.createKey(object.getContent());
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("the PUBLIC KEY in this PEM cannot be read: " + e.getMessage(), e);
        }
        if (!(key instanceof X25519PublicKeyParameters x))
            throw new IllegalArgumentException(
                    "the agency key must be an X25519 key (bwc agency keygen makes one), not a "
                            + key.getClass().getSimpleName().replace("PublicKeyParameters", "")
                            + " key");
        return new AgencyPublicKey(x.getEncoded());
    }

    /** The key as PEM {@code PUBLIC KEY}. */
    public String toPem() {
        try {
            byte[] der = SubjectPublicKeyInfoFactory.createSubjectPublicKeyInfo(new X25519PublicKeyParameters(raw))
                    .getEncoded();
            return writePem(new PemObject(PEM_TYPE, der));
        } catch (IOException e) {
            throw new IllegalStateException("encoding an X25519 public key failed", e);
        }
    }

    /**
     * {@code x25519:} and the first 16 hex digits of the SHA-256 of the raw key: names the key in a manifest, so that
     * whoever decrypts finds which of the agency's keys (after a rotation) a recording was wrapped to.
     */
    public String keyId() {
        return keyId;
    }

    byte[] raw() {
        return raw.clone();
    }

    /**
     * Wraps a recording's data key to this key: HPKE base mode, DHKEM(X25519, HKDF-SHA256), HKDF-SHA256,
     * AES-256-GCM, with the recording id as associated data so that a wrapped key moved to another recording does
     * not open.
     */
    public WrappedDataKey wrap(byte[] dataKey, String recordingId) {
        HPKE hpke = WrappedDataKey.hpke();
        try {
            byte[][] sealed = hpke.seal(
                    hpke.deserializePublicKey(raw),
                    WrappedDataKey.INFO,
                    WrappedDataKey.aad(recordingId),
                    dataKey,
                    null,
                    null,
                    null);
            Base64.Encoder b64 = Base64.getEncoder();
            return new WrappedDataKey(
                    WrappedDataKey.SCHEME, keyId, b64.encodeToString(sealed[1]), b64.encodeToString(sealed[0]));
        } catch (InvalidCipherTextException e) {
            throw new IllegalStateException("HPKE seal failed", e);
        }
    }

    static SecureRandom random() {
        return RANDOM;
    }

    static PemObject readPem(String pem) {
        try (PemReader reader = new PemReader(new StringReader(pem))) {
            return reader.readPemObject();
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("not a readable PEM file: " + e.getMessage(), e);
        }
    }

    static String writePem(PemObject object) {
        StringWriter out = new StringWriter();
        try (PemWriter writer = new PemWriter(out)) {
            writer.writeObject(object);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AgencyPublicKey other && Arrays.equals(raw, other.raw);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(raw);
    }

    @Override
    public String toString() {
        return "AgencyPublicKey " + keyId;
    }
}
