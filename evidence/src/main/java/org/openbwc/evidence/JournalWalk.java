package org.openbwc.evidence;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.regex.Pattern;
import org.openbwc.evidence.encryption.PieceCipher;

/**
 * Reads a recording's journal from the top and checks every line against the one before it and against the segment
 * files: the order of segments, the run of fragment numbers, the offsets tiling each file, the chain recomputed from
 * the recording id, and the SHA-256 of the bytes each media line points at. Stops at the first problem and reports
 * it naming the place; what came before it is known good. Shared by {@link EvidenceVerifier} and the unit's
 * recovery ({@code EvidenceRecovery} in the device module). Walked over the journal alone
 * ({@link #journalOnly(byte[])}) it checks everything but the segment bytes.
 */
public final class JournalWalk {

    /** How the walk ended. */
    public enum Stop {
        /** Every line checked out. */
        END,
        /** The last line was torn (no newline) or could not be parsed. */
        BAD_LINE,
        /** A media line points at bytes the file does not (fully) have. */
        DATA_SHORT,
        /** A media line's bytes do not hash to what the line says. */
        DATA_MISMATCH,
        /** The journal contradicts itself (order, chain, offsets, segment entries). */
        INCONSISTENT
    }

    /**
     * The known-good prefix and, unless {@code stop == END}, the first problem.
     *
     * @param goodBytes the journal's length up to the end of the last good line
     * @param lastInitLineStart where the last good {@code init} line starts, -1 if there is none
     */
    public record Outcome(
            JournaledRecording recording,
            long goodBytes,
            int goodLines,
            long lastInitLineStart,
            Stop stop,
            String problem,
            JournalReader.Line problemLine) {
        /** Whether every line checked out. */
        public boolean clean() {
            return stop == Stop.END;
        }
    }

    private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");

    /** The recording folder, or null when only the journal is walked. */
    private final Path dir;

    private final long limitBytes;
    private long lastInitLineStart = -1;
    private final JournaledRecording recording = new JournaledRecording();
    private long goodBytes;
    private int goodLines;
    private Stop stop = Stop.END;
    private String problem;
    private JournalReader.Line problemLine;
    private String chain;
    /** Whether the open line carries a wrapped data key: then every media line must say what its plaintext was. */
    private boolean encrypted;

    private FileChannel segment;
    private MessageDigest segmentDigest;

    private JournalWalk(Path dir, long limitBytes) {
        this.dir = dir;
        this.limitBytes = limitBytes;
    }

    /** Walks the journal of {@code recordingDir}, checking it against the segment files beside it. */
    public static Outcome run(Path recordingDir) throws IOException {
        return run(recordingDir, Long.MAX_VALUE);
    }

    /** Walks only the lines that end within the first {@code limitBytes} of the journal. */
    public static Outcome run(Path recordingDir, long limitBytes) throws IOException {
        JournalWalk walk = new JournalWalk(recordingDir, limitBytes);
        Path journal = recordingDir.resolve(RecordingLayout.JOURNAL_FILE);
        if (!Files.exists(journal)) {
            return new Outcome(
                    walk.recording, 0, 0, -1, Stop.INCONSISTENT, RecordingLayout.JOURNAL_FILE + " missing", null);
        }
        try {
            JournalReader.read(journal, walk::visit);
        } finally {
            if (walk.segment != null) walk.segment.close();
        }
        return walk.outcome();
    }

    /**
     * Walks a journal held in memory without its segment files: order, fragment numbers, offsets, the chain and the
     * segment lines' lengths are checked; the bytes and the segments' SHA-256 are not (they are not here).
     */
    public static Outcome journalOnly(byte[] journal) {
        JournalWalk walk = new JournalWalk(null, Long.MAX_VALUE);
        try {
            JournalReader.read(journal, walk::visit);
        } catch (IOException e) {
            throw new UncheckedIOException("walking a journal held in memory", e);
        }
        return walk.outcome();
    }

    private Outcome outcome() {
        return new Outcome(recording, goodBytes, goodLines, lastInitLineStart, stop, problem, problemLine);
    }

