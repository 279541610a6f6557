package org.openbwc.device.offload;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * The store's receipts the unit holds, one small file per offloaded recording in {@code <dataDir>/offload/receipts/},
 * kept outside the recording's own folder (which stays exactly as it was signed). A recording with a receipt is in the
 * agency's store, verified: only such a recording may be deleted to free space.
 */
public final class OffloadReceipts {
    private final Path folder;

    public OffloadReceipts(Path folder) throws IOException {
        this.folder = Files.createDirectories(folder);
    }

    private Path file(String recordingId) {
        return folder.resolve(recordingId + ".receipt");
    }

    public boolean has(String recordingId) {
        return Files.exists(file(recordingId));
    }

    /** Writes the receipt durably (temporary file, forced, renamed) before the caller relies on it. */
    public void write(String recordingId, String receiptJson) throws IOException {
        Path target = file(recordingId);
        Path temp = target.resolveSibling(target.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(
                temp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.wrap(receiptJson.getBytes(StandardCharsets.UTF_8)));
            ch.force(true);
        }
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        try (FileChannel dir = FileChannel.open(folder, StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException e) {
            // Not every file system syncs a directory; the receipt itself is on disk.
        }
    }
}
