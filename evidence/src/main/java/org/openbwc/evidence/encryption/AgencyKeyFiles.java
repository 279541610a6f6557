package org.openbwc.evidence.encryption;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * The agency's key files as {@code bwc agency keygen} writes them: {@code agency.key} (the private key, mode 600) and
 * {@code agency.pub} (the public key, mode 644), and reading either back with a message a technician can act on.
 */
public final class AgencyKeyFiles {
    public static final String PRIVATE_KEY = "agency.key";
    public static final String PUBLIC_KEY = "agency.pub";
    /** A PEM key is a few hundred bytes; a larger file is not one, and is not read whole. */
    static final long MAX_FILE_BYTES = 64 * 1024;

    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> READABLE = PosixFilePermissions.fromString("rw-r--r--");
    private static final Set<PosixFilePermission> OWNER_DIR = PosixFilePermissions.fromString("rwx------");

    private AgencyKeyFiles() {}

    /**
     * Reads an agency public key ({@code agency.pub}).
     *
     * @throws IllegalArgumentException saying why it cannot be used: missing, unreadable, not a public key
     */
    public static AgencyPublicKey readPublicKey(Path file) {
        return AgencyPublicKey.fromPem(read(file));
    }

    /**
     * Reads an agency private key ({@code agency.key}).
     *
     * @throws IllegalArgumentException saying why it cannot be used: missing, unreadable, not a private key
     */
    public static AgencyKeyPair readKeyPair(Path file) {
        return AgencyKeyPair.fromPem(read(file));
    }

    /** The text of a key file, or IllegalArgumentException saying in a few words why it cannot be read. */
    public static String read(Path file) {
        try {
            if (Files.isDirectory(file)) throw new IllegalArgumentException("is a directory, not a key file");
            if (Files.size(file) > MAX_FILE_BYTES) {
                throw new IllegalArgumentException(
                        "is " + Files.size(file) + " bytes, far too large for a PEM key file");
            }
            return Files.readString(file, StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("no such file", e);
        } catch (AccessDeniedException e) {
            throw new IllegalArgumentException("permission denied (the process cannot read it)", e);
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException("not a valid path", e);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot be read: " + e.getMessage(), e);
        }
    }

    /**
     * Writes a new key pair into {@code dir} as {@code agency.key} (600) and {@code agency.pub} (644), making
     * {@code dir} (700) if it is missing. Never overwrites: a lost private key makes every recording wrapped to it
     * unreadable for good.
     *
     * @throws IllegalStateException naming the file when either file exists already
     * @throws UncheckedIOException when the files cannot be written
     */
    public static void writeNew(Path dir, AgencyKeyPair pair) {
        Path key = dir.resolve(PRIVATE_KEY);
        Path pub = dir.resolve(PUBLIC_KEY);
        for (Path f : new Path[] {key, pub}) {
            if (Files.exists(f)) {
                throw new IllegalStateException(f + " exists already; it is not overwritten (a lost agency.key makes"
                        + " the recordings encrypted to it unreadable). Choose another --out folder, or move the"
                        + " old files away first");
            }
        }
        try {
            if (!Files.isDirectory(dir)) {
                if (posix(dir.toAbsolutePath().getParent())) {
                    Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(OWNER_DIR));
                    Files.setPosixFilePermissions(dir, OWNER_DIR);
                } else {
                    Files.createDirectories(dir);
                }
            }
            write(key, pair.toPem(), OWNER_ONLY);
            write(pub, pair.publicKey().toPem(), READABLE);
        } catch (FileAlreadyExistsException e) {
            throw new IllegalStateException(e.getFile() + " exists already; it is not overwritten", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the agency keys in " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Writes a public key file (644) atomically, replacing one that is there: what a unit does at enrolment. */
    public static void writePublicKey(Path file, AgencyPublicKey key) {
        Path dir = file.toAbsolutePath().getParent();
        Path tmp = dir.resolve("." + file.getFileName() + ".tmp");
        try {
            Files.createDirectories(dir);
            Files.deleteIfExists(tmp);
            write(tmp, key.toPem(), READABLE);
            try {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file.toAbsolutePath() + ": " + e.getMessage(), e);
        }
    }

    private static void write(Path file, String text, Set<PosixFilePermission> mode) throws IOException {
        boolean posix = posix(file.toAbsolutePath().getParent());
        if (posix) {
            // The private key must never exist with wider permissions, not even for a moment.
            Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        } else {
            Files.createFile(file);
        }
        Files.writeString(file, text, StandardCharsets.US_ASCII, StandardOpenOption.TRUNCATE_EXISTING);
        // Set after writing too: the creation mode is cut by the umask, and 644 is what the docs promise.
        if (posix) Files.setPosixFilePermissions(file, mode);
    }

    private static boolean posix(Path dir) {
        Path d = dir == null ? Path.of("").toAbsolutePath() : dir;
        return d.getFileSystem().supportedFileAttributeViews().contains("posix");
    }
}