    private boolean visit(JournalReader.Line line) throws IOException {
        if (line.end() > limitBytes) return false;
        String at = RecordingLayout.JOURNAL_FILE + " line " + line.number() + ": ";
        if (line.entry() == null) return fail(line, Stop.BAD_LINE, at + line.error());
        JournalEntry entry = line.entry();
        if (line.number() == 1 && !(entry instanceof JournalEntry.Opened)) {
            return fail(line, Stop.INCONSISTENT, at + "the first line must be the open entry");
        }
        if (recording.closed() != null) return fail(line, Stop.INCONSISTENT, at + "entry after the close entry");
        Failure failure = switch (entry) {
            case JournalEntry.Opened o -> line.number() == 1 ? opened(o) : inconsistent(at + "a second open entry");
            case JournalEntry.InitWritten i -> init(i, at);
            case JournalEntry.FragmentWritten f -> fragment(f, at);
            case JournalEntry.SegmentSealed s -> sealed(s, at, line.number());
            case JournalEntry.Closed c -> closed(at);
            case JournalEntry.MarkerAdded m -> null;
            case JournalEntry.LocationAdded l -> null;
            case JournalEntry.Gap g -> null;
        };
        if (failure != null) return fail(line, failure.stop(), failure.message());
        recording.apply(entry);
        if (entry instanceof JournalEntry.InitWritten) lastInitLineStart = line.start();
        goodBytes = line.end();
        goodLines = line.number();
        return true;
    }

    private record Failure(Stop stop, String message) {}

    private static Failure inconsistent(String message) {
        return new Failure(Stop.INCONSISTENT, message);
    }

    private boolean fail(JournalReader.Line line, Stop kind, String message) {
        stop = kind;
        problem = message;
        problemLine = line;
        return false;
    }

    private Failure opened(JournalEntry.Opened o) {
        if (o.recordingId() == null || o.startedAt() == null)
            return inconsistent("journal.jsonl line 1: open entry without recordingId or startedAt");
        chain = Sha256.chainStart(o.recordingId());
        encrypted = o.encryption() != null;
        return null;
    }

    /**
     * An encrypted recording's media lines carry the plaintext's SHA-256 and length, and a sealed piece is exactly
     * {@link PieceCipher#OVERHEAD} longer than its plaintext; a plaintext recording's lines carry neither.
     */
    private Failure plaintextFields(JournalEntry.MediaPiece piece, String at, String what) {
        if (!encrypted) {
            if (piece.plainSha256() != null || piece.plainLength() != null)
                return inconsistent(at + what + " has plainSha256/plainLength but the recording is not encrypted"
                        + " (the open entry has no encryption)");
            return null;
        }
        if (piece.plainSha256() == null || piece.plainLength() == null)
            return inconsistent(at + what + " lacks plainSha256 or plainLength in an encrypted recording");
        if (!HEX64.matcher(piece.plainSha256()).matches())
            return inconsistent(at + what + ": plainSha256 is not 64 lowercase hex digits");
        if (piece.plainLength() + PieceCipher.OVERHEAD != piece.length())
            return inconsistent(at + what + ": plainLength " + piece.plainLength() + " does not fit a sealed piece of "
                    + piece.length() + " bytes (" + PieceCipher.OVERHEAD + " bytes more)");
        return null;
    }

