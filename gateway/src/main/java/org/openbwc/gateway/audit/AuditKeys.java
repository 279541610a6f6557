package org.openbwc.gateway.audit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.util.HexFormat;
import org.openbwc.pki.Pem;
import org.tinylog.Logger;

/**
 * The audit log's keys in {@code <dataDir>/keys/}: {@code audit.key}, 32 random bytes (hex) keying the HMAC-SHA256
 * chain, so nobody without the key can rewrite the log and recompute the chain; and an Ed25519 pair,
 * {@code audit-signing.key} and {@code audit-signing.pub}, signing checkpoints, so the public key alone (kept off the
 * gateway by an auditor) checks them. Both secrets are mode 600 and made at the gateway's first start.
 */
public record AuditKeys(byte[] macKey, PrivateKey signingKey, PublicKey publicKey) {

    public static final String MAC_KEY_FILE = "audit.key";
    public static final String SIGNING_KEY_FILE = "audit-signing.key";
    public static final String PUBLIC_KEY_FILE = "audit-signing.pub";
    static final int MAC_KEY_BYTES = 32;

    /** Reads the keys in {@code keysDir}, making the missing ones (a new gateway, or one from before keyed logs). */
    public static AuditKeys openOrCreate(Path keysDir) {
        try {
            if (!Files.isDirectory(keysDir)) {
                Files.createDirectories(keysDir);
                if (keysDir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                    Files.setPosixFilePermissions(keysDir, PosixFilePermissions.fromString("rwx------"));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make " + keysDir.toAbsolutePath() + ": " + e.getMessage(), e);
        }
        Path macFile = keysDir.resolve(MAC_KEY_FILE);
        if (!Files.exists(macFile)) {
            byte[] key = new byte[MAC_KEY_BYTES];
            new SecureRandom().nextBytes(key);
            Pem.writeAtomically(macFile, HexFormat.of().formatHex(key) + "\n", true);
            Logger.info("Made the audit log's chain key {}", macFile.toAbsolutePath());
        }
        Path signingFile = keysDir.resolve(SIGNING_KEY_FILE);
        if (!Files.exists(signingFile)) {
            KeyPair pair = newSigningPair();
            Pem.writePrivateKey(signingFile, pair.getPrivate());
            Pem.writeAtomically(keysDir.resolve(PUBLIC_KEY_FILE), Pem.text(pair.getPublic()), false);
            Logger.info(
                    "Made the audit log's checkpoint signing key {} (public key {})",
                    signingFile.toAbsolutePath(),
                    keysDir.resolve(PUBLIC_KEY_FILE).toAbsolutePath());
        }
        return new AuditKeys(readMacKey(keysDir), Pem.readPrivateKey(signingFile), readPublicKey(keysDir));
    }

    /** The chain key, for a verifier. */
    public static byte[] readMacKey(Path keysDir) {
        Path file = keysDir.resolve(MAC_KEY_FILE);
        try {
            byte[] key = HexFormat.of()
                    .parseHex(Files.readString(file, StandardCharsets.US_ASCII).strip());
            if (key.length != MAC_KEY_BYTES)
                throw new IllegalArgumentException(
                        file + " holds " + key.length + " bytes; expected " + MAC_KEY_BYTES + " (hex)");
            return key;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the audit key " + file.toAbsolutePath(), e);
        }
    }

    /** The checkpoints' public key, for a verifier. */
    public static PublicKey readPublicKey(Path keysDir) {
        return readPublicKeyFile(keysDir.resolve(PUBLIC_KEY_FILE));
    }

    /** A copy of the checkpoints' public key kept elsewhere (an auditor's). */
    public static PublicKey readPublicKeyFile(Path file) {
        try {
            return Pem.parsePublicKey(Files.readString(file, StandardCharsets.US_ASCII), file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the audit public key " + file.toAbsolutePath(), e);
        }
    }

    static KeyPair newSigningPair() {
        try {
            return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 is missing from this JDK", e);
        }
    }
}
