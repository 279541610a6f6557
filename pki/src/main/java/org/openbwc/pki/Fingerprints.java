package org.openbwc.pki;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.Locale;

/**
 * SHA-256 fingerprints of certificates, written the way {@code openssl x509 -fingerprint -sha256} prints them (upper
 * case, colon-separated), so a technician can compare what a unit's config says with what the gateway shows.
 */
public final class Fingerprints {
    private Fingerprints() {}

    /** e.g. {@code 3A:F1:...} (32 bytes). */
    public static String sha256(X509Certificate certificate) {
        try {
            return format(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
        } catch (CertificateEncodingException | NoSuchAlgorithmException e) {
            throw new IllegalStateException(
                    "cannot fingerprint certificate " + certificate.getSubjectX500Principal(), e);
        }
    }

    /**
     * A unit's Ed25519 evidence key: {@code ed25519:} and the SHA-256 of its X.509 encoding in lower-case hex. The
     * unit's logs and {@code bwc evidence verify} show the first 16 digits of the same hash, so the short form a
     * technician reads is a prefix of the one the gateway pins.
     */
    public static String evidenceKey(PublicKey key) {
        try {
            return "ed25519:"
                    + HexFormat.of()
                            .formatHex(MessageDigest.getInstance("SHA-256").digest(key.getEncoded()));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JDK has no SHA-256", e);
        }
    }

    /**
     * A fingerprint in the canonical form, accepting colons, spaces, lower case and an optional {@code SHA256:} or
     * {@code sha256//} prefix.
     *
     * @throws IllegalArgumentException when it is not 32 bytes of hex
     */
    public static String normalise(String fingerprint) {
        String s = fingerprint.trim();
        if (s.regionMatches(true, 0, "sha256:", 0, 7)) s = s.substring(7);
        s = s.replace(":", "").replace(" ", "").toUpperCase(Locale.ROOT);
        if (!s.matches("[0-9A-F]{64}")) {
            throw new IllegalArgumentException("'" + fingerprint
                    + "' is not a SHA-256 fingerprint: expected 64 hex digits, e.g. as `bwc pki show` or `openssl x509"
                    + " -noout -fingerprint -sha256 -in ca.crt` prints it");
        }
        return format(HexFormat.of().parseHex(s));
    }

    private static String format(byte[] digest) {
        return HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
    }
}