    private Failure init(JournalEntry.InitWritten i, String at) throws IOException {
        int index = recording.segments().size();
        if (index > 0 && recording.currentSegment().sealed == null) {
            return inconsistent(at + i.segment() + " starts before " + recording.currentSegment().file + " was sealed");
        }
        String expected = RecordingLayout.segmentName(index + 1);
        if (!expected.equals(i.segment())) {
            return inconsistent(
                    "segments out of order: the journal starts " + i.segment() + " where " + expected + " belongs");
        }
        if (i.offset() != 0)
            return inconsistent(at + "init segment of " + i.segment() + " at offset " + i.offset() + ", expected 0");
        Failure plain = plaintextFields(i, at, "the init segment of " + i.segment());
        if (plain != null) return plain;
        String next = Sha256.chainNext(chain, i.sha256(), i.plainSha256());
        if (!next.equals(i.chain())) return inconsistent(at + "chain mismatch at the init segment of " + i.segment());
        if (dir == null) {
            chain = next;
            return null;
        }
        if (segment != null) segment.close();
        Path file = dir.resolve(i.segment());
        try {
            segment = FileChannel.open(file, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            segment = null;
            return new Failure(Stop.DATA_SHORT, i.segment() + " missing");
        }
        segmentDigest = Sha256.newDigest();
        Failure bad = checkBytes(i, "the init segment");
        if (bad != null) return bad;
        chain = next;
        return null;
    }

    private Failure fragment(JournalEntry.FragmentWritten f, String at) throws IOException {
        if (recording.segments().isEmpty()
                || recording.currentSegment().sealed != null
                || (dir != null && segment == null)) {
            return inconsistent(at + "fragment " + f.seq() + " outside an open segment");
        }
        long last = recording.lastSeq();
        if (f.seq() > last + 1) {
            String missing =
                    f.seq() == last + 2 ? "fragment " + (last + 1) : "fragments " + (last + 1) + ".." + (f.seq() - 1);
            return inconsistent(at + missing + " missing (fragment " + f.seq() + " follows fragment " + last + ")");
        }
        if (f.seq() != last + 1)
            return inconsistent(at + "fragment " + f.seq() + " repeats or goes back after fragment " + last);
        JournaledRecording.SegmentState current = recording.currentSegment();
        if (!current.file.equals(f.segment())) {
            return inconsistent(
                    at + "fragment " + f.seq() + " names " + f.segment() + " but " + current.file + " is open");
        }
        if (f.offset() != current.end) {
            return inconsistent(at + "fragment " + f.seq() + " at offset " + f.offset() + ", expected " + current.end);
        }
        Failure plain = plaintextFields(f, at, "fragment " + f.seq());
        if (plain != null) return plain;
        String next = Sha256.chainNext(chain, f.sha256(), f.plainSha256());
        if (!next.equals(f.chain())) return inconsistent(at + "chain mismatch at fragment " + f.seq());
        Failure bad = checkBytes(f, "fragment " + f.seq());
        if (bad != null) return bad;
        chain = next;
        return null;
    }

    private Failure checkBytes(JournalEntry.MediaPiece piece, String what) throws IOException {
        if (dir == null) return null;
        long size = segment.size();
        if (piece.offset() + piece.length() > size) {
            return new Failure(
                    Stop.DATA_SHORT,
                    piece.segment() + ": " + what + " (offset " + piece.offset() + ", " + piece.length()
                            + " bytes) lies past the end of the file (" + size + " bytes)");
        }
        if (piece.length() > Integer.MAX_VALUE - 16)
            return inconsistent(piece.segment() + ": " + what + " is too large");
        ByteBuffer buffer = ByteBuffer.allocate((int) piece.length());
        long position = piece.offset();
        while (buffer.hasRemaining()) {
            int n = segment.read(buffer, position);
            if (n < 0) break;
            position += n;
        }
        byte[] bytes = buffer.array();
        String sha = Sha256.hex(bytes);
        if (!sha.equals(piece.sha256())) {
            String where = piece instanceof JournalEntry.FragmentWritten f
                    ? "at fragment " + f.seq() + " (offset " + f.offset() + ")"
                    : "in the init segment (offset 0)";
            return new Failure(Stop.DATA_MISMATCH, piece.segment() + ": sha256 mismatch " + where);
        }
        segmentDigest.update(bytes);
        return null;
    }

    private Failure sealed(JournalEntry.SegmentSealed s, String at, int lineNumber) throws IOException {
        if (recording.segments().isEmpty()
                || recording.currentSegment().sealed != null
                || (dir != null && segment == null)) {
            return inconsistent(at + "segment entry for " + s.segment() + " outside an open segment");
        }
        JournaledRecording.SegmentState current = recording.currentSegment();
        if (!current.file.equals(s.segment()))
            return inconsistent(at + "seals " + s.segment() + " but " + current.file + " is open");
        if (current.fragments == 0) return inconsistent(at + current.file + " sealed without a fragment");
        if (s.length() != current.end) {
            return inconsistent(
                    at + s.segment() + " sealed at " + s.length() + " bytes but its fragments end at " + current.end);
        }
        if (dir == null) return null;
        long size = segment.size();
        if (size > s.length())
            return inconsistent(s.segment() + ": " + (size - s.length()) + " unexpected bytes after the end");
        String sha = HexFormat.of().formatHex(segmentDigest.digest());
        if (!sha.equals(s.sha256())) {
            return inconsistent(s.segment() + ": sha256 of the file does not match " + RecordingLayout.JOURNAL_FILE
                    + " line " + lineNumber);
        }
        return null;
    }

    private Failure closed(String at) {
        if (!recording.segments().isEmpty() && recording.currentSegment().sealed == null) {
            return inconsistent(at + "closed while " + recording.currentSegment().file + " is not sealed");
        }
        return null;
    }
}
