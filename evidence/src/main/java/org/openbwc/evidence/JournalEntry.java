package org.openbwc.evidence;

import java.time.Instant;
import java.util.List;

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

        /** Whether {@code bytes} are this piece's bytes: the same length and SHA-256. */
        default boolean matches(byte[] bytes) {
            return bytes.length == length() && Sha256.hex(bytes).equals(sha256());
        }
    }

    /** First line: who, what and when, as the device knew it when the recording opened. */
    record Opened(
            String recordingId,
            String unitId,
            String officerId,
            String trigger,
            Instant startedAt,
            String clockSource,
            boolean clockSet,
            Long clockOffsetMillis,
            String softwareVersion)
            implements JournalEntry {}

    /** The init segment at the head of a new segment file (offset 0). */
    record InitWritten(String segment, long offset, long length, String sha256, String chain, Instant wallClock)
            implements MediaPiece {}

    /**
     * A fragment appended to a segment file.
     *
     * @param seq position in the recording, 1, 2, 3 … with no holes (the manifest's firstSeq/lastSeq)
     * @param muxSeq the muxer's own sequence number, kept to show where the stream itself had gaps
     * @param preEvent true for fragments from the pre-event buffer, absent otherwise
     * @param capturedAt when the fragment's last picture was captured (the unit's {@code Fragment.capturedAt()});
     *     absent where not known, as for pre-event fragments
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
            Instant capturedAt)
            implements MediaPiece {
        public FragmentWritten {
            preEvent = Boolean.TRUE.equals(preEvent) ? Boolean.TRUE : null;
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
