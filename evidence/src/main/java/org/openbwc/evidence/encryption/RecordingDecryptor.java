package org.openbwc.evidence.encryption;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import org.openbwc.evidence.JournalEntry;
import org.openbwc.evidence.JournalReader;
import org.openbwc.evidence.RecordingLayout;
import org.openbwc.evidence.Sha256;

/**
 * Opens an encrypted recording with the agency's private key: unwraps the recording's data key (picking, among the
 * keys given, the one whose id the journal names) and yields each segment's plaintext piece by piece, each piece
 * opened with its associated data and checked against its journaled {@code plainSha256} and {@code plainLength}.
 *
 * <p>It only decrypts: whether the journal is the one the manifest was sealed from (signature, chain) is {@link
 * org.openbwc.evidence.EvidenceVerifier}'s question, to ask first. Memory stays bounded: one piece at a time, and a
 * segment's {@link #layout} holds a few numbers per piece, so the gateway can serve byte ranges of a segment's
 * plaintext ({@link SegmentLayout#pieceAt}, {@link #open}). Not thread-safe (one AES-GCM cipher).
 */
public final class RecordingDecryptor {

    /** Reads sealed bytes of a segment file, wherever they are stored (a folder, an object store …). */
    @FunctionalInterface
    public interface SegmentSource {
        /** The {@code length} bytes of {@code segment} from {@code offset}; an IOException if they are not all there. */
        byte[] read(String segment, long offset, int length) throws IOException;
    }

    /**
     * One media piece of a segment, sealed on disk and as plaintext.
     *
     * @param offset where the sealed piece starts in the segment file
     * @param length the sealed piece's length (what is on disk)
     * @param plainOffset where its plaintext starts in the segment's plaintext (init + fragments)
     * @param plainLength its plaintext's length
     * @param plainSha256 SHA-256 (hex) of its plaintext, as journaled (and so covered by the signed chain)
     */
    public record Piece(
            String segment, long offset, long length, long plainOffset, long plainLength, String plainSha256) {
        public Piece {
            Objects.requireNonNull(segment, "segment");
            Objects.requireNonNull(plainSha256, "plainSha256");
        }
    }

    /** A segment's plaintext, piece by piece: the init segment first, then its fragments. */
    public record SegmentLayout(String segment, List<Piece> pieces) {
        public SegmentLayout {
            pieces = List.copyOf(pieces);
        }

        /** The length of the whole plaintext segment. */
        public long plainLength() {
            return pieces.isEmpty()
                    ? 0
                    : pieces.getLast().plainOffset() + pieces.getLast().plainLength();
        }

        /** The index of the piece holding plaintext byte {@code position}; -1 past the end. */
        public int pieceAt(long position) {
            int low = 0;
            int high = pieces.size() - 1;
            while (low <= high) {
                int mid = (low + high) >>> 1;
                Piece p = pieces.get(mid);
                if (position < p.plainOffset()) high = mid - 1;
                else if (position >= p.plainOffset() + p.plainLength()) low = mid + 1;
                else return mid;
            }
            return -1;
        }
    }

    /** Receives a recording's pieces in journal order with their plaintext; returns false to stop. */
    @FunctionalInterface
    public interface PieceVisitor {
        boolean visit(JournalEntry.MediaPiece piece, byte[] plain) throws IOException;
    }

    /** Streams the journal's lines: a file is read again on each pass rather than held (hours of lines are MBs). */
    private interface JournalSource {
        void read(JournalReader.LineVisitor visitor) throws IOException;
    }

    private final String recordingId;
    private final String keyId;
    private final JournalSource journal;
    private final SegmentSource source;
    private final PieceCipher cipher;

    private RecordingDecryptor(
            String recordingId, String keyId, JournalSource journal, SegmentSource source, PieceCipher cipher) {
        this.recordingId = recordingId;
        this.keyId = keyId;
        this.journal = journal;
        this.source = source;
        this.cipher = cipher;
    }

