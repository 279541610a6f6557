package org.openbwc.device.evidence;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.openbwc.device.media.Fragment;
import org.openbwc.device.media.FragmentSink;
import org.openbwc.device.media.InitSegment;
import org.openbwc.evidence.EndReason;
import org.openbwc.evidence.JournalEntry;
import org.openbwc.evidence.RecordingLayout;
import org.openbwc.evidence.Sha256;
import org.openbwc.evidence.encryption.AgencyPublicKey;
import org.openbwc.evidence.encryption.PieceCipher;
import org.openbwc.evidence.encryption.WrappedDataKey;
import org.tinylog.Logger;

/**
 * Turns the fragment stream into evidence: {@code <root>/<recordingId>/seg-000001.mp4 …}, {@code journal.jsonl}
 * and, when the recording is closed, a signed {@code manifest.json}.
 *
 * <p><b>Files.</b> Each segment file is the init segment followed by fragments, the first a keyframe fragment, and
 * is only ever appended to, so it is a playable MP4 at every fragment boundary. A new segment starts at the first
 * keyframe fragment after {@code segmentMillis} of media (or when the stream restarts with a new init); the
 * recording is sealed by itself after {@code maxRecordingMillis} of media ({@link EndReason#MAX_DURATION}, reported
 * to {@code onSealed}). Every init and fragment gets a journal line with its offset, length, SHA-256 and chain hash
 * (see {@link JournalEntry} and {@link Sha256}).
 *
 * <p><b>Threads.</b> {@link #onInit}/{@link #onFragment} only put the fragment on this recording's queue and return;
 * the recording's own thread writes (see {@link OpenRecording}, and {@link RecordingFiles} for the files). The queue is bounded ({@code queueFragments}, {@code queueBytes}); when it is
 * full the fragment is dropped, counted and logged once, and the muxer is never blocked. The writer notices the hole
 * in the muxer's sequence numbers, skips to the next keyframe fragment (what follows a hole cannot be decoded) and
 * journals a {@code gap} line, so a loss is always on the record. {@link #open} and {@link #close} are for one
 * controlling thread; {@code close} blocks until the queue is written and the manifest is on disk.
 *
 * <p><b>Durability.</b> For each fragment the bytes are appended to the segment, then the journal line is staged.
 * A sync forces the segment file first and only then writes and forces the staged journal lines, so a journal line
 * never reaches the disk before the bytes it describes. The writer syncs whenever its queue is empty (the normal
 * case: every fragment, ~200 ms) and, when it is catching up, at least every {@code syncEveryMillis} of media
 * (default 200). Worst case on a power cut, with the disk keeping up: the fragment being written (≤ one fragment,
 * ~200 ms) plus the one the muxer is still cutting, i.e. ≤ ~0.4 s; recovery cuts a torn tail back to the last
 * journaled fragment. Only if the disk falls behind can more be lost: the queued fragments on top (bounded by the
 * queue caps). New files and the manifest rename are made durable by fsyncing their directory.
 *
 * <p><b>Encryption.</b> With an agency key ({@link Builder#agencyKey}, asked for when each recording opens, so a new
 * key applies from the next recording on) every recording gets a fresh random data key, wrapped to the agency key in
 * its journal's {@code open} line, and each init segment and fragment, pre-event ones included, is sealed with it
 * (AES-256-GCM) before it is appended; the journal's hashes and offsets are of the sealed bytes, so durability and
 * recovery work as above. The data key is only ever in memory and is dropped when the recording ends: the unit
 * cannot read what it recorded. Without a key recordings are plaintext, as before.
 *
 * <p><b>Pre-event race.</b> {@link #open(RecordingRequest, PreEventBuffer)} is race-free: it starts accepting live
 * fragments first and takes the buffer's snapshot after, and fragments that arrive both ways are written once
 * (deduplicated by sequence). This needs the muxer to hand each fragment to the buffer before the writer.
 */
public final class EvidenceWriter implements FragmentSink, AutoCloseable {

    private final Path evidenceRoot;
    private final DeviceKey key;
    private final String softwareVersion;
    private final long segmentMicros;
    private final long maxRecordingMicros;
    private final int queueFragments;
    private final long queueBytes;
    private final long syncEveryMicros;
    private final Consumer<SealedRecording> onSealed;
    private final Consumer<FailedRecording> onFailed;
    private final SegmentChannels segmentChannels;
    private final Supplier<Optional<AgencyPublicKey>> agencyKey;
    private final AtomicReference<OpenRecording> current = new AtomicReference<>();
    private final Object control = new Object();

