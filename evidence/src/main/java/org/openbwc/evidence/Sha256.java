package org.openbwc.evidence;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * SHA-256 digests and the hash chain of a recording, in the lowercase hex the journal and the manifest carry.
 *
 * <p>The chain binds every media piece (init segments and fragments, in journal order) to everything before it:
 * {@code chain_0 = SHA-256(UTF-8 bytes of the recording id)} and {@code chain_n = SHA-256(chain_{n-1} || sha_n)}
 * over the raw 32-byte digests. Seeding with the recording id (rather than zeros) ties a chain to one recording,
 * so the journal of one recording cannot be passed off as another's. In an encrypted recording each link also takes
 * the piece's plaintext SHA-256: {@code chain_n = SHA-256(chain_{n-1} || sha_n || plainSha_n)}.
 */
public final class Sha256 {
    private static final HexFormat HEX = HexFormat.of();

    private Sha256() {}

    /** A fresh SHA-256 digest. */
    public static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    /** The SHA-256 of {@code bytes}, hex. */
    public static String hex(byte[] bytes) {
        return hex(bytes, 0, bytes.length);
    }

    /** The SHA-256 of {@code length} bytes of {@code bytes} from {@code offset}, hex. */
    public static String hex(byte[] bytes, int offset, int length) {
        MessageDigest digest = newDigest();
        digest.update(bytes, offset, length);
        return HEX.formatHex(digest.digest());
    }

    /** The SHA-256 of a whole file, hex. */
    public static String ofFile(Path file) throws IOException {
        MessageDigest digest = newDigest();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) digest.update(buffer, 0, n);
        }
        return HEX.formatHex(digest.digest());
    }

    /** {@code chain_0}: the SHA-256 of the recording id's UTF-8 bytes, hex. */
    public static String chainStart(String recordingId) {
        return hex(recordingId.getBytes(StandardCharsets.UTF_8));
    }

    /** {@code chain_n} from {@code chain_{n-1}} and the next piece's SHA-256, both hex. */
    public static String chainNext(String previousChainHex, String shaHex) {
        MessageDigest digest = newDigest();
        digest.update(HEX.parseHex(previousChainHex));
        digest.update(HEX.parseHex(shaHex));
        return HEX.formatHex(digest.digest());
    }

    /**
     * {@code chain_n} of an encrypted piece: {@code SHA-256(chain_{n-1} || sha_n || plainSha_n)}, so the chain (and
     * the signature over its head) covers the plaintext too and a decrypted export is provably the recorded media.
     * With {@code plainShaHex} null it is {@link #chainNext(String, String)}.
     */
    public static String chainNext(String previousChainHex, String shaHex, String plainShaHex) {
        if (plainShaHex == null) return chainNext(previousChainHex, shaHex);
        MessageDigest digest = newDigest();
        digest.update(HEX.parseHex(previousChainHex));
        digest.update(HEX.parseHex(shaHex));
        digest.update(HEX.parseHex(plainShaHex));
        return HEX.formatHex(digest.digest());
    }

    /** A finished digest as hex. */
    public static String toHex(byte[] digest) {
        return HEX.formatHex(digest);
    }

    /** The last 8 hex digits, for one-line summaries. */
    public static String tail(String hex) {
        return hex == null || hex.length() < 8 ? String.valueOf(hex) : "…" + hex.substring(hex.length() - 8);
    }
}
