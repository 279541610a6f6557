package org.openbwc.device.evidence;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Base64;
import java.util.Map;
import org.openbwc.evidence.EvidenceJson;
import org.openbwc.evidence.RecordingManifest;

/**
 * Signs a manifest with the device key and puts it on disk atomically: a temporary file is written and fsync'd, then
 * renamed to {@code manifest.json} and the directory fsync'd, so after a power cut there is either no manifest (the
 * recording is recovered from its journal) or a complete one, never half of one.
 */
final class ManifestFile {
    static final String FILE_NAME = "manifest.json";

    private ManifestFile() {}

    /** Signs {@code unsigned} (whose signature must be null) and writes it to {@code dir/manifest.json}. */
    static RecordingManifest writeSigned(Path dir, RecordingManifest unsigned, DeviceKey key) throws IOException {
        if (unsigned.signature() != null)
            throw new IllegalArgumentException("manifest of " + unsigned.recordingId() + " is already signed");
        if (!key.publicKeyBase64().equals(unsigned.publicKey())) {
            throw new IllegalArgumentException(
                    "manifest of " + unsigned.recordingId() + " names another public key than the signing key");
        }
        Path target = dir.resolve(FILE_NAME);
        if (Files.exists(target))
            throw new IllegalStateException(target + " already exists; a sealed recording is never rewritten");
        // Canonicalize what a verifier will parse back, not the in-memory record, so both sides take the same path.
        Map<String, Object> tree = EvidenceJson.readTree(EvidenceJson.manifestFile(unsigned));
        String signature = Base64.getEncoder().encodeToString(key.sign(EvidenceJson.canonicalWithoutSignature(tree)));
        RecordingManifest signed = unsigned.withSignature(signature);
        byte[] bytes = EvidenceJson.manifestFile(signed);
        Path tmp = dir.resolve(FILE_NAME + ".tmp");
        try (FileChannel channel = FileChannel.open(
                tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) channel.write(buffer);
            channel.force(true);
        }
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target);
        }
        forceDirectory(dir);
        return signed;
    }

    /**
     * Makes a directory's entries (new files, renames) durable. Linux allows fsync on a directory opened read-only;
     * where the platform refuses, the rename is as durable as the platform makes it and we carry on.
     */
    static void forceDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            org.tinylog.Logger.trace("cannot fsync directory {}: {}", dir, e.toString());
        }
    }
}