    private EvidenceWriter(Builder b) {
        this.evidenceRoot = b.evidenceRoot;
        this.key = b.key;
        this.softwareVersion = b.softwareVersion;
        this.segmentMicros = b.segmentMillis * 1000;
        this.maxRecordingMicros = b.maxRecordingMillis * 1000;
        this.queueFragments = b.queueFragments;
        this.queueBytes = b.queueBytes;
        this.syncEveryMicros = b.syncEveryMillis * 1000;
        this.onSealed = b.onSealed;
        this.onFailed = b.onFailed;
        this.segmentChannels = b.segmentChannels;
        this.agencyKey = b.agencyKey;
        try {
            Files.createDirectories(evidenceRoot);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the evidence directory " + evidenceRoot, e);
        }
    }

    /** A writer for recordings under {@code evidenceRoot}, signed with {@code key}. */
    public static Builder builder(Path evidenceRoot, DeviceKey key) {
        return new Builder(evidenceRoot, key);
    }

    /**
     * Starts a recording with the request's pre-event snapshot (if any) at its head.
     *
     * @throws IllegalStateException if a recording is open or the recording's directory already exists
     */
    public void open(RecordingRequest request) throws IOException {
        synchronized (control) {
            OpenRecording recording = create(request);
            PreEventSnapshot snapshot = request.preEvent();
            if (snapshot != null) recording.offerSnapshotFirst(snapshot);
            current.set(recording);
            recording.start(snapshot);
        }
    }

    /**
     * Starts a recording with what {@code buffer} holds at its head, without losing a fragment that arrives while
     * the recording opens (see the class comment). {@code request.preEvent()} must be null.
     */
    public void open(RecordingRequest request, PreEventBuffer buffer) throws IOException {
        Objects.requireNonNull(buffer, "buffer");
        if (request.preEvent() != null) {
            throw new IllegalArgumentException(
                    "recording " + request.recordingId() + ": pass either a snapshot or a buffer, not both");
        }
        synchronized (control) {
            OpenRecording recording = create(request);
            recording.scratch(buffer);
            current.set(recording);
            PreEventSnapshot snapshot = buffer.snapshot();
            recording.offerSnapshotFirst(snapshot);
            recording.start(snapshot);
        }
    }

    private OpenRecording create(RecordingRequest request) throws IOException {
        OpenRecording open = current.get();
        if (open != null) {
            throw new IllegalStateException(
                    "cannot open " + request.recordingId() + ": recording " + open.id() + " is still open");
        }
        Path dir = evidenceRoot.resolve(request.recordingId());
        if (Files.exists(dir)) {
            throw new IllegalStateException("cannot open " + request.recordingId() + ": " + dir + " already exists");
        }
        Files.createDirectory(dir);
        ManifestFile.forceDirectory(evidenceRoot);
        AgencyPublicKey agency = agencyKey.get().orElse(null);
        byte[] dataKey = agency == null ? null : PieceCipher.newKey();
        PieceCipher cipher = dataKey == null ? null : new PieceCipher(dataKey);
        WrappedDataKey wrapped = dataKey == null ? null : agency.wrap(dataKey, request.recordingId());
        // the cipher holds its own copy; the unit must not keep one it could be made to give up
        if (dataKey != null) java.util.Arrays.fill(dataKey, (byte) 0);
        EvidenceJournal journal = EvidenceJournal.openForAppend(dir.resolve(RecordingLayout.JOURNAL_FILE));
        JournalEntry.Opened opened = new JournalEntry.Opened(
                request.recordingId(),
                request.unitId(),
                request.officerId(),
                request.trigger(),
                request.startedAt(),
                request.clockSource(),
                request.clockSet(),
                request.clockOffsetMillis(),
                softwareVersion,
                wrapped);
        journal.append(opened);
        journal.sync();
        ManifestFile.forceDirectory(dir);
        RecordingFiles files = new RecordingFiles(
                request.recordingId(), dir, journal, opened, segmentMicros, key, segmentChannels, cipher);
        return new OpenRecording(
                request.recordingId(),
                files,
                queueFragments,
                queueBytes,
                syncEveryMicros,
                maxRecordingMicros,
                onSealed,
                onFailed,
                ended -> current.compareAndSet(ended, null),
                key);
    }

    /** True while a recording is open. */
    public boolean isRecording() {
        return current.get() != null;
    }

    /** Seals the open recording as {@link EndReason#STOPPED}; see {@link #close(Instant, EndReason)}. */
    public Optional<SealedRecording> close(Instant endedAt) {
        return close(endedAt, EndReason.STOPPED);
    }

