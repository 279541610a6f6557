package org.openbwc.device.evidence;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.openbwc.device.media.Fragment;
import org.openbwc.device.media.InitSegment;
import org.openbwc.evidence.EndReason;
import org.openbwc.evidence.JournalEntry;
import org.openbwc.evidence.JournaledRecording;
import org.openbwc.evidence.RecordingLayout;
import org.openbwc.evidence.RecordingManifest;
import org.openbwc.evidence.Sha256;
import org.openbwc.evidence.encryption.PieceCipher;
import org.tinylog.Logger;

/**
 * One open recording's files, written on the recording's thread: the segment files (cut at the first keyframe after
 * {@code segmentMicros}, or at a new init), a journal line for every init, fragment, gap and marker with its hash
 * chain, and at the end the signed manifest. It keeps the stream continuous on disk: a fragment seen twice is
 * written once, and after a hole in the muxer's sequence numbers it waits for a keyframe and journals the gap.
 * See {@link EvidenceWriter} for the durability rules its {@link #sync()} implements.
 */
final class RecordingFiles {
    private final String id;
    private final Path dir;
    private final EvidenceJournal journal;
    private final JournaledRecording fold = new JournaledRecording();
    private final Instant startedAt;
    private final long segmentMicros;
    private final DeviceKey key;
    private final SegmentChannels channels;
    /** Seals each piece with the recording's data key; null for a plaintext recording. */
    private final PieceCipher cipher;

    // Written on the recording's thread, read by stats().
    private volatile long mediaMicros;
    private volatile long bytesWritten;
    private volatile long fragmentsWritten;
    private volatile long dropped;

    // Owned by the recording's thread.
    private InitSegment init;
    private boolean initChanged;
    private boolean sameInitAgain;
    private Long lastMuxSeq;
    private boolean needKeyframe = true;
    private long pendingDropped;
    private long skippedBeforeStart;
    private long duplicates;
    private String chain;
    private long nextSeq = 1;
    private int segmentIndex;
    private FileChannel segment;
    private String segmentName;
    private MessageDigest segmentDigest;
    private long segmentBytes;
    private long segmentMediaMicros;
    private boolean dataUnsynced;
    private long unsyncedMicros;

    /**
     * Takes over {@code journal}, in which {@code opened} is already the first line; {@code cipher} holds the data key
     * {@code opened} carries wrapped (null for a plaintext recording).
     */
    RecordingFiles(
            String id,
            Path dir,
            EvidenceJournal journal,
            JournalEntry.Opened opened,
            long segmentMicros,
            DeviceKey key,
            SegmentChannels channels,
            PieceCipher cipher) {
        if ((cipher == null) != (opened.encryption() == null))
            throw new IllegalArgumentException(
                    "recording " + id + ": a data key is needed exactly when the open line carries a wrapped one");
        this.cipher = cipher;
        this.id = id;
        this.dir = dir;
        this.journal = journal;
        this.startedAt = opened.startedAt();
        this.segmentMicros = segmentMicros;
        this.key = key;
        this.channels = channels;
        fold.apply(opened);
        chain = fold.chainHead();
    }

    Path dir() {
        return dir;
    }

    long mediaMicros() {
        return mediaMicros;
    }

    long bytesWritten() {
        return bytesWritten;
    }

    long fragmentsWritten() {
        return fragmentsWritten;
    }

    long dropped() {
        return dropped;
    }

    /** Fragments that arrived twice (the pre-event snapshot and the live stream overlap) and were written once. */
    long duplicates() {
        return duplicates;
    }

    /** Media journaled so far. */
    long durationMicros() {
        return fold.durationMicros();
    }

    Instant lastWallClock() {
        return fold.lastWallClock();
    }

    /** Media written since the last {@link #sync()}. */
    long unsyncedMicros() {
        return unsyncedMicros;
    }

