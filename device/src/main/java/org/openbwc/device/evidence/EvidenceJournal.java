package org.openbwc.device.evidence;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.openbwc.evidence.EvidenceJson;
import org.openbwc.evidence.JournalEntry;

/**
 * Writes {@code journal.jsonl}: one {@link JournalEntry} per line, append-only. Lines are staged in memory by
 * {@link #append} and reach the disk in {@link #sync}, which writes and fsyncs them in one go, so the owner decides
 * when a batch becomes durable (after the segment bytes it describes). Not thread-safe: the writer's thread owns it.
 * Reading it back is {@link org.openbwc.evidence.JournalReader}'s.
 */
final class EvidenceJournal implements AutoCloseable {
    private final FileChannel channel;
    private final ByteArrayOutputStream staged = new ByteArrayOutputStream();

    private EvidenceJournal(FileChannel channel) {
        this.channel = channel;
    }

    static EvidenceJournal openForAppend(Path file) throws IOException {
        return new EvidenceJournal(
                FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND));
    }

    void append(JournalEntry entry) {
        staged.writeBytes(EvidenceJson.journalLine(entry));
    }

    boolean hasStaged() {
        return staged.size() > 0;
    }

    /** Writes the staged lines and forces them to the device. */
    void sync() throws IOException {
        if (staged.size() > 0) {
            ByteBuffer buffer = ByteBuffer.wrap(staged.toByteArray());
            while (buffer.hasRemaining()) channel.write(buffer);
            staged.reset();
        }
        channel.force(false);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