    /**
     * Stops taking fragments, writes the ones queued, seals the last segment and writes the signed manifest.
     * Blocks until that is done and {@code onSealed} has been told. Empty if no recording was open (e.g. it already
     * sealed itself at the maximum length; {@code onSealed} reported that one), or if writing it failed ({@code
     * onFailed} reported that one, sealed or not, after a failed write).
     *
     * @throws UncheckedIOException if the recording could not be sealed for another reason; it is then left for
     *     {@link EvidenceRecovery}
     */
    public Optional<SealedRecording> close(Instant endedAt, EndReason reason) {
        Objects.requireNonNull(reason, "reason");
        if (reason == EndReason.RECOVERED || reason == EndReason.STORAGE_FULL || reason == EndReason.WRITE_FAILED)
            throw new IllegalArgumentException("only recovery seals as " + reason);
        OpenRecording recording;
        synchronized (control) {
            recording = current.getAndSet(null);
            if (recording == null) return Optional.empty();
            recording.requestClose(endedAt, reason);
        }
        try {
            return Optional.of(recording.sealed().join());
        } catch (CompletionException e) {
            // Writing failed while the close waited: the writer logged it, sealed what it could and told onFailed.
            Throwable cause = e.getCause();
            if (cause instanceof IOException && recording.failure() != null) return Optional.empty();
            if (cause instanceof IOException io)
                throw new UncheckedIOException("recording " + recording.id() + " could not be sealed", io);
            if (cause instanceof RuntimeException r) throw r;
            throw e;
        }
    }

    /** Seals an open recording as {@link EndReason#SHUTDOWN}, ended at its last fragment's wall clock. */
    @Override
    public void close() {
        close(null, EndReason.SHUTDOWN);
    }

