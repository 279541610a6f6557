package org.openbwc.device.offload;

import java.io.IOException;
import java.net.URI;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import org.openbwc.config.OffloadConfig;
import org.openbwc.evidence.EvidenceJson;
import org.openbwc.evidence.RecordingLayout;
import org.openbwc.evidence.RecordingManifest;
import org.openbwc.hal.StorageReading;
import org.openbwc.protocol.Backlog;
import org.tinylog.Logger;

/**
 * The unit's offload: a thread of its own that, whenever the policy allows ({@code offload.when}), sends the sealed
 * recordings without a receipt one by one ({@link OffloadCandidate#TURN}; the next is sent while the store verifies the
 * one before, on a second thread that waits for its answer), keeps each receipt only when the store says
 * it holds the recording verified with the same chain head, and, while storage is low, deletes the oldest recordings
 * that have a receipt, never one without. A recording the store refuses for what it is (its check failed) is set aside
 * with the reason and not sent again until an operator looks; passing failures (no link, gateway restarting) are
 * retried with growing waits.
 */
public final class UnitOffload implements AutoCloseable {
    static final long IDLE_SECONDS = 10;
    static final long MAX_BACKOFF_SECONDS = 300;

    private final String tag;
    private final OffloadConfig config;
    private final Path evidenceRoot;
    private final OffloadReceipts receipts;
    private final Path refusedFolder;
    private final BooleanSupplier docked;
    private final Supplier<StorageReading> storage;
    private final long lowFreeBytesPercent;
    private final RecordingUploader uploader;
    private final ScheduledExecutorService thread;
    /** Waits for the store's verification of one recording while {@link #thread} sends the next. */
    private final ExecutorService completer;

    private volatile Backlog backlog = new Backlog(0, 0, null);
    private long backoffSeconds;

