package org.openbwc.evidence;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads {@code journal.jsonl} ({@link RecordingLayout#JOURNAL_FILE}) back line by line, from a file or from bytes
 * (an uploaded copy). Each line is one {@link JournalEntry}; a line counts only once its newline is down. Writing is
 * the unit's ({@code EvidenceJournal} in the device module).
 */
public final class JournalReader {

    private JournalReader() {}

    /**
     * One line as read back. {@code entry} is null when the line is not a valid entry ({@code error} says why);
     * {@code start} and {@code end} are byte offsets in the journal, {@code end} after the newline.
     */
    public record Line(int number, long start, long end, boolean complete, JournalEntry entry, String error) {}

    /** Receives lines in order; returns false to stop reading. */
    public interface LineVisitor {
        boolean visit(Line line) throws IOException;
    }

    /**
     * Streams the journal line by line. A last line without its newline is reported with {@code complete=false}
     * (a torn write) and, even if it happens to parse, with no entry: a line counts only once its newline is down.
     */
    public static void read(Path file, LineVisitor visitor) throws IOException {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            read(in, visitor);
        }
    }

    /** As {@link #read(Path, LineVisitor)}, over a journal held in memory. */
    public static void read(byte[] journal, LineVisitor visitor) throws IOException {
        read(new ByteArrayInputStream(journal), visitor);
    }

    /**
     * The journal's media lines, init segments and fragments in journal order: for each, the segment file, the
     * offset and length of its bytes there and their SHA-256, so that the bytes of a segment can be checked as they
     * arrive. Throws IllegalArgumentException naming the first line that is torn or not a valid entry. This only
     * reads the journal; whether it is the manifest's is {@link EvidenceVerifier#checkJournal}'s question.
     */
    public static List<JournalEntry.MediaPiece> mediaPieces(byte[] journal) {
        List<JournalEntry.MediaPiece> pieces = new ArrayList<>();
        try {
            read(journal, line -> {
                if (line.entry() == null) {
                    throw new IllegalArgumentException(
                            RecordingLayout.JOURNAL_FILE + " line " + line.number() + ": " + line.error());
                }
                if (line.entry() instanceof JournalEntry.MediaPiece piece) pieces.add(piece);
                return true;
            });
        } catch (IOException e) {
            throw new UncheckedIOException("reading a journal held in memory", e);
        }
        return List.copyOf(pieces);
    }

    private static void read(InputStream in, LineVisitor visitor) throws IOException {
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
