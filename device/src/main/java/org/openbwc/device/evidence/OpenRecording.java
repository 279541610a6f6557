package org.openbwc.device.evidence;

import java.io.IOException;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.openbwc.device.media.Fragment;
import org.openbwc.device.media.InitSegment;
import org.openbwc.evidence.EndReason;
import org.openbwc.evidence.JournalEntry;
import org.openbwc.evidence.Sha256;
import org.tinylog.Logger;

/**
 * One open recording of the {@link EvidenceWriter}: its bounded queue, which the muxer's thread fills without ever
 * blocking (a full queue drops and counts the fragment), and its own thread, which empties the queue into the
 * {@link RecordingFiles}, syncs when the queue is empty or {@code syncEveryMicros} of media are unsynced, and seals
 * the recording on a close or at its maximum length.
 */
final class OpenRecording implements Runnable {

    private sealed interface Task permits InitTask, FragmentTask, SnapshotTask, MarkerTask, CloseTask, HaltTask {}

    private record InitTask(InitSegment init) implements Task {}

    private record FragmentTask(Fragment fragment) implements Task {}

    private record SnapshotTask(PreEventSnapshot snapshot) implements Task {}

    /** A marker or a location: metadata lines, never dropped. */
    private record MarkerTask(JournalEntry entry) implements Task {}

    private record CloseTask(Instant endedAt, EndReason reason) implements Task {}

    private record HaltTask() implements Task {}

    private final String id;
    private final RecordingFiles files;
    private final int queueFragments;
    private final long queueBytes;
    private final long syncEveryMicros;
    private final long maxRecordingMicros;
    private final Consumer<SealedRecording> onSealed;
    private final Consumer<FailedRecording> onFailed;
    private final Consumer<OpenRecording> onEnded;
    private final DeviceKey key;
    private final LinkedBlockingDeque<Task> queue = new LinkedBlockingDeque<>();
    private final AtomicInteger queuedFragments = new AtomicInteger();
    private final AtomicLong queuedBytes = new AtomicLong();
    private final AtomicLong droppedAtQueue = new AtomicLong();
    private final CompletableFuture<SealedRecording> sealed = new CompletableFuture<>();
    private final Thread thread;
    private volatile boolean queueFullLogged;
    /** Set when writing failed and {@code onFailed} was told, before {@link #sealed} completes exceptionally. */
    private volatile FailedRecording failure;
    /** The pre-event buffer on the same disk, whose scratch files a full disk can have back; may be null. */
    private volatile PreEventBuffer scratch;

    /**
     * @param onSealed told of the sealed recording, on the recording's thread, before {@link #sealed()} completes
     * @param onFailed told, on the recording's thread, when writing failed, after what was durable was sealed (or
     *     that failed too)
     * @param onEnded told, before anything else, that the recording is sealed or failed and takes nothing more
     * @param key signs the manifest when a failed recording is sealed from its journal
     */
    OpenRecording(
            String id,
            RecordingFiles files,
            int queueFragments,
            long queueBytes,
            long syncEveryMicros,
            long maxRecordingMicros,
            Consumer<SealedRecording> onSealed,
            Consumer<FailedRecording> onFailed,
            Consumer<OpenRecording> onEnded,
            DeviceKey key) {
        this.id = id;
        this.files = files;
        this.queueFragments = queueFragments;
        this.queueBytes = queueBytes;
        this.syncEveryMicros = syncEveryMicros;
        this.maxRecordingMicros = maxRecordingMicros;
        this.onSealed = onSealed;
        this.onFailed = onFailed;
        this.onEnded = onEnded;
        this.key = key;
        thread = new Thread(this, "evidence-writer-" + id);
    }

    String id() {
        return id;
    }

    /** The pre-event buffer to empty, for room to seal in, if the disk is found full. */
    void scratch(PreEventBuffer buffer) {
        this.scratch = buffer;
    }

    /** What became of the recording when writing failed ({@code onFailed} was told), or null. */
    FailedRecording failure() {
        return failure;
    }

    /** Completes with the sealed recording, or fails with why it could not be sealed (or that it was halted). */
    CompletableFuture<SealedRecording> sealed() {
        return sealed;
    }

    void start(PreEventSnapshot snapshot) {
        thread.start();
        long preMillis = snapshot == null ? 0 : snapshot.durationMicros() / 1000;
        Logger.info("recording {} opened in {} with {} ms of pre-event media", id, files.dir(), preMillis);
    }