    /** The init segment of the pre-event snapshot the recording starts with. */
    void initFromSnapshot(InitSegment snapshotInit) {
        init = snapshotInit;
    }

    void newInit(InitSegment next) {
        if (init == null) {
            init = next;
        } else if (!Arrays.equals(init.bytes(), next.bytes())) {
            init = next;
            restart();
            Logger.info("recording {}: the stream restarted with a new init segment; a new segment starts with it", id);
        } else if (lastMuxSeq != null) {
            // The same init again: a restarted encoder with unchanged settings, or just a repeat. The next
            // fragment's sequence number tells which.
            sameInitAgain = true;
        }
    }

    /** A new stream: it numbers its fragments afresh and its media time starts over, so it needs its own segment. */
    private void restart() {
        initChanged = true;
        needKeyframe = true;
        lastMuxSeq = null;
    }

    /** Writes one fragment; false if it was not written (a repeat, or the stream awaits a keyframe). */
    boolean write(Fragment f, boolean preEvent) throws IOException {
        if (sameInitAgain) {
            sameInitAgain = false;
            if (lastMuxSeq != null && f.sequence() != lastMuxSeq + 1) {
                restart();
                Logger.info(
                        "recording {}: the stream restarted (fragment {} after {}); a new segment starts",
                        id,
                        f.sequence(),
                        lastMuxSeq);
            }
        }
        if (lastMuxSeq != null) {
            if (f.sequence() <= lastMuxSeq) {
                duplicates++;
                Logger.trace("recording {}: fragment {} already written", id, f.sequence());
                return false;
            }
            long hole = f.sequence() - lastMuxSeq - 1;
            if (hole > 0) {
                pendingDropped += hole;
                needKeyframe = true;
            }
        }
        lastMuxSeq = f.sequence();
        if (init == null || (needKeyframe && !f.keyframeStart())) {
            if (fold.fragmentCount() == 0) skippedBeforeStart++;
            else pendingDropped++;
            dropped = fold.droppedFragments() + pendingDropped;
            return false;
        }
        if (needKeyframe) {
            needKeyframe = false;
            if (pendingDropped > 0 && fold.fragmentCount() > 0) {
                journal(new JournalEntry.Gap(
                        nextSeq,
                        pendingDropped,
                        "fragments missing from the stream or dropped by a full writer queue"));
                Logger.warn(
                        "recording {}: {} fragments missing before fragment {}; resumed at a keyframe",
                        id,
                        pendingDropped,
                        nextSeq);
            }
            pendingDropped = 0;
            if (skippedBeforeStart > 0 && fold.fragmentCount() == 0) {
                Logger.debug("recording {}: waited {} fragments for the first keyframe", id, skippedBeforeStart);
            }
        }
        if (segment == null || initChanged || (f.keyframeStart() && segmentMediaMicros >= segmentMicros)) {
            startSegment(f.wallClock());
        }
        byte[] plain = f.bytes();
        long offset = segmentBytes;
        byte[] bytes = sealed(plain, offset);
        append(bytes);
        String sha = Sha256.hex(bytes);
        String plainSha = cipher == null ? null : Sha256.hex(plain);
        chain = Sha256.chainNext(chain, sha, plainSha);
        journal(new JournalEntry.FragmentWritten(
                segmentName,
                offset,
                bytes.length,
                sha,
                chain,
                nextSeq++,
                f.sequence(),
                f.keyframeStart(),
                preEvent,
                f.mediaStartMicros(),
                f.durationMicros(),
                f.wallClock(),
                f.capturedAt(),
                plainSha,
                cipher == null ? null : (long) plain.length));
        segmentMediaMicros += f.durationMicros();
        unsyncedMicros += f.durationMicros();
        mediaMicros = fold.durationMicros();
        fragmentsWritten = fold.fragmentCount();
        dropped = fold.droppedFragments();
        Logger.trace(
                "recording {}: fragment {} -> {} @{} ({} bytes)", id, f.sequence(), segmentName, offset, bytes.length);
        return true;
    }

