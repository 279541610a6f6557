package org.openbwc.device.evidence;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.openbwc.evidence.EvidenceJson;
import org.openbwc.evidence.ManifestSignature;
import org.openbwc.evidence.RecordingLayout;
import org.tinylog.Logger;

/**
 * The unit's Ed25519 signing key: created on first boot in {@code <keyDir>/device-key.pem} (PKCS#8 private key and
 * X.509 public key as PEM blocks, mode 600 in a 700 directory where the file system has POSIX permissions), loaded on
 * every boot after. The public key is also written to {@code device-key.pub.pem} for enrolment at the gateway.
 *
 * <p>Both keys are stored because the JDK has no public API to derive an Ed25519 public key from the private one; on
 * load the pair is checked to match. An unreadable key file is an error, never a reason to make a new key: a new key
 * would silently change the identity every earlier recording was signed with. A key file that is gone while
 * recordings are there is replaced, loudly ({@link #open}): the unit must keep recording. Checking a signature,
 * reading a manifest's key and fingerprints are {@link ManifestSignature}'s, in the evidence module, for verifiers
 * without this class.
 */
public final class DeviceKey {
    public static final String KEY_FILE = "device-key.pem";
    public static final String PUBLIC_KEY_FILE = "device-key.pub.pem";
    private static final String ALGORITHM = ManifestSignature.ALGORITHM;
    private static final Pattern PEM = Pattern.compile("-----BEGIN ([A-Z ]+)-----([^-]+)-----END \\1-----");
    private static final Set<PosixFilePermission> OWNER_FILE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> OWNER_DIR = PosixFilePermissions.fromString("rwx------");
    /** A public key file or a manifest is a few kB; anything far bigger is not read for a fingerprint. */
    private static final long MAX_SMALL_FILE = 1024 * 1024;

    private final PrivateKey privateKey;
    private final PublicKey publicKey;

    private DeviceKey(PrivateKey privateKey, PublicKey publicKey) {
        this.privateKey = privateKey;
        this.publicKey = publicKey;
    }

    /**
     * The key found missing at boot although the unit holds recordings: a new one was made so the unit keeps
     * recording, and the gateway must hear of it, since recordings signed from now on do not verify against the key it
     * pinned.
     *
     * @param newFingerprint the new key's {@link #fingerprint()}
     * @param oldFingerprint the lost key's fingerprint, from {@code device-key.pub.pem} or the newest manifest; null
     *     when nothing of it is left
     * @param recordings how many recordings (folders under the evidence root) the unit holds
     */
    public record MissingKey(String newFingerprint, String oldFingerprint, int recordings) {}

    /** The unit's key as {@link #open} found or made it, and whether it replaced a missing one. */
    public record Opened(DeviceKey key, Optional<MissingKey> missing) {}

    /**
     * Loads the unit's key, or makes one. A unit without recordings makes its first key quietly. A unit that holds
     * recordings (sealed or open) but finds no key makes a new one too, because evidence must never be lost for want
     * of a key, but says so: a WARN with both fingerprints and a {@link MissingKey} for the gateway, never silently.
     *
     * @param evidenceRoot the folder of recordings, one folder each
     */
    public static Opened open(Path keyDir, Path evidenceRoot) throws IOException {
        Path file = keyDir.resolve(KEY_FILE);
        if (Files.exists(file)) return new Opened(load(file), Optional.empty());
        int recordings = countRecordings(evidenceRoot);
        String old = recordings == 0 ? null : lostFingerprint(keyDir, evidenceRoot);
        DeviceKey key = loadOrCreate(keyDir);
        if (recordings == 0) return new Opened(key, Optional.empty());
        Logger.warn(
                "evidence key {} was missing although the unit holds {} recordings; made a new key {} so that the unit"
                        + " keeps recording. Recordings signed before verify only with the old key; the gateway is"
                        + " told (key.missing)",
                old == null ? "(fingerprint unknown)" : old,
                recordings,
                key.fingerprint());
        return new Opened(key, Optional.of(new MissingKey(key.fingerprint(), old, recordings)));
    }