    /**
     * Stops the open recording as a power cut would: queued fragments and journal lines not yet synced are dropped,
     * nothing is sealed, and the recording is left for {@link EvidenceRecovery}. For emulating a pulled battery;
     * returns once the recording's thread has stopped touching its files.
     */
    public void halt() {
        OpenRecording recording;
        synchronized (control) {
            recording = current.getAndSet(null);
            if (recording == null) return;
            recording.requestHalt();
        }
        try {
            recording.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Logger.info("recording {} halted without sealing (emulated power loss)", recording.id());
    }

    /** Journals a marker in the open recording; false if none is open. */
    public boolean addMarker(Instant at, String label) {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(label, "label");
        OpenRecording recording = current.get();
        return recording != null && recording.offerEntry(new JournalEntry.MarkerAdded(at, label));
    }

    /** Journals a GNSS fix in the open recording's track; false if none is open. */
    public boolean addLocation(double lat, double lon, Double accuracyMeters, Instant at) {
        if (!(lat >= -90 && lat <= 90))
            throw new IllegalArgumentException("latitude " + lat + " is out of range -90..90");
        if (!(lon >= -180 && lon <= 180))
            throw new IllegalArgumentException("longitude " + lon + " is out of range -180..180");
        if (accuracyMeters != null && !(accuracyMeters >= 0)) {
            throw new IllegalArgumentException("accuracyMeters " + accuracyMeters + " must be >= 0");
        }
        Objects.requireNonNull(at, "at");
        OpenRecording recording = current.get();
        return recording != null && recording.offerEntry(new JournalEntry.LocationAdded(at, lat, lon, accuracyMeters));
    }

    @Override
    public void onInit(InitSegment init) {
        OpenRecording recording = current.get();
        if (recording != null) recording.offerInit(init);
    }

    @Override
    public void onFragment(Fragment fragment) {
        OpenRecording recording = current.get();
        if (recording != null) recording.offer(fragment);
    }

    /** The open recording (if any) and the evidence file system, for the unit status. */
    public WriterStats stats() {
        long free = -1;
        long total = -1;
        try {
            FileStore store = Files.getFileStore(evidenceRoot);
            free = store.getUsableSpace();
            total = store.getTotalSpace();
        } catch (IOException e) {
            Logger.debug("cannot read the evidence file system's space: {}", e.toString());
        }
        OpenRecording r = current.get();
        if (r == null) return new WriterStats(null, 0, 0, 0, 0, 0, 0, free, total);
        return r.stats(free, total);
    }

    public Path evidenceRoot() {
        return evidenceRoot;
    }

    /** Settings of an {@link EvidenceWriter}; every one has a default. */
    public static final class Builder {
        private final Path evidenceRoot;
        private final DeviceKey key;
        private String softwareVersion = "unknown";
        private long segmentMillis = 5 * 60_000L;
        private long maxRecordingMillis = 8 * 3_600_000L;
        private int queueFragments = 300;
        private long queueBytes = 12L << 20;
        private long syncEveryMillis = 200;
        private Consumer<SealedRecording> onSealed = r -> {};
        private Consumer<FailedRecording> onFailed = r -> {};
        private SegmentChannels segmentChannels = SegmentChannels.DEFAULT;
        private Supplier<Optional<AgencyPublicKey>> agencyKey = Optional::empty;

        private Builder(Path evidenceRoot, DeviceKey key) {
            this.evidenceRoot = Objects.requireNonNull(evidenceRoot, "evidenceRoot");
            this.key = Objects.requireNonNull(key, "key");
        }

        /** Written into every manifest (e.g. the firmware version). */
        public Builder softwareVersion(String version) {
            this.softwareVersion = Objects.requireNonNull(version, "softwareVersion");
            return this;
        }

        /** Media per segment file, 1..60 minutes (default 5). */
        public Builder segmentMinutes(int minutes) {
            if (minutes < 1 || minutes > 60)
                throw new IllegalArgumentException("segmentMinutes " + minutes + " is out of range 1..60");
            return segmentMillis(minutes * 60_000L);
        }

        /** Media per segment file in milliseconds, for tests and fine tuning (at least 100). */
        public Builder segmentMillis(long millis) {
            if (millis < 100) throw new IllegalArgumentException("segmentMillis " + millis + " is below 100");
            this.segmentMillis = millis;
            return this;
        }

        /** Longest recording, 1..1440 minutes (default 480); reaching it seals the recording. */
        public Builder maxRecordingMinutes(int minutes) {
            if (minutes < 1 || minutes > 1440)
                throw new IllegalArgumentException("maxRecordingMinutes " + minutes + " is out of range 1..1440");
            return maxRecordingMillis(minutes * 60_000L);
        }

        /** Longest recording in milliseconds, for tests (at least 100). */
        public Builder maxRecordingMillis(long millis) {
            if (millis < 100) throw new IllegalArgumentException("maxRecordingMillis " + millis + " is below 100");
            this.maxRecordingMillis = millis;
            return this;
        }

        /** Fragments the writer's queue holds before it drops (default 300, a minute at 200 ms fragments). */
        public Builder queueFragments(int fragments) {
            if (fragments < 1) throw new IllegalArgumentException("queueFragments " + fragments + " must be >= 1");
            this.queueFragments = fragments;
            return this;
        }

        /** Bytes the writer's queue holds before it drops (default 12 MiB: ~40 s at 2.5 Mb/s, and what a unit's small heap can spare). */
        public Builder queueBytes(long bytes) {
            if (bytes < 1) throw new IllegalArgumentException("queueBytes " + bytes + " must be >= 1");
            this.queueBytes = bytes;
            return this;
        }

        /** Longest run of media written but not yet fsync'd while the writer catches up (default 200 ms). */
        public Builder syncEveryMillis(long millis) {
            if (millis < 0 || millis > 5000)
                throw new IllegalArgumentException("syncEveryMillis " + millis + " is out of range 0..5000");
            this.syncEveryMillis = millis;
            return this;
        }

        /**
         * Told of every sealed recording, on the writer's thread (also when it sealed itself at the maximum length);
         * {@link #close} returns after it ran.
         */
        public Builder onSealed(Consumer<SealedRecording> listener) {
            this.onSealed = Objects.requireNonNull(listener, "onSealed");
            return this;
        }

        /**
         * Told, on the writer's thread, of a recording whose files could not be written (e.g. the disk filled from
         * outside): after one ERROR line the writer seals what is durable at once, as recovery would, with the end
         * reason {@code storage-full} (or {@code write-failed}), and then tells this listener whether that worked.
         * The recording is over either way; {@link #close} returns empty for it, also when it was waiting for it.
         */
        public Builder onFailed(Consumer<FailedRecording> listener) {
            this.onFailed = Objects.requireNonNull(listener, "onFailed");
            return this;
        }

        /**
         * The agency key each recording is encrypted to, asked for when a recording opens (empty: a plaintext
         * recording). Called on the thread that opens the recording; it should be quick (a small file read).
         */
        public Builder agencyKey(Supplier<Optional<AgencyPublicKey>> source) {
            this.agencyKey = Objects.requireNonNull(source, "agencyKey");
            return this;
        }

        /** Test seam: how segment files are created (see {@link SegmentChannels}). */
        Builder segmentChannels(SegmentChannels channels) {
            this.segmentChannels = Objects.requireNonNull(channels, "segmentChannels");
            return this;
        }

        public EvidenceWriter build() {
            return new EvidenceWriter(this);
        }
    }
}
