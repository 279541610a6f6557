package org.openbwc.evidence;

import java.time.Instant;
import java.util.List;
import org.openbwc.evidence.encryption.WrappedDataKey;

/**
 * One line of {@code journal.jsonl}: a JSON object whose {@code type} names what happened. Media lines ({@code init},
 * {@code fragment}) locate bytes in a segment file and carry their SHA-256 and the chain hash (see {@link Sha256});
 * the other lines carry what the manifest needs, so a recording can be sealed from its journal alone.
 */
public sealed interface JournalEntry {

    /**
     * Bytes of a segment file that the chain covers: the file, where the bytes are in it and their SHA-256 (hex).
     */
    sealed interface MediaPiece extends JournalEntry permits InitWritten, FragmentWritten {
        String segment();

        long offset();

        long length();

        String sha256();

        String chain();

        /** SHA-256 (hex) of the piece before it was sealed, in an encrypted recording; null in a plaintext one. */
        String plainSha256();

        /** Length of the piece before it was sealed, in an encrypted recording; null in a plaintext one. */
        Long plainLength();

        /** Whether the bytes on disk are sealed ({@link org.openbwc.evidence.encryption.PieceCipher}). */
        default boolean encrypted() {
            return plainSha256() != null;
        }

        /** Whether {@code bytes} are this piece's bytes: the same length and SHA-256. */
        default boolean matches(byte[] bytes) {
            return bytes.length == length() && Sha256.hex(bytes).equals(sha256());
        }
    }

    /**
     * First line: who, what and when, as the device knew it when the recording opened.
     *
     * @param encryption the recording's data key wrapped to the agency key; present means every media piece is
     *     sealed on disk, absent (null) means a plaintext recording
     */
    record Opened(
            String recordingId,
            String unitId,
            String officerId,
            String trigger,
            Instant startedAt,
            String clockSource,
            boolean clockSet,
            Long clockOffsetMillis,
            String softwareVersion,
            WrappedDataKey encryption)
            implements JournalEntry {

        /** The open line of a plaintext recording. */
        public Opened(
                String recordingId,
                String unitId,
                String officerId,
                String trigger,
                Instant startedAt,
                String clockSource,
                boolean clockSet,
                Long clockOffsetMillis,
                String softwareVersion) {
            this(
                    recordingId,
                    unitId,
                    officerId,
                    trigger,
                    startedAt,
                    clockSource,
                    clockSet,
                    clockOffsetMillis,
                    softwareVersion,
                    null);
        }
    }

    /**
     * The init segment at the head of a new segment file (offset 0). {@code length} and {@code sha256} are of the bytes
     * on disk; {@code plainSha256} and {@code plainLength} of the plaintext, in an encrypted recording only.
     */
    record InitWritten(
            String segment,
            long offset,
            long length,
            String sha256,
            String chain,
            Instant wallClock,
            String plainSha256,
            Long plainLength)
            implements MediaPiece {

        /** The init line of a plaintext recording. */
        public InitWritten(String segment, long offset, long length, String sha256, String chain, Instant wallClock) {
            this(segment, offset, length, sha256, chain, wallClock, null, null);
        }
    }

    /**
     * A fragment appended to a segment file.
     *
     * @param seq position in the recording, 1, 2, 3 … with no holes (the manifest's firstSeq/lastSeq)
     * @param muxSeq the muxer's own sequence number, kept to show where the stream itself had gaps
     * @param preEvent true for fragments from the pre-event buffer, absent otherwise
     * @param capturedAt when the fragment's last picture was captured (the unit's {@code Fragment.capturedAt()});
     *     absent where not known, as for pre-event fragments
     * @param plainSha256 SHA-256 (hex) of the fragment before it was sealed, in an encrypted recording only
     *     ({@code length} and {@code sha256} are always of the bytes on disk)
     * @param plainLength the fragment's length before it was sealed, in an encrypted recording only
     */
    record FragmentWritten(
            String segment,
            long offset,
            long length,
            String sha256,
            String chain,
            long seq,
            long muxSeq,
            boolean keyframe,
            Boolean preEvent,
            long mediaStartMicros,
            long durationMicros,
            Instant wallClock,
            Instant capturedAt,
            String plainSha256,
            Long plainLength)
            implements MediaPiece {
        public FragmentWritten {
            preEvent = Boolean.TRUE.equals(preEvent) ? Boolean.TRUE : null;
        }

        /** A fragment line of a plaintext recording. */
        public FragmentWritten(
                String segment,
                long offset,
                long length,
                String sha256,
                String chain,
                long seq,
                long muxSeq,
                boolean keyframe,
                Boolean preEvent,
                long mediaStartMicros,
                long durationMicros,
                Instant wallClock,
                Instant capturedAt) {
            this(
                    segment,
                    offset,
                    length,
                    sha256,
                    chain,
                    seq,
                    muxSeq,
                    keyframe,
                    preEvent,
                    mediaStartMicros,
                    durationMicros,
                    wallClock,
                    capturedAt,
                    null,
                    null);
        }

        /** A line from before capture times were journaled. */
        FragmentWritten(
                String segment,
                long offset,
                long length,
                String sha256,
                String chain,
                long seq,
                long muxSeq,
                boolean keyframe,
                Boolean preEvent,
                long mediaStartMicros,
                long durationMicros,
                Instant wallClock) {
            this(
                    segment,
                    offset,
                    length,
                    sha256,
                    chain,
                    seq,
                    muxSeq,
                    keyframe,
                    preEvent,
                    mediaStartMicros,
                    durationMicros,
                    wallClock,
                    null);
        }

        /** Whether the fragment came from the pre-event buffer. */
        public boolean fromPreEvent() {
            return preEvent != null;
        }
    }

    /** A segment file is complete: its final size and the SHA-256 of the whole file. */
    record SegmentSealed(String segment, long length, String sha256) implements JournalEntry {}

    /** A marker the officer set. */
    record MarkerAdded(Instant at, String label) implements JournalEntry {}

    /** A GNSS fix. */
    record LocationAdded(Instant at, double lat, double lon, Double accuracyMeters) implements JournalEntry {}

    /**
     * Fragments of the stream that are not in the recording (the queue overflowed or the stream skipped), written
     * just before fragment {@code seq}, the keyframe the recording resumed at.
     */
    record Gap(long seq, long droppedFragments, String reason) implements JournalEntry {}

    /** Last line: the recording is complete and can be sealed. Recovery also records what it had to cut. */
    record Closed(Instant endedAt, String reason, long bytesTruncated, List<RecordingManifest.TornTail> torn)
            implements JournalEntry {
        public Closed {
            torn = torn == null ? List.of() : List.copyOf(torn);
        }
    }
}