    private static int countRecordings(Path evidenceRoot) throws IOException {
        if (!Files.isDirectory(evidenceRoot)) return 0;
        try (Stream<Path> entries = Files.list(evidenceRoot)) {
            return (int) entries.filter(Files::isDirectory)
                    .filter(p -> !p.getFileName().toString().startsWith("."))
                    .count();
        }
    }

    /** What is left of the lost key: its public half beside it, else the key the newest manifest names. */
    private static String lostFingerprint(Path keyDir, Path evidenceRoot) {
        try {
            Path pub = keyDir.resolve(PUBLIC_KEY_FILE);
            if (Files.isRegularFile(pub) && Files.size(pub) < MAX_SMALL_FILE) {
                Matcher m = PEM.matcher(Files.readString(pub, StandardCharsets.US_ASCII));
                if (m.find() && m.group(1).equals("PUBLIC KEY")) {
                    byte[] der = Base64.getMimeDecoder().decode(m.group(2).strip());
                    return ManifestSignature.fingerprint(
                            KeyFactory.getInstance(ALGORITHM).generatePublic(new X509EncodedKeySpec(der)));
                }
            }
            Path newest = null;
            try (Stream<Path> dirs = Files.list(evidenceRoot)) {
                for (Path dir : (Iterable<Path>) dirs::iterator) {
                    Path manifest = dir.resolve(RecordingLayout.MANIFEST_FILE);
                    if (!Files.isRegularFile(manifest) || Files.size(manifest) > MAX_SMALL_FILE) continue;
                    if (newest == null
                            || Files.getLastModifiedTime(manifest).compareTo(Files.getLastModifiedTime(newest)) > 0) {
                        newest = manifest;
                    }
                }
            }
            if (newest == null) return null;
            Object publicKey = EvidenceJson.readTree(Files.readAllBytes(newest)).get("publicKey");
            return publicKey instanceof String b64
                    ? ManifestSignature.fingerprint(ManifestSignature.publicKeyFromBase64(b64))
                    : null;
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            // The fingerprint is for the operator's information only; a new key is made whatever happens here.
            Logger.debug("could not tell which evidence key was lost: {}", e.toString());
            return null;
        }
    }

    /** Loads the key from {@code keyDir}, creating the directory and a new key pair on first boot. */
    public static DeviceKey loadOrCreate(Path keyDir) throws IOException {
        Path file = keyDir.resolve(KEY_FILE);
        if (Files.exists(file)) return load(file);
        createDirectory(keyDir);
        DeviceKey key = generate();
        try {
            key.store(keyDir);
        } catch (FileAlreadyExistsException e) {
            // Another process won the first-boot race; its key is the unit's key.
            return load(file);
        }
        Logger.info("created device key {} in {}", key.fingerprint(), file);
        return key;
    }

    /** A fresh key pair held only in memory (emulators, tests). */
    public static DeviceKey generate() {
        try {
            KeyPair pair = KeyPairGenerator.getInstance(ALGORITHM).generateKeyPair();
            return new DeviceKey(pair.getPrivate(), pair.getPublic());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no " + ALGORITHM, e);
        }
    }