    /** Puts the pre-event snapshot ahead of everything queued; the recording's thread closes it. */
    void offerSnapshotFirst(PreEventSnapshot snapshot) {
        queue.offerFirst(new SnapshotTask(snapshot));
    }

    void offerInit(InitSegment init) {
        queue.offer(new InitTask(init));
    }

    /** Queues a journal line (a marker, a location); these are never dropped. */
    boolean offerEntry(JournalEntry entry) {
        return queue.offer(new MarkerTask(entry));
    }

    /** Seals the recording after what is queued; {@code endedAt} null means at its last fragment's wall clock. */
    void requestClose(Instant endedAt, EndReason reason) {
        queue.offer(new CloseTask(endedAt, reason));
    }

    /** Stops ahead of what is queued, sealing nothing (see {@link EvidenceWriter#halt()}). */
    void requestHalt() {
        queue.offerFirst(new HaltTask());
    }

    /** Waits up to {@code millis} for the recording's thread to end. */
    void join(long millis) throws InterruptedException {
        thread.join(millis);
    }

    WriterStats stats(long freeBytes, long totalBytes) {
        return new WriterStats(
                id,
                files.mediaMicros() / 1000,
                files.bytesWritten(),
                files.fragmentsWritten(),
                files.dropped(),
                droppedAtQueue.get(),
                queuedFragments.get(),
                freeBytes,
                totalBytes);
    }

    void offer(Fragment fragment) {
        int length = fragment.bytes().length;
        if (queuedFragments.get() >= queueFragments || queuedBytes.get() + length > queueBytes) {
            long n = droppedAtQueue.incrementAndGet();
            if (!queueFullLogged) {
                queueFullLogged = true;
                Logger.warn(
                        "recording {}: the disk is not keeping up, dropping fragment {} ({} dropped so far;"
                                + " queue holds {} fragments, {} bytes); the recording resumes at the next keyframe and"
                                + " the journal records the gap",
                        id,
                        fragment.sequence(),
                        n,
                        queuedFragments.get(),
                        queuedBytes.get());
            }
            return;
        }
        queuedFragments.incrementAndGet();
        queuedBytes.addAndGet(length);
        queue.offer(new FragmentTask(fragment));
    }

    @Override
    public void run() {
        try {
            while (true) {
                Task task = queue.take();
                if (task instanceof FragmentTask ft) {
                    queuedFragments.decrementAndGet();
                    queuedBytes.addAndGet(-ft.fragment().bytes().length);
                }
                if (process(task)) return;
                if (queue.isEmpty()) {
                    files.sync();
                    if (queueFullLogged) {
                        queueFullLogged = false;
                        Logger.info(
                                "recording {}: the writer caught up ({} fragments dropped in all)",
                                id,
                                droppedAtQueue.get());
                    }
                } else if (files.unsyncedMicros() >= syncEveryMicros) {
                    files.sync();
                }
            }
        } catch (IOException | RuntimeException | InterruptedException e) {
            fail(e);
        } finally {
            // a halt or a failure can leave the pre-event snapshot unread: let the buffer have its files back
            for (Task left : queue)
                if (left instanceof SnapshotTask s) s.snapshot().close();
        }
    }

    /** True when the recording is sealed and the thread is done. */
    private boolean process(Task task) throws IOException {
        switch (task) {
            case SnapshotTask s -> {
                // the snapshot reads its fragments from the pre-event files one by one, and holds them until closed
                try (PreEventSnapshot snapshot = s.snapshot()) {
                    if (snapshot.init() != null) files.initFromSnapshot(snapshot.init());
                    for (Fragment f : snapshot.fragments()) {
                        if (write(f, true)) return true;
                        if (files.unsyncedMicros() >= syncEveryMicros)
                            files.sync(); // up to 120 s of media: same rule as catching up
                    }
                }
                return false;
            }
            case InitTask i -> {
                files.newInit(i.init());
                return false;
            }
            case FragmentTask f -> {
                return write(f.fragment(), false);
            }
            case MarkerTask m -> {
                files.journal(m.entry());
                return false;
            }
            case CloseTask c -> {
                seal(c.endedAt() != null ? c.endedAt() : files.lastWallClock(), c.reason());
                return true;
            }
            case HaltTask h -> {
                files.halt();
                sealed.completeExceptionally(new IllegalStateException("recording " + id + " was halted"));
                return true;
            }
        }
    }

