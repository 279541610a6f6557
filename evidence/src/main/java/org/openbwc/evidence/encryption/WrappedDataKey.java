package org.openbwc.evidence.encryption;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Objects;
import org.bouncycastle.crypto.hpke.HPKE;

/**
 * A recording's data key wrapped to an agency key, as the journal's {@code open} line and the manifest carry it.
 *
 * @param scheme {@link #SCHEME}: HPKE base mode with DHKEM(X25519, HKDF-SHA256), HKDF-SHA256 and AES-256-GCM for the
 *     key; AES-256-GCM per media piece for the recording
 * @param keyId the agency key it is wrapped to ({@link AgencyPublicKey#keyId()})
 * @param enc base64 of HPKE's encapsulated key
 * @param ciphertext base64 of the sealed 32-byte data key
 */
public record WrappedDataKey(String scheme, String keyId, String enc, String ciphertext) {
    public static final String SCHEME = "hpke-x25519-sha256-aes256gcm+aes256gcm-pieces";

    static final byte[] INFO = "openbwc evidence data key v1".getBytes(StandardCharsets.UTF_8);

    public WrappedDataKey {
        Objects.requireNonNull(scheme, "scheme");
        Objects.requireNonNull(keyId, "keyId");
        Objects.requireNonNull(enc, "enc");
        Objects.requireNonNull(ciphertext, "ciphertext");
        if (!scheme.equals(SCHEME))
            throw new IllegalArgumentException(
                    "unknown encryption scheme '" + scheme + "' (this version reads " + SCHEME + ")");
        try {
            Base64.getDecoder().decode(enc);
            Base64.getDecoder().decode(ciphertext);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the wrapped data key is not base64: " + e.getMessage(), e);
        }
    }

    static HPKE hpke() {
        return new HPKE(HPKE.mode_base, HPKE.kem_X25519_SHA256, HPKE.kdf_HKDF_SHA256, HPKE.aead_AES_GCM256);
    }

    static byte[] aad(String recordingId) {
        return recordingId.getBytes(StandardCharsets.UTF_8);
    }
}
