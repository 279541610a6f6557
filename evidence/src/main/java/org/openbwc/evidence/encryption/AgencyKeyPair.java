package org.openbwc.evidence.encryption;

import java.io.IOException;
import java.util.Base64;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.hpke.HPKE;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.params.X25519PrivateKeyParameters;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import org.bouncycastle.util.io.pem.PemObject;

/**
 * The agency's X25519 key pair: the private half opens the data keys of recordings wrapped to its public half. It
 * lives only where evidence is decrypted (the gateway's evidence store, an examiner's machine) and in an offline
 * escrow copy; never on a unit. Read from and written as PEM ({@code PRIVATE KEY}, PKCS#8), as {@code openssl pkey}
 * reads it.
 */
public final class AgencyKeyPair {
    private static final String PEM_TYPE = "PRIVATE KEY";
    /** id-X25519 (RFC 8410); BouncyCastle keeps its constant in an internal package. */
    private static final ASN1ObjectIdentifier ID_X25519 = new ASN1ObjectIdentifier("1.3.101.110");

    private final X25519PrivateKeyParameters privateKey;
    private final AgencyPublicKey publicKey;

    private AgencyKeyPair(X25519PrivateKeyParameters privateKey) {
        this.privateKey = privateKey;
        this.publicKey = new AgencyPublicKey(privateKey.generatePublicKey().getEncoded());
    }

    /** A new key pair from the platform's strong random source. */
    public static AgencyKeyPair generate() {
        return new AgencyKeyPair(new X25519PrivateKeyParameters(AgencyPublicKey.random()));
    }

    /** Reads a PEM {@code PRIVATE KEY} holding an X25519 key; throws IllegalArgumentException saying what is wrong. */
    public static AgencyKeyPair fromPem(String pem) {
        PemObject object = AgencyPublicKey.readPem(pem);
        if (object == null)
            throw new IllegalArgumentException("not a PEM file (no -----BEGIN PRIVATE KEY----- line found)");
        if (!object.getType().equals(PEM_TYPE))
            throw new IllegalArgumentException(
                    "this PEM holds a " + object.getType() + ", not the agency's PRIVATE KEY (agency.key)");
        AsymmetricKeyParameter key;
        try {
            key = PrivateKeyFactory.createKey(object.getContent());
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("the PRIVATE KEY in this PEM cannot be read: " + e.getMessage(), e);
        }
        if (!(key instanceof X25519PrivateKeyParameters x))
            throw new IllegalArgumentException("the agency key must be an X25519 key (bwc agency keygen makes one)");
        return new AgencyKeyPair(x);
    }

    /** The private key as PEM {@code PRIVATE KEY} (PKCS#8, unencrypted: protect the file, see docs/security.md). */
    public String toPem() {
        try {
            // Version 1 (no public key inside), as OpenSSL writes it: BouncyCastle's factory adds the public key
            // (version 2, RFC 5958), which OpenSSL 3.0 refuses to read.
            return AgencyPublicKey.writePem(new PemObject(
                    PEM_TYPE,
                    new PrivateKeyInfo(new AlgorithmIdentifier(ID_X25519), new DEROctetString(privateKey.getEncoded()))
                            .getEncoded()));
        } catch (IOException e) {
            throw new IllegalStateException("encoding an X25519 private key failed", e);
        }
    }

    public AgencyPublicKey publicKey() {
        return publicKey;
    }

    /** {@link AgencyPublicKey#keyId()} of the public half. */
    public String keyId() {
        return publicKey.keyId();
    }

    /**
     * Opens a data key wrapped by {@link AgencyPublicKey#wrap}: throws {@link DecryptionException} if it was wrapped
     * to another key, for another recording, or was altered.
     */
    public byte[] unwrap(WrappedDataKey wrapped, String recordingId) {
        if (!wrapped.keyId().equals(keyId()))
            throw new DecryptionException("recording " + recordingId + " was encrypted to agency key " + wrapped.keyId()
                    + ", not to " + keyId());
        HPKE hpke = WrappedDataKey.hpke();
        try {
            Base64.Decoder b64 = Base64.getDecoder();
            AsymmetricCipherKeyPair pair =
                    new AsymmetricCipherKeyPair(hpke.deserializePublicKey(publicKey.raw()), privateKey);
            byte[] key = hpke.open(
                    b64.decode(wrapped.enc()),
                    pair,
                    WrappedDataKey.INFO,
                    WrappedDataKey.aad(recordingId),
                    b64.decode(wrapped.ciphertext()),
                    null,
                    null,
                    null);
            if (key.length != PieceCipher.KEY_BYTES)
                throw new DecryptionException("recording " + recordingId + ": the wrapped data key has " + key.length
                        + " bytes, not " + PieceCipher.KEY_BYTES);
            return key;
        } catch (InvalidCipherTextException | IllegalArgumentException e) {
            throw new DecryptionException(
                    "recording " + recordingId
                            + ": its data key does not open with agency key " + keyId()
                            + " (altered, or wrapped for another recording)",
                    e);
        }
    }

    @Override
    public String toString() {
        return "AgencyKeyPair " + keyId();
    }
}