    /**
     * A decryptor for the recording folder {@code recordingDir}, its data key unwrapped with whichever of {@code keys}
     * it was encrypted to.
     *
     * @throws DecryptionException if the recording is not encrypted, none of the keys is the one it names, or the
     *     data key does not open
     */
    public static RecordingDecryptor open(Path recordingDir, List<AgencyKeyPair> keys) throws IOException {
        Path file = recordingDir.resolve(RecordingLayout.JOURNAL_FILE);
        return open(visitor -> JournalReader.read(file, visitor), folder(recordingDir), keys);
    }

    /** As {@link #open(Path, List)}, over a journal held in memory and segment bytes read through {@code source}. */
    public static RecordingDecryptor open(byte[] journal, SegmentSource source, List<AgencyKeyPair> keys) {
        byte[] copy = journal.clone();
        try {
            return open(visitor -> JournalReader.read(copy, visitor), source, keys);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static RecordingDecryptor open(JournalSource journal, SegmentSource source, List<AgencyKeyPair> keys)
            throws IOException {
        Objects.requireNonNull(source, "source");
        JournalEntry.Opened opened = openLine(journal);
        if (opened.encryption() == null)
            throw new DecryptionException("recording " + opened.recordingId() + " is not encrypted");
        WrappedDataKey wrapped = opened.encryption();
        AgencyKeyPair key = pick(opened.recordingId(), wrapped.keyId(), keys);
        byte[] dataKey = key.unwrap(wrapped, opened.recordingId());
        try {
            return new RecordingDecryptor(
                    opened.recordingId(), wrapped.keyId(), journal, source, new PieceCipher(dataKey));
        } finally {
            Arrays.fill(dataKey, (byte) 0);
        }
    }

    /** The agency key a recording's journal says it was encrypted to; null for a plaintext recording. */
    public static String encryptedTo(Path recordingDir) throws IOException {
        Path file = recordingDir.resolve(RecordingLayout.JOURNAL_FILE);
        WrappedDataKey wrapped =
                openLine(visitor -> JournalReader.read(file, visitor)).encryption();
        return wrapped == null ? null : wrapped.keyId();
    }

    /** Reads sealed bytes from the segment files of a recording folder. */
    public static SegmentSource folder(Path recordingDir) {
        return (segment, offset, length) -> {
            try (FileChannel channel = FileChannel.open(recordingDir.resolve(segment), StandardOpenOption.READ)) {
                ByteBuffer buffer = ByteBuffer.allocate(length);
                while (buffer.hasRemaining()) {
                    if (channel.read(buffer, offset + buffer.position()) < 0)
                        throw new IOException(segment + " ends before offset " + (offset + length));
                }
                return buffer.array();
            }
        };
    }

    private static AgencyKeyPair pick(String recordingId, String keyId, List<AgencyKeyPair> keys) {
        for (AgencyKeyPair k : keys) if (k.keyId().equals(keyId)) return k;
        String given = keys.isEmpty()
                ? "no key was given"
                : "the keys given are "
                        + keys.stream().map(AgencyKeyPair::keyId).collect(Collectors.joining(", "));
        throw new DecryptionException(
                "recording " + recordingId + " was encrypted to agency key " + keyId + "; " + given);
    }

    private static JournalEntry.Opened openLine(JournalSource journal) throws IOException {
        JournalEntry.Opened[] found = new JournalEntry.Opened[1];
        journal.read(line -> {
            if (line.entry() instanceof JournalEntry.Opened o) found[0] = o;
            return false;
        });
        if (found[0] == null)
            throw new IllegalArgumentException(RecordingLayout.JOURNAL_FILE + ": the first line is not an open entry");
        return found[0];
    }

    /** The recording's id. */
    public String recordingId() {
        return recordingId;
    }

    /** The agency key the recording was encrypted to. */
    public String keyId() {
        return keyId;
    }

    /** Streams the journal's media lines; a torn or bad line stops it with the line named. */
    private void mediaPieces(PieceLineVisitor visitor) throws IOException {
        journal.read(line -> {
            if (line.entry() == null)
                throw new IOException(RecordingLayout.JOURNAL_FILE + " line " + line.number() + ": " + line.error());
            if (line.entry() instanceof JournalEntry.MediaPiece piece) return visitor.visit(piece);
            return true;
        });
    }

    private interface PieceLineVisitor {
        boolean visit(JournalEntry.MediaPiece piece) throws IOException;
    }

    /** The segment files, in order. */
    public List<String> segments() throws IOException {
        Set<String> names = new LinkedHashSet<>();
        mediaPieces(p -> names.add(p.segment()) || true);
        return List.copyOf(names);
    }

    /** Where each piece of {@code segment} is, sealed and as plaintext; throws if the journal does not name it. */
    public SegmentLayout layout(String segment) throws IOException {
        List<Piece> pieces = new ArrayList<>();
        long[] plainOffset = {0};
        mediaPieces(p -> {
            if (!p.segment().equals(segment)) return true;
            if (!p.encrypted())
                throw new DecryptionException(
                        segment + " offset " + p.offset() + ": the journal line has no plainSha256");
            pieces.add(new Piece(segment, p.offset(), p.length(), plainOffset[0], p.plainLength(), p.plainSha256()));
            plainOffset[0] += p.plainLength();
            return true;
        });
        if (pieces.isEmpty())
            throw new IllegalArgumentException("recording " + recordingId + " has no segment " + segment);
        return new SegmentLayout(segment, pieces);
    }

    /** Reads and opens one piece (see {@link #open(Piece, byte[])}). */
    public byte[] open(Piece piece) throws IOException {
        return open(piece, source.read(piece.segment(), piece.offset(), Math.toIntExact(piece.length())));
    }

    /**
     * Opens one sealed piece and checks its plaintext against the journal.
     *
     * @throws DecryptionException naming the segment and offset if the piece was altered, moved, or does not match
     *     its journaled plaintext hash or length
     */
    public byte[] open(Piece piece, byte[] sealed) {
        String where = "recording " + recordingId + ", " + piece.segment() + " at offset " + piece.offset();
        if (sealed.length != piece.length())
            throw new DecryptionException(where + ": " + sealed.length + " bytes, the journal says " + piece.length());
        byte[] plain;
        try {
            plain = cipher.open(sealed, PieceCipher.aad(recordingId, piece.segment(), piece.offset()));
        } catch (DecryptionException e) {
            throw new DecryptionException(where + ": " + e.getMessage(), e);
        }
        if (plain.length != piece.plainLength())
            throw new DecryptionException(
                    where + ": decrypts to " + plain.length + " bytes, the journal says " + piece.plainLength());
        MessageDigest digest = Sha256.newDigest();
        if (!MessageDigest.isEqual(digest.digest(plain), HexFormat.of().parseHex(piece.plainSha256())))
            throw new DecryptionException(where + ": the plaintext does not match its plainSha256");
        return plain;
    }

    /** Every piece of the recording in journal order, decrypted and checked, one at a time. */
    public void forEachPiece(PieceVisitor visitor) throws IOException {
        mediaPieces(p -> {
            if (!p.encrypted())
                throw new DecryptionException(
                        p.segment() + " offset " + p.offset() + ": the journal line has no plainSha256");
            Piece piece = new Piece(p.segment(), p.offset(), p.length(), -1, p.plainLength(), p.plainSha256());
            return visitor.visit(p, open(piece));
        });
    }

    /** A segment's plaintext (init + fragments) as a stream, read and opened one piece at a time. */
    public InputStream plainSegment(String segment) throws IOException {
        SegmentLayout layout = layout(segment);
        return new InputStream() {
            private int next;
            private byte[] current = new byte[0];
            private int position;

            private boolean fill() throws IOException {
                while (position >= current.length) {
                    if (next >= layout.pieces().size()) return false;
                    current = open(layout.pieces().get(next++));
                    position = 0;
                }
                return true;
            }

            @Override
            public int read() throws IOException {
                return fill() ? current[position++] & 0xff : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                Objects.checkFromIndexSize(off, len, b.length);
                if (len == 0) return 0;
                if (!fill()) return -1;
                int n = Math.min(len, current.length - position);
                System.arraycopy(current, position, b, off, n);
                position += n;
                return n;
            }
        };
    }
}