    private void startSegment(Instant wallClock) throws IOException {
        if (segment != null) sealSegment();
        segmentIndex++;
        segmentName = RecordingLayout.segmentName(segmentIndex);
        segment = channels.create(dir.resolve(segmentName));
        // The file's directory entry must be durable before a journal line names it.
        ManifestFile.forceDirectory(dir);
        segmentDigest = Sha256.newDigest();
        segmentBytes = 0;
        segmentMediaMicros = 0;
        initChanged = false;
        byte[] plain = init.bytes();
        byte[] bytes = sealed(plain, 0);
        append(bytes);
        String sha = Sha256.hex(bytes);
        String plainSha = cipher == null ? null : Sha256.hex(plain);
        chain = Sha256.chainNext(chain, sha, plainSha);
        journal(new JournalEntry.InitWritten(
                segmentName,
                0,
                bytes.length,
                sha,
                chain,
                wallClock,
                plainSha,
                cipher == null ? null : (long) plain.length));
        Logger.debug("recording {}: started {}", id, segmentName);
    }

    /**
     * What goes on disk for a piece at {@code offset} of the open segment: the piece itself, or sealed with the
     * recording's data key and bound to its place (recording, segment, offset) so it cannot be moved unnoticed.
     */
    private byte[] sealed(byte[] plain, long offset) {
        return cipher == null ? plain : cipher.seal(plain, PieceCipher.aad(id, segmentName, offset));
    }

    private void append(byte[] bytes) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) segment.write(buffer);
        segmentDigest.update(bytes);
        segmentBytes += bytes.length;
        bytesWritten += bytes.length;
        dataUnsynced = true;
    }

    private void sealSegment() throws IOException {
        segment.force(false);
        dataUnsynced = false;
        journal(new JournalEntry.SegmentSealed(segmentName, segmentBytes, Sha256.toHex(segmentDigest.digest())));
        segment.close();
        segment = null;
        Logger.debug("recording {}: sealed {} ({} bytes)", id, segmentName, segmentBytes);
    }

    /** Stages a journal line (a marker, a location) and folds it into the manifest to be. */
    void journal(JournalEntry entry) {
        journal.append(entry);
        fold.apply(entry);
    }

    /** Forces the segment's bytes to disk, then writes and forces the journal lines that describe them. */
    void sync() throws IOException {
        if (dataUnsynced && segment != null) segment.force(false);
        dataUnsynced = false;
        if (journal.hasStaged()) journal.sync();
        unsyncedMicros = 0;
    }

    /** Seals the last segment, journals the close, writes the signed manifest and says what was sealed. */
    SealedRecording seal(Instant endedAt, EndReason reason) throws IOException {
        if (segment != null) sealSegment();
        journal(new JournalEntry.Closed(endedAt, reason.wireName(), 0, List.of()));
        journal.sync();
        journal.close();
        RecordingManifest manifest = ManifestFile.writeSigned(dir, fold.manifest(key.publicKeyBase64()), key);
        return new SealedRecording(
                id,
                dir,
                reason,
                startedAt,
                endedAt,
                fold.durationMicros() / 1000,
                fold.fragmentCount(),
                manifest.segments().size(),
                manifest.segments().stream()
                        .mapToLong(RecordingManifest.Segment::bytes)
                        .sum(),
                fold.droppedFragments(),
                fold.chainHead());
    }

    /** Stops writing as a power cut would: what is not synced is left to chance, nothing is sealed. */
    void halt() throws IOException {
        if (segment != null) segment.close();
        journal.close();
    }

    /** Closes the files after a failure, leaving them for {@link EvidenceRecovery}. */
    void closeAfterFailure() {
        try {
            if (segment != null) segment.close();
            journal.close();
        } catch (IOException closing) {
            Logger.debug("recording {}: closing after the failure: {}", id, closing.toString());
        }
    }
}
