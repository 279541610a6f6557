package org.openbwc.evidence.encryption;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.modes.GCMBlockCipher;
import org.bouncycastle.crypto.modes.GCMModeCipher;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * AES-256-GCM over one media piece (an init segment or a fragment) of an encrypted recording. A sealed piece is
 * {@code nonce (12 bytes) || ciphertext || tag (16 bytes)}, the nonce random per piece, so a piece decrypts on its
 * own and a power cut costs only the piece being written. The associated data names where the piece belongs
 * ({@link #aad}), so a piece moved to another place or recording does not decrypt. Instances are not thread-safe.
 */
public final class PieceCipher {
    /** AES-256. */
    public static final int KEY_BYTES = 32;
    /** What sealing adds to a piece: the nonce and the tag. */
    public static final int OVERHEAD = 12 + 16;

    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final SecretKey key;
    private final Cipher cipher;
    private final KeyParameter sealKey;
    private final GCMModeCipher sealer = GCMBlockCipher.newInstance(AESEngine.newInstance());

    public PieceCipher(byte[] key) {
        if (key.length != KEY_BYTES)
            throw new IllegalArgumentException("an AES-256 key has " + KEY_BYTES + " bytes, not " + key.length);
        this.key = new SecretKeySpec(key, "AES");
        this.sealKey = new KeyParameter(key);
        try {
            this.cipher = Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM has no AES/GCM", e);
        }
    }

    /** A fresh random data key. */
    public static byte[] newKey() {
        byte[] key = new byte[KEY_BYTES];
        AgencyPublicKey.random().nextBytes(key);
        return key;
    }

    /** The associated data of a piece: the recording, the segment file and the piece's offset in it. */
    public static byte[] aad(String recordingId, String segment, long offset) {
        return (recordingId + "/" + segment + "@" + offset).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Seals {@code plain} (nonce, ciphertext, tag). BouncyCastle's AES-GCM rather than the JDK's: the unit's JVM runs
     * the C1 compiler only, which has none of the JDK's AES and GHASH intrinsics, and there BouncyCastle's table-driven
     * code is the faster (measured ~1.5x); the output is standard AES-GCM, so {@link #open} (the JDK's, fast where
     * evidence is decrypted) reads it.
     */
    public byte[] seal(byte[] plain, byte[] aad) {
        byte[] nonce = new byte[NONCE_BYTES];
        AgencyPublicKey.random().nextBytes(nonce);
        sealer.init(true, new AEADParameters(sealKey, TAG_BITS, nonce, aad));
        byte[] out = new byte[NONCE_BYTES + plain.length + TAG_BITS / 8];
        System.arraycopy(nonce, 0, out, 0, NONCE_BYTES);
        try {
            int n = sealer.processBytes(plain, 0, plain.length, out, NONCE_BYTES);
            sealer.doFinal(out, NONCE_BYTES + n);
        } catch (InvalidCipherTextException e) {
            throw new IllegalStateException("AES-GCM sealing failed", e);
        }
        return out;
    }

    /** Opens a sealed piece; throws {@link DecryptionException} if it was altered or belongs elsewhere. */
    public byte[] open(byte[] sealed, byte[] aad) {
        if (sealed.length < OVERHEAD)
            throw new DecryptionException(
                    "an encrypted piece has at least " + OVERHEAD + " bytes, this one " + sealed.length);
        try {
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, Arrays.copyOf(sealed, NONCE_BYTES)));
            cipher.updateAAD(aad);
            return cipher.doFinal(sealed, NONCE_BYTES, sealed.length - NONCE_BYTES);
        } catch (javax.crypto.AEADBadTagException e) {
            throw new DecryptionException("the piece was altered or belongs elsewhere (AES-GCM tag mismatch)", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM opening failed", e);
        }
    }
}
