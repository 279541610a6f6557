package org.openbwc.pki;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.util.io.pem.PemGenerationException;

/**
 * Reads and writes the PEM files of the agency's PKI. Private keys are written with mode 600 and replaced atomically,
 * so a power cut leaves either the old key or the new one. Errors name the file and what was expected in it.
 */
public final class Pem {
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private Pem() {}

    /** The first certificate in a PEM file. */
    public static X509Certificate readCertificate(Path file) {
        List<X509Certificate> all = readCertificates(file);
        if (all.isEmpty()) throw new IllegalArgumentException(file + " holds no PEM CERTIFICATE block");
        return all.get(0);
    }

    /** Every certificate in a PEM file, in file order (a chain: leaf first). */
    public static List<X509Certificate> readCertificates(Path file) {
        return JdkPem.readCertificates(file);
    }

    /** Every certificate in PEM text. */
    public static List<X509Certificate> parseCertificates(String pem, String source) {
        return JdkPem.parseCertificates(pem.getBytes(StandardCharsets.US_ASCII), source);
    }

    /** A private key (PKCS#8 {@code PRIVATE KEY}, or OpenSSL's {@code EC PRIVATE KEY}/{@code RSA PRIVATE KEY}). */
    public static PrivateKey readPrivateKey(Path file) {
        return JdkPem.readPrivateKey(file);
    }

    static PrivateKey parsePrivateKey(String pem, String source) {
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            for (Object o = parser.readObject(); o != null; o = parser.readObject()) {
                if (o instanceof PrivateKeyInfo info) return converter.getPrivateKey(info);
                // SEC1 keys may omit the public part, which getKeyPair would need.
                if (o instanceof PEMKeyPair pair) return converter.getPrivateKey(pair.getPrivateKeyInfo());
            }
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException(source + " is not a readable PEM private key: " + e.getMessage(), e);
        }
        throw new IllegalArgumentException(
                source + " holds no unencrypted PEM private key (PRIVATE KEY, EC PRIVATE KEY or RSA PRIVATE KEY)");
    }

    /** A public key ({@code PUBLIC KEY}, as {@code openssl pkey -pubout} writes it). */
    public static PublicKey parsePublicKey(String pem, String source) {
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            for (Object o = parser.readObject(); o != null; o = parser.readObject()) {
                if (o instanceof SubjectPublicKeyInfo info) return new JcaPEMKeyConverter().getPublicKey(info);
            }
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException(source + " is not a readable PEM public key: " + e.getMessage(), e);
        }
        throw new IllegalArgumentException(source + " holds no PEM PUBLIC KEY block");
    }

    /** A certificate signing request ({@code CERTIFICATE REQUEST}). */
    public static PKCS10CertificationRequest parseCsr(String pem, String source) {
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            Object o = parser.readObject();
            if (o instanceof PKCS10CertificationRequest csr) return csr;
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException(
                    source + " is not a readable PEM certificate request: " + e.getMessage());
        }
        throw new IllegalArgumentException(source + " holds no PEM CERTIFICATE REQUEST block");
    }

    /** PEM text of certificates, keys, requests or public keys, one block after the other. */
    public static String text(Object... objects) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            for (Object o : objects) writer.writeObject(o);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode PEM", e);
        }
        return out.toString();
    }

    /** Writes certificates (a chain: leaf first), readable by all: certificates are public. */
    public static void writeCertificates(Path file, X509Certificate... chain) {
        writeAtomically(file, text((Object[]) chain), false);
    }

    /** Writes a private key as PKCS#8 ({@code PRIVATE KEY}, what OpenSSL 3 writes), readable only by its owner. */
    public static void writePrivateKey(Path file, PrivateKey key) {
        writeAtomically(file, privateKeyText(key), true);
    }

    /** PEM text of a private key in PKCS#8 form. */
    public static String privateKeyText(PrivateKey key) {
        try {
            return text(new JcaPKCS8Generator(key, null).generate());
        } catch (PemGenerationException e) {
            throw new IllegalStateException("cannot encode a " + key.getAlgorithm() + " private key", e);
        }
    }

    /** Writes PEM text to a file; {@code secret} makes it mode 600 from the moment it exists. */
    public static void writeAtomically(Path file, String text, boolean secret) {
        Path dir = file.toAbsolutePath().getParent();
        try {
            Files.createDirectories(dir);
            Path tmp = dir.resolve("." + file.getFileName() + ".tmp");
            Files.deleteIfExists(tmp);
            if (secret && supportsPosix(dir)) {
                Files.createFile(tmp, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            }
            Files.writeString(tmp, text, StandardCharsets.US_ASCII);
            try {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file.toAbsolutePath() + ": " + e.getMessage(), e);
        }
    }

    private static boolean supportsPosix(Path dir) {
        return dir.getFileSystem().supportedFileAttributeViews().contains("posix");
    }
}