    /**
     * @param base the gateway's units' listener ({@code offload.url}, else the enrolment URL's address)
     * @param tls the unit's certificate and the agency CA
     * @param lowPercent free space, as a percentage, below which offloaded recordings are deleted to make room
     */
    public UnitOffload(
            String unitId,
            OffloadConfig config,
            URI base,
            Supplier<SSLContext> tls,
            Path evidenceRoot,
            Path offloadFolder,
            BooleanSupplier docked,
            Supplier<StorageReading> storage,
            int lowPercent)
            throws IOException {
        this.tag = "[" + unitId + "] ";
        this.config = Objects.requireNonNull(config, "config");
        this.evidenceRoot = evidenceRoot;
        this.receipts = new OffloadReceipts(offloadFolder.resolve("receipts"));
        this.refusedFolder = Files.createDirectories(offloadFolder.resolve("refused"));
        this.docked = docked;
        this.storage = storage;
        this.lowFreeBytesPercent = lowPercent;
        this.uploader =
                new RecordingUploader(base, tls, config.partMegabytes() << 20, config.maxMbps() * 1_000_000L / 8);
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "offload-" + unitId);
            t.setDaemon(true);
            return t;
        });
        this.completer = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "offload-complete-" + unitId);
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts the loop; the first round right away. */
    public UnitOffload start() {
        if (config.nativeCipher()) NativeChaCha.install().ifPresent(how -> Logger.info("{}offload TLS: {}", tag, how));
        thread.schedule(this::scheduledRound, 0, TimeUnit.SECONDS);
        Logger.info(
                "{}offload {} to {} at most {} Mbit/s",
                tag,
                config.when().name().toLowerCase(java.util.Locale.ROOT),
                uploaderBase(),
                config.maxMbps());
        return this;
    }

    private String uploaderBase() {
        return config.url() == null ? "the enrolment address" : config.url();
    }

    /** A recording was sealed: look again soon rather than at the next idle round. */
    public void recordingSealed() {
        try {
            // An extra round, not a second schedule: only the scheduled rounds schedule the next one.
            thread.schedule(() -> round(), 1, TimeUnit.SECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closing
        }
    }

    /** What waits to be offloaded, for the status. */
    public Backlog backlog() {
        return backlog;
    }

    /** Bytes sent in upload parts since start (the benchmark counts re-sends with it). */
    public long bytesSent() {
        return uploader.bytesSent();
    }

    private void scheduledRound() {
        long next = round();
        try {
            thread.schedule(this::scheduledRound, next, TimeUnit.SECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closing
        }
    }

    /** One pass over what waits; returns the seconds until the next scheduled pass. */
    private synchronized long round() {
        long next = IDLE_SECONDS;
        try {
            List<OffloadCandidate> waiting = waiting();
            backlog = OffloadCandidate.backlog(waiting);
            if (allowed()) sendAll(waiting);
            backoffSeconds = 0;
        } catch (IOException e) {
            backoffSeconds = backoffSeconds == 0 ? 5 : Math.min(MAX_BACKOFF_SECONDS, backoffSeconds * 2);
            next = backoffSeconds;
            Logger.warn("{}offload paused, retrying in {} s: {}", tag, next, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return next;
        } catch (RuntimeException e) {
            Logger.error(e, "{}offload round failed", tag);
        } catch (OutOfMemoryError e) {
            // Thrown out of this task, it would end the loop for good and without a word.
            backoffSeconds = backoffSeconds == 0 ? 5 : Math.min(MAX_BACKOFF_SECONDS, backoffSeconds * 2);
            next = backoffSeconds;
            Logger.error(
                    "{}offload paused, retrying in {} s: out of memory with parts of {} MiB (offload.partMegabytes)",
                    tag,
                    next,
                    config.partMegabytes());
        }
        try {
            reclaim();
        } catch (IOException | RuntimeException e) {
            Logger.warn("{}freeing space failed: {}", tag, e.getMessage());
        }
        return next;
    }

    /**
     * Sends the recordings in their turn. While the store verifies one (it reads all of it again, about as long as
     * sending it took), the next is already being sent: at most one such request is waited for at a time.
     */
    private void sendAll(List<OffloadCandidate> waiting) throws IOException, InterruptedException {
        Completion pending = null;
        try {
            for (OffloadCandidate c : waiting) {
                if (Thread.currentThread().isInterrupted()) throw new InterruptedException();
                Completion before = pending;
                pending = send(c); // when this throws, the finally below still waits for `before`
                finish(before);
            }
            Completion last = pending;
            pending = null;
            finish(last);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // closing: the answer is asked for again at the next start
            throw e;
        } finally {
            // Sending the next one failed: the store may still answer for the one before, and its receipt counts.
            if (pending != null && !Thread.currentThread().isInterrupted()) finishQuietly(pending);
        }
    }

    /** What a recording's sending led to: the store's answer, now or to come; null when it was set aside. */
    private record Completion(
            OffloadCandidate candidate, RecordingManifest manifest, Future<Map<String, Object>> answer) {}

    private Completion send(OffloadCandidate c) throws IOException, InterruptedException {
        RecordingManifest manifest = manifest(c.dir());
        Map<String, Object> receipt = uploader.receipt(c.recordingId()).orElse(null);
        if (receipt != null) return new Completion(c, manifest, CompletableFuture.completedFuture(receipt));
        Logger.info("{}offloading {} ({} bytes{})", tag, c.recordingId(), c.bytes(), c.urgent() ? ", urgent" : "");
        try {
            uploader.send(c.recordingId(), files(c.dir(), manifest));
        } catch (RecordingUploader.OffloadRefused e) {
            if (setAside(c, e)) return null;
            throw e;
        }
        return new Completion(c, manifest, completer.submit(() -> uploader.complete(c.recordingId())));
    }

    /** Waits for the store's answer and keeps the receipt when it vouches for the recording. */
    private void finish(Completion done) throws IOException, InterruptedException {
        if (done == null) return;
        OffloadCandidate c = done.candidate();
        Map<String, Object> receipt;
        try {
            receipt = done.answer().get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RecordingUploader.OffloadRefused r && setAside(c, r)) return;
            if (e.getCause() instanceof IOException io) throw io;
            if (e.getCause() instanceof RuntimeException r) throw r;
            if (e.getCause() instanceof Error r) throw r;
            throw new IOException(e.getCause());
        }
        if (!"stored".equals(receipt.get("state"))
                || !Boolean.TRUE.equals(receipt.get("verified"))
                || !done.manifest().chainHead().equals(receipt.get("chainHead"))) {
            throw new IOException(
                    "the store's receipt for " + c.recordingId() + " does not vouch for this recording: " + receipt);
        }
        receipts.write(c.recordingId(), org.openbwc.json.JsonWriter.compactString(receipt));
        Logger.info(
                "{}recording {} is in the evidence store, verified (chain {})",
                tag,
                c.recordingId(),
                done.manifest().chainHead().substring(0, 12));
        backlog = OffloadCandidate.backlog(waiting());
    }

    private void finishQuietly(Completion done) {
        try {
            finish(done);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | RuntimeException e) {
            Logger.warn(
                    "{}recording {}: the store's answer is not known ({}); asked again next round",
                    tag,
                    done.candidate().recordingId(),
                    e.getMessage());
        }
    }

    /** A refusal for what the recording is: kept on the unit with the reason, not sent again. */
    private boolean setAside(OffloadCandidate c, RecordingUploader.OffloadRefused e) throws IOException {
        if (e.status != 422 && e.status != 400 && e.status != 413) return false;
        Files.writeString(refusedFolder.resolve(c.recordingId()), e.getMessage());
        Logger.error(
                "{}the store refused recording {}: {}; kept on the unit, not sent again",
                tag,
                c.recordingId(),
                e.getMessage());
        return true;
    }

    private boolean allowed() {
        return switch (config.when()) {
            case NEVER -> false;
            case DOCKED -> docked.getAsBoolean();
            case ANY_LINK -> true;
        };
    }

    /** The manifest first, the journal next, then the media: the order the store checks them in. */
    static List<Path> files(Path dir, RecordingManifest manifest) {
        List<Path> out = new ArrayList<>();
        out.add(dir.resolve(RecordingLayout.MANIFEST_FILE));
        out.add(dir.resolve(RecordingLayout.JOURNAL_FILE));
        for (RecordingManifest.Segment s : manifest.segments()) out.add(dir.resolve(s.file()));
        for (RecordingManifest.TornTail t : manifest.torn())
            out.add(dir.resolve(Path.of(t.keptIn()).getFileName()));
        return out;
    }

    private static RecordingManifest manifest(Path dir) throws IOException {
        return EvidenceJson.manifest(
                EvidenceJson.readTree(Files.readAllBytes(dir.resolve(RecordingLayout.MANIFEST_FILE))));
    }

    /** Sealed recordings with neither a receipt nor a refusal, in their turn. */
    List<OffloadCandidate> waiting() throws IOException {
        List<OffloadCandidate> out = new ArrayList<>();
        for (Path dir : sealed()) {
            String id = dir.getFileName().toString();
            if (receipts.has(id) || Files.exists(refusedFolder.resolve(id))) continue;
            try {
                RecordingManifest m = manifest(dir);
                out.add(new OffloadCandidate(
                        id,
                        dir,
                        m.startedAt(),
                        "sos".equals(m.trigger()) || !m.markers().isEmpty(),
                        size(dir)));
            } catch (IOException | RuntimeException e) {
                Logger.warn("{}recording {} has an unreadable manifest; not offloaded: {}", tag, id, e.getMessage());
            }
        }
        out.sort(OffloadCandidate.TURN);
        return out;
    }

    private List<Path> sealed() throws IOException {
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(evidenceRoot)) return out;
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(evidenceRoot, Files::isDirectory)) {
            for (Path d : dirs) if (Files.exists(d.resolve(RecordingLayout.MANIFEST_FILE))) out.add(d);
        }
        return out;
    }

    private static long size(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            long total = 0;
            for (Path p : files.toList()) if (Files.isRegularFile(p)) total += Files.size(p);
            return total;
        }
    }

    /** While storage is low, deletes the oldest recordings that have a receipt; never one without. */
    void reclaim() throws IOException {
        StorageReading s = storage.get();
        if (s == null || s.totalBytes() <= 0 || !low(s)) return;
        List<OffloadCandidate> byAge = new ArrayList<>();
        for (Path d : sealed()) {
            if (!receipts.has(d.getFileName().toString())) continue;
            try {
                byAge.add(new OffloadCandidate(
                        d.getFileName().toString(), d, manifest(d).startedAt(), false, 0));
            } catch (IOException | RuntimeException e) {
                // unreadable now: leave it alone
            }
        }
        byAge.sort(OffloadCandidate.TURN);
        for (OffloadCandidate c : byAge) {
            if (!low(storage.get())) return;
            long freed = size(c.dir());
            try (Stream<Path> files = Files.list(c.dir())) {
                for (Path p : files.toList()) Files.delete(p);
            }
            Files.delete(c.dir());
            Logger.info(
                    "{}storage low: deleted recording {} ({} bytes), which the evidence store holds verified",
                    tag,
                    c.recordingId(),
                    freed);
        }
    }

    private boolean low(StorageReading s) {
        return s.freeBytes() * 100.0 < s.totalBytes() * (double) lowFreeBytesPercent;
    }

    @Override
    public void close() {
        thread.shutdownNow();
        completer.shutdownNow();
        try {
            thread.awaitTermination(5, TimeUnit.SECONDS);
            completer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
