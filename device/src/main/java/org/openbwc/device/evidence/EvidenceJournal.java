package org.openbwc.device.evidence;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * {@code journal.jsonl}: one {@link JournalEntry} per line, append-only. Lines are staged in memory by
 * {@link #append} and reach the disk in {@link #sync}, which writes and fsyncs them in one go, so the owner decides
 * when a batch becomes durable (after the segment bytes it describes). Not thread-safe: the writer's thread owns it.
 */
final class EvidenceJournal implements AutoCloseable {
    static final String FILE_NAME = "journal.jsonl";

    private final FileChannel channel;
    private final ByteArrayOutputStream staged = new ByteArrayOutputStream();

    private EvidenceJournal(FileChannel channel) {
        this.channel = channel;
    }

    static EvidenceJournal openForAppend(Path file) throws IOException {
        return new EvidenceJournal(
                FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND));
    }

    static byte[] encode(JournalEntry entry) {
        byte[] json = EvidenceJson.journalEntry(entry);
        byte[] line = new byte[json.length + 1];
        System.arraycopy(json, 0, line, 0, json.length);
        line[json.length] = '\n';
        return line;
    }

    void append(JournalEntry entry) {
        staged.writeBytes(encode(entry));
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

    /** One line as read back. {@code entry} is null when the line is not a valid entry ({@code error} says why). */
    record Line(int number, long start, long end, boolean complete, JournalEntry entry, String error) {}

    /** Receives lines in order; returns false to stop reading. */
    interface LineVisitor {
        boolean visit(Line line) throws IOException;
    }

    /**
     * Streams the journal line by line. A last line without its newline is reported with {@code complete=false}
     * (a torn write) and, even if it happens to parse, with no entry: a line counts only once its newline is down.
     */
    static void read(Path file, LineVisitor visitor) throws IOException {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            ByteArrayOutputStream line = new ByteArrayOutputStream(512);
            long position = 0;
            long start = 0;
            int number = 0;
            int b;
            while ((b = in.read()) >= 0) {
                position++;
                if (b != '\n') {
                    line.write(b);
                    continue;
                }
                number++;
                if (!visitor.visit(parse(number, start, position, line.toByteArray()))) return;
                line.reset();
                start = position;
            }
            if (line.size() > 0) {
                visitor.visit(new Line(
                        number + 1,
                        start,
                        position,
                        false,
                        null,
                        "torn last line (" + line.size() + " bytes without a newline)"));
            }
        }
    }

    private static Line parse(int number, long start, long end, byte[] bytes) {
        try {
            if (bytes.length == 0) return new Line(number, start, end, true, null, "empty line");
            return new Line(number, start, end, true, EvidenceJson.readJournalEntry(bytes), null);
        } catch (RuntimeException e) {
            String text = new String(bytes, StandardCharsets.UTF_8);
            String shown = text.length() > 60 ? text.substring(0, 60) + "…" : text;
            return new Line(number, start, end, true, null, "not a valid journal entry: " + shown);
        }
    }
}