    /** Writes one fragment; true if that made the recording reach its maximum length (it is then sealed). */
    private boolean write(Fragment f, boolean preEvent) throws IOException {
        if (!files.write(f, preEvent) || files.durationMicros() < maxRecordingMicros) return false;
        Logger.info("recording {} reached its maximum length of {} s", id, maxRecordingMicros / 1_000_000);
        seal(f.wallClock(), EndReason.MAX_DURATION);
        return true;
    }

    private void seal(Instant endedAt, EndReason reason) throws IOException {
        SealedRecording result = files.seal(endedAt, reason);
        onEnded.accept(this);
        Logger.info(
                "recording {} sealed ({}): {} segments, {} fragments, {} s, chain {}{}",
                id,
                reason.wireName(),
                result.segmentCount(),
                result.fragmentCount(),
                result.durationMillis() / 1000.0,
                Sha256.tail(result.chainHead()),
                result.droppedFragments() > 0 ? ", " + result.droppedFragments() + " fragments dropped" : "");
        if (files.duplicates() > 0)
            Logger.debug("recording {}: {} fragments arrived twice and were written once", id, files.duplicates());
        // The listener first: close() returns once it has run, so a caller that shuts down next (the unit's
        // executors) cannot refuse the listener's work.
        try {
            onSealed.accept(result);
        } catch (RuntimeException e) {
            Logger.error(e, "recording {}: the onSealed listener failed", id);
        }
        sealed.complete(result);
    }

    /**
     * Writing failed: one ERROR line (the stack at DEBUG), then what is durable is sealed at once, as recovery would
     * on the next boot, with the end reason {@code storage-full} (or {@code write-failed}); if that fails too (a disk
     * with no room for the journal's close line and the manifest), the recording is left for boot recovery. Either
     * way {@code onFailed} is told.
     */
    private void fail(Exception e) {
        if (e instanceof InterruptedException) Thread.currentThread().interrupt();
        onEnded.accept(this);
        files.closeAfterFailure();
        String reason = reasonOf(e);
        FailedRecording failed;
        if (e instanceof IOException io) {
            Logger.error("recording {} could not be written: {}; sealing what is on disk", id, reason);
            Logger.debug(io, "recording {}: the write that failed", id);
            if (diskFull(io)) freeScratch();
            failed = sealAfterFailure(reason, diskFull(io) ? EndReason.STORAGE_FULL : EndReason.WRITE_FAILED);
        } else {
            Logger.error(e, "recording {} could not be written; it stays unsealed for EvidenceRecovery", id);
            failed = new FailedRecording(id, reason, false, null);
        }
        failure = failed;
        try {
            onFailed.accept(failed);
        } catch (RuntimeException listener) {
            Logger.error(listener, "recording {}: the onFailed listener failed", id);
        }
        sealed.completeExceptionally(e);
    }

    /**
     * Sealing needs a little room (a torn tail set aside, the journal's close line, the manifest): the pre-event
     * buffer's files are scratch, not evidence yet, so they go first. The next recording then starts without
     * pre-event media, which a full disk could not have kept anyway.
     */
    private void freeScratch() {
        for (Task left : queue)
            if (left instanceof SnapshotTask s) s.snapshot().close(); // unpins its GOPs so that they can go
        PreEventBuffer buffer = scratch;
        if (buffer == null) return;
        try {
            long bytes = buffer.bufferedBytes();
            if (buffer.freeScratch(2_000))
                Logger.info("recording {}: emptied the pre-event buffer ({} bytes) to make room to seal", id, bytes);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private FailedRecording sealAfterFailure(String reason, EndReason endReason) {
        String why;
        try {
            RecoveredRecording r = new EvidenceRecovery(files.dir().getParent(), key).recover(files.dir(), endReason);
            if (r.sealed()) return new FailedRecording(id, reason, true, r.durationMillis());
            why = r.detail();
        } catch (IOException | RuntimeException sealing) {
            why = reasonOf(sealing);
            Logger.debug(sealing, "recording {}: sealing after the failed write", id);
        }
        Logger.warn(
                "recording {} could not be sealed after the failed write either ({}); it stays unsealed until the unit"
                        + " restarts and recovers it",
                id,
                why);
        return new FailedRecording(id, reason, false, null);
    }

    /** ENOSPC or EDQUOT, as the JDK words them on Linux (there is no exception type for it). */
    private static boolean diskFull(IOException e) {
        String m = e.getMessage();
        return m != null && (m.contains("No space left on device") || m.contains("Disk quota exceeded"));
    }

    private static String reasonOf(Exception e) {
        String m = e.getMessage() == null ? e.toString() : e.getMessage();
        return m.length() > 300 ? m.substring(0, 300) : m;
    }
}
