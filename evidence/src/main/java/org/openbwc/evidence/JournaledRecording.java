package org.openbwc.evidence;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A recording as its journal describes it, folded line by line. The writer feeds it as it journals, recovery and
 * the verifier as they read, so all three derive the manifest the same way. Keeps aggregates only (not one object
 * per fragment), so hours of recording cost a few kilobytes. Not thread-safe.
 */
public final class JournaledRecording {

    /** What the journal says about one segment file so far. */
    public static final class SegmentState {
        final String file;
        long end;
        long firstSeq = -1;
        long lastSeq = -1;
        long mediaStartMicros;
        long durationMicros;
        long fragments;
        JournalEntry.SegmentSealed sealed;

        SegmentState(String file) {
            this.file = file;
        }

        /** The segment's file name. */
        public String file() {
            return file;
        }

        /** Where its last journaled piece ends: the file's length as the journal knows it. */
        public long end() {
            return end;
        }

        /** How many fragments it holds (after its init segment). */
        public long fragments() {
            return fragments;
        }

        /** Its {@code segment} line, or null while it is open. */
        public JournalEntry.SegmentSealed sealed() {
            return sealed;
        }
    }

    /** An empty recording; the first entry to {@link #apply} is its {@code open} line. */
    public JournaledRecording() {}

    private JournalEntry.Opened opened;
    private final List<SegmentState> segments = new ArrayList<>();
    private final List<RecordingManifest.Marker> markers = new ArrayList<>();
    private final List<RecordingManifest.TrackPoint> track = new ArrayList<>();
    private String chainHead;
    private long fragmentCount;
    private long lastSeq;
    private long durationMicros;
    private long preEventMicros;
    private long droppedFragments;
    private Instant lastWallClock;
    private JournalEntry.Closed closed;

    /** Folds in the next journal line. */
    public void apply(JournalEntry entry) {
        switch (entry) {
            case JournalEntry.Opened o -> {
                opened = o;
                chainHead = Sha256.chainStart(o.recordingId());
            }
            case JournalEntry.InitWritten i -> {
                SegmentState s = new SegmentState(i.segment());
                s.end = i.offset() + i.length();
                segments.add(s);
                chainHead = i.chain();
            }
            case JournalEntry.FragmentWritten f -> {
                SegmentState s = currentSegment();
                if (s.fragments == 0) {
                    s.firstSeq = f.seq();
                    s.mediaStartMicros = f.mediaStartMicros();
                }
                s.lastSeq = f.seq();
                s.fragments++;
                s.durationMicros += f.durationMicros();
                s.end = f.offset() + f.length();
                chainHead = f.chain();
                fragmentCount++;
                lastSeq = f.seq();
                durationMicros += f.durationMicros();
                if (f.fromPreEvent()) preEventMicros += f.durationMicros();
                lastWallClock = f.wallClock();
            }
            case JournalEntry.SegmentSealed s -> currentSegment().sealed = s;
            case JournalEntry.MarkerAdded m -> markers.add(new RecordingManifest.Marker(m.at(), m.label()));
            case JournalEntry.LocationAdded l ->
                track.add(new RecordingManifest.TrackPoint(l.at(), l.lat(), l.lon(), l.accuracyMeters()));
            case JournalEntry.Gap g -> droppedFragments += g.droppedFragments();
            case JournalEntry.Closed c -> closed = c;
        }
    }

    /** The open line, or null before it. */
    public JournalEntry.Opened opened() {
        return opened;
    }

    /** The close line, or null while the recording is open. */
    public JournalEntry.Closed closed() {
        return closed;
    }

    /** The segments so far, in order (live view). */
    public List<SegmentState> segments() {
        return segments;
    }

    /** The last segment started; throws IllegalStateException if there is none. */
    public SegmentState currentSegment() {
        if (segments.isEmpty()) throw new IllegalStateException("no segment has been started");
        return segments.getLast();
    }

    /** The chain value after the last media piece (hex); {@code chain_0} after the open line. */
    public String chainHead() {
        return chainHead;
    }

    /** Fragments journaled. */
    public long fragmentCount() {
        return fragmentCount;
    }

    /** The last fragment's {@code seq}, 0 before the first. */
    public long lastSeq() {
        return lastSeq;
    }

    /** Media time of all fragments journaled. */
    public long durationMicros() {
        return durationMicros;
    }

    /** Fragments the {@code gap} lines say are missing. */
    public long droppedFragments() {
        return droppedFragments;
    }

    /** Wall clock of the last fragment, or the start time if there is none. */
    public Instant lastWallClock() {
        return lastWallClock != null ? lastWallClock : opened.startedAt();
    }

    /** The manifest this journal seals to, unsigned; requires the open and close lines and every segment sealed. */
    public RecordingManifest manifest(String publicKeyBase64) {
        if (opened == null) throw new IllegalStateException("the journal has no open entry");
        if (closed == null) throw new IllegalStateException("the journal has no close entry");
        List<RecordingManifest.Segment> listed = new ArrayList<>();
        for (SegmentState s : segments) {
            if (s.sealed == null) throw new IllegalStateException("segment " + s.file + " has no segment entry");
            listed.add(new RecordingManifest.Segment(
                    s.file,
                    s.sealed.length(),
                    s.sealed.sha256(),
                    s.firstSeq,
                    s.lastSeq,
                    s.mediaStartMicros,
                    s.durationMicros));
        }
        return new RecordingManifest(
                RecordingManifest.FORMAT_VERSION,
                opened.recordingId(),
                opened.unitId(),
                opened.officerId(),
                opened.trigger(),
                opened.startedAt(),
                closed.endedAt(),
                closed.reason(),
                opened.clockSource(),
                opened.clockSet(),
                opened.clockOffsetMillis(),
                preEventMicros / 1_000_000.0,
                durationMicros,
                durationMicros / 1_000_000.0,
                markers,
                track,
                listed,
                chainHead,
                fragmentCount,
                droppedFragments,
                EndReason.RECOVERED.wireName().equals(closed.reason()),
                closed.bytesTruncated(),
                closed.torn(),
                opened.softwareVersion(),
                opened.encryption(),
                publicKeyBase64,
                null);
    }
}