    static DeviceKey load(Path file) throws IOException {
        tightenPermissions(file);
        String text = Files.readString(file, StandardCharsets.US_ASCII);
        byte[] pkcs8 = null;
        byte[] x509 = null;
        Matcher m = PEM.matcher(text);
        while (m.find()) {
            byte[] der = Base64.getMimeDecoder().decode(m.group(2).strip());
            if (m.group(1).equals("PRIVATE KEY")) pkcs8 = der;
            if (m.group(1).equals("PUBLIC KEY")) x509 = der;
        }
        if (pkcs8 == null || x509 == null) {
            throw new IllegalStateException(file + " must hold a PRIVATE KEY and a PUBLIC KEY PEM block");
        }
        try {
            KeyFactory factory = KeyFactory.getInstance(ALGORITHM);
            DeviceKey key = new DeviceKey(
                    factory.generatePrivate(new PKCS8EncodedKeySpec(pkcs8)),
                    factory.generatePublic(new X509EncodedKeySpec(x509)));
            byte[] probe = "openbwc device key check".getBytes(StandardCharsets.US_ASCII);
            if (!ManifestSignature.verify(key.publicKey, probe, key.sign(probe))) {
                throw new IllegalStateException(file + ": the public key does not belong to the private key");
            }
            Logger.debug("loaded device key {} from {}", key.fingerprint(), file);
            return key;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(
                    file + " does not hold an " + ALGORITHM + " key pair: " + e.getMessage(), e);
        }
    }

    public PublicKey publicKey() {
        return publicKey;
    }

    /** The public key as base64 of its X.509 DER encoding (what manifests and the status carry). */
    public String publicKeyBase64() {
        return Base64.getEncoder().encodeToString(publicKey.getEncoded());
    }

    /** The public key's fingerprint (see {@link ManifestSignature#fingerprint}). */
    public String fingerprint() {
        return ManifestSignature.fingerprint(publicKey);
    }

    public byte[] sign(byte[] data) {
        try {
            Signature signature = Signature.getInstance(ALGORITHM);
            signature.initSign(privateKey);
            signature.update(data);
            return signature.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign with the device key", e);
        }
    }

    private void store(Path keyDir) throws IOException {
        String pem = pem("PRIVATE KEY", privateKey.getEncoded()) + pem("PUBLIC KEY", publicKey.getEncoded());
        Path tmp = keyDir.resolve(KEY_FILE + ".tmp");
        Files.deleteIfExists(tmp);
        List<FileAttribute<?>> attrs =
                posix(keyDir) ? List.of(PosixFilePermissions.asFileAttribute(OWNER_FILE)) : List.of();
        try (FileChannel channel = FileChannel.open(
                tmp,
                Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                attrs.toArray(FileAttribute<?>[]::new))) {
            ByteBuffer bytes = ByteBuffer.wrap(pem.getBytes(StandardCharsets.US_ASCII));
            while (bytes.hasRemaining()) channel.write(bytes);
            channel.force(true);
        }
        if (posix(keyDir)) Files.setPosixFilePermissions(tmp, OWNER_FILE);
        Path target = keyDir.resolve(KEY_FILE);
        if (Files.exists(target)) {
            Files.delete(tmp);
            throw new FileAlreadyExistsException(target.toString());
        }
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target);
        }
        Files.writeString(
                keyDir.resolve(PUBLIC_KEY_FILE), pem("PUBLIC KEY", publicKey.getEncoded()), StandardCharsets.US_ASCII);
        ManifestFile.forceDirectory(keyDir);
    }

    private static String pem(String label, byte[] der) {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(der);
        return "-----BEGIN " + label + "-----\n" + body + "\n-----END " + label + "-----\n";
    }

    private static void createDirectory(Path dir) throws IOException {
        Files.createDirectories(dir);
        if (posix(dir)) Files.setPosixFilePermissions(dir, OWNER_DIR);
    }

    private static void tightenPermissions(Path file) throws IOException {
        if (!posix(file)) return;
        Set<PosixFilePermission> now = Files.getPosixFilePermissions(file);
        if (!now.equals(OWNER_FILE)) {
            Logger.warn("{} had permissions {}; setting them to rw-------", file, PosixFilePermissions.toString(now));
            Files.setPosixFilePermissions(file, OWNER_FILE);
        }
    }

    /** Whether the file store under an existing path keeps POSIX permissions (a FAT card does not). */
    private static boolean posix(Path existing) {
        try {
            return Files.getFileStore(existing).supportsFileAttributeView(PosixFileAttributeView.class);
        } catch (IOException e) {
            return false;
        }
    }
}
