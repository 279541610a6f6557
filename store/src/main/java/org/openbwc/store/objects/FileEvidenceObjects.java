package org.openbwc.store.objects;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Recordings in a directory tree, {@code <root>/<unit>/<recording>/<file>}: the embedded default, in the gateway's
 * data dir. Each file is copied to a temporary name, forced to disk, checked against the source's SHA-256 and then
 * renamed, so a crash leaves either the whole file or none; stored files are made read-only.
 */
public final class FileEvidenceObjects implements EvidenceObjects {
    private static final String PARTIAL = ".partial";
    private final Path root;

    public FileEvidenceObjects(Path root) throws IOException {
        this.root = Files.createDirectories(root).toAbsolutePath().normalize();
    }

    private Path folder(String unitId, String recordingId) {
        return root.resolve(ObjectNames.check("unit id", unitId))
                .resolve(ObjectNames.check("recording id", recordingId));
    }

    @Override
    public long put(String unitId, String recordingId, Path dir) throws IOException {
        Path target = Files.createDirectories(folder(unitId, recordingId));
        long total = 0;
        for (Path source : regularFiles(dir)) {
            String name = ObjectNames.check("file name", source.getFileName().toString());
            Path stored = target.resolve(name);
            String sourceHash = sha256(source);
            if (Files.exists(stored)) {
                if (!sha256(stored).equals(sourceHash)) {
                    throw new IOException(stored + " is already stored with other content; refusing to overwrite");
                }
            } else {
                copyDurably(source, stored, sourceHash);
            }
            total += Files.size(stored);
        }
        forceDirectory(target);
        forceDirectory(target.getParent());
        return total;
    }

    private static void copyDurably(Path source, Path stored, String sourceHash) throws IOException {
        Path temp = stored.resolveSibling(stored.getFileName() + PARTIAL);
        Files.deleteIfExists(temp);
        try (FileChannel in = FileChannel.open(source, StandardOpenOption.READ);
                FileChannel out = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            long size = in.size();
            for (long done = 0; done < size; ) done += in.transferTo(done, size - done, out);
            out.force(true);
        }
        if (!sha256(temp).equals(sourceHash)) {
            Files.deleteIfExists(temp);
            throw new IOException(stored + ": the copy does not match its source (SHA-256); nothing stored");
        }
        temp.toFile().setReadOnly();
        try {
            Files.move(temp, stored, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException(stored.getParent() + " cannot rename atomically; choose another evidence folder", e);
        } catch (FileAlreadyExistsException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
    }

    private static List<Path> regularFiles(Path dir) throws IOException {
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path p : entries) if (Files.isRegularFile(p)) files.add(p);
        }
        files.sort(Comparator.naturalOrder());
        return files;
    }

    @Override
    public List<StoredFile> list(String unitId, String recordingId) throws IOException {
        Path folder = folder(unitId, recordingId);
        if (!Files.isDirectory(folder)) return List.of();
        List<StoredFile> out = new ArrayList<>();
        for (Path p : regularFiles(folder)) {
            String name = p.getFileName().toString();
            if (!name.endsWith(PARTIAL)) out.add(new StoredFile(name, Files.size(p)));
        }
        return out;
    }

    @Override
    public InputStream open(String unitId, String recordingId, String file, long offset, long length)
            throws IOException {
        if (offset < 0 || length < 0) throw new IllegalArgumentException("negative range " + offset + "+" + length);
        Path p = folder(unitId, recordingId).resolve(ObjectNames.check("file name", file));
        if (!Files.isRegularFile(p)) throw new NoSuchFileException(p.toString());
        FileChannel channel = FileChannel.open(p, StandardOpenOption.READ);
        channel.position(offset);
        InputStream whole = Channels.newInputStream(channel);
        return new BoundedInputStream(whole, length);
    }

    @Override
    public boolean delete(String unitId, String recordingId) throws IOException {
        Path folder = folder(unitId, recordingId);
        if (!Files.isDirectory(folder)) return false;
        try (Stream<Path> files = Files.list(folder)) {
            for (Path p : files.toList()) Files.delete(p);
        }
        Files.delete(folder);
        return true;
    }

    @Override
    public String describe() {
        return "file:" + root;
    }

    @Override
    public void close() {}

    private static void forceDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // Some file systems cannot open a directory for syncing; the files themselves are forced.
        }
    }

    static String sha256(Path file) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) digest.update(buf, 0, n);
        }
        return java.util.HexFormat.of().formatHex(digest.digest());
    }
}
