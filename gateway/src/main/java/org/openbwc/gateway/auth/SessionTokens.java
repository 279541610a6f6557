package org.openbwc.gateway.auth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.tinylog.Logger;

/**
 * Signed session tokens: {@code payload.signature}, HMAC-SHA256 with a key kept in the gateway's data directory.
 * Because the key and the sign-out list are on disk, sessions survive a gateway restart, so an operator's open page
 * resynchronises instead of asking to sign in again.
 */
public final class SessionTokens {

    /**
     * What a valid token says.
     *
     * @param issuedAt when the session began (to the millisecond); {@link Instant#EPOCH} for a token from before
     *     tokens carried it (v1), so an account's {@code sessionsFrom} ends those too
     */
    public record Claims(String username, String nonce, Instant expiresAt, Instant issuedAt) {}

    private static final String VERSION = "v2";
    /** Tokens issued before v2 (without the issue time) stay valid until they expire. */
    private static final String VERSION_1 = "v1";

    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();

    private final byte[] key;
    private final Path revokedFile;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Instant> revoked = new ConcurrentHashMap<>();

    private SessionTokens(byte[] key, Path revokedFile, Clock clock) {
        this.key = key;
        this.revokedFile = revokedFile;
        this.clock = clock;
    }

    /** Loads the signing key from {@code dataDir}, creating it (mode 600) on first start, and the sign-out list. */
    public static SessionTokens open(Path dataDir, Clock clock) {
        try {
            Files.createDirectories(dataDir);
            byte[] key = loadOrCreateKey(dataDir.resolve("session.key"));
            SessionTokens tokens = new SessionTokens(key, dataDir.resolve("signed-out-sessions"), clock);
            tokens.loadRevoked();
            return tokens;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the session key in " + dataDir, e);
        }
    }

    public String issue(String username, Duration lifetime) {
        byte[] n = new byte[16];
        random.nextBytes(n);
        Instant now = clock.instant();
        Instant expires = now.plus(lifetime);
        String payload = String.join(
                "|",
                VERSION,
                username,
                HexFormat.of().formatHex(n),
                Long.toString(expires.getEpochSecond()),
                Long.toString(now.toEpochMilli()));
        String body = B64.encodeToString(payload.getBytes(StandardCharsets.UTF_8));
        return body + "." + B64.encodeToString(mac(body));
    }

    /** The claims of a genuine, unexpired, not signed-out token. */
    public Optional<Claims> verify(String token) {
        if (token == null || token.length() > 512) return Optional.empty();
        int dot = token.indexOf('.');
        if (dot <= 0) return Optional.empty();
        String body = token.substring(0, dot);
        byte[] given;
        String[] f;
        try {
            given = B64D.decode(token.substring(dot + 1));
            f = new String(B64D.decode(body), StandardCharsets.UTF_8).split("\\|", -1);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        boolean v2 = f.length == 5 && VERSION.equals(f[0]);
        boolean v1 = f.length == 4 && VERSION_1.equals(f[0]);
        if (!MessageDigest.isEqual(given, mac(body)) || !(v1 || v2)) return Optional.empty();
        Instant expires;
        Instant issued;
        try {
            expires = Instant.ofEpochSecond(Long.parseLong(f[3]));
            issued = v2 ? Instant.ofEpochMilli(Long.parseLong(f[4])) : Instant.EPOCH;
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        if (!clock.instant().isBefore(expires) || revoked.containsKey(f[2])) return Optional.empty();
        return Optional.of(new Claims(f[1], f[2], expires, issued));
    }

    /** Signs a session out for good, also across restarts. */
    public void revoke(Claims claims) {
        if (revoked.putIfAbsent(claims.nonce(), claims.expiresAt()) != null) return;
        try {
            Files.writeString(
                    revokedFile,
                    claims.nonce() + " " + claims.expiresAt().getEpochSecond() + "\n",
                    StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            Logger.warn(
                    "Could not record the sign-out of a session in {} (it ends at the restart's expiry): {}",
                    revokedFile,
                    e.toString());
        }
    }

    private byte[] mac(String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(body.getBytes(StandardCharsets.US_ASCII));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JDK", e);
        }
    }

    private void loadRevoked() throws IOException {
        if (!Files.exists(revokedFile)) return;
        Instant now = clock.instant();
        List<String> lines = Files.readAllLines(revokedFile, StandardCharsets.UTF_8);
        StringBuilder keep = new StringBuilder();
        for (String line : lines) {
            String[] f = line.strip().split(" ");
            if (f.length != 2) continue;
            try {
                Instant exp = Instant.ofEpochSecond(Long.parseLong(f[1]));
                if (exp.isAfter(now)) {
                    revoked.put(f[0], exp);
                    keep.append(line.strip()).append('\n');
                }
            } catch (NumberFormatException e) {
                Logger.debug("Ignoring a malformed line in {}", revokedFile);
            }
        }
        // Expired entries can go: their tokens are refused for being expired anyway.
        Files.writeString(revokedFile, keep, StandardCharsets.UTF_8);
    }

    private static byte[] loadOrCreateKey(Path file) throws IOException {
        if (!Files.exists(file)) {
            byte[] key = new byte[32];
            new SecureRandom().nextBytes(key);
            try {
                Files.createFile(
                        file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                Files.write(file, key);
                return key;
            } catch (FileAlreadyExistsException e) {
                Logger.debug("Session key appeared meanwhile; using it");
            }
        }
        byte[] key = Files.readAllBytes(file);
        if (key.length < 32)
            throw new IOException(file + " holds " + key.length + " bytes, expected 32; delete it to"
                    + " make a new one (every operator will have to sign in again)");
        return key;
    }
}
