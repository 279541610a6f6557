package org.openbwc.gateway.offload;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.PublicKey;
import java.time.Clock;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;
import org.openbwc.evidence.EvidenceJson;
import org.openbwc.evidence.RecordingLayout;
import org.openbwc.store.CustodyAction;
import org.openbwc.store.IndexedRecording;
import org.openbwc.store.OffloadState;
import org.openbwc.store.Recording;
import org.openbwc.store.RecordingCatalog;
import org.openbwc.store.objects.EvidenceObjects;
import org.openbwc.store.objects.ObjectNames;
import org.tinylog.Logger;

/**
 * Receives the recordings units offload, file by file, into a staging folder, and moves each into the evidence store
 * once all of it has arrived and verified.
 *
 * <p>The order is fixed so that every byte can be checked as it arrives: first {@code manifest.json} (its signature
 * must verify with the unit's pinned evidence key), then {@code journal.jsonl} (its hash chain must end at the
 * manifest's chain head and describe the manifest exactly), then the segment files and torn tails the manifest lists,
 * each at the size it lists. Every part of a segment is checked against the journal's SHA-256 of each fragment it
 * completes before its offset is confirmed; a part that does not match is cut off. {@link #complete} runs the full
 * verification on the staged folder, copies it into the store, records it in the index with its custody entries,
 * and only then answers with a receipt. Staging is {@code <root>/<unit>/<recording>/}, the length each upload
 * announced beside it in {@code <recording>.lengths/}; a gateway restart loses nothing, as offsets are the staged
 * files' sizes and the checks are made again from the files.
 */
public final class OffloadReceiver {
    /** A manifest is a few KiB; a journal a line per 100 ms fragment (about 1.2 MiB an hour). */
    static final long MAX_MANIFEST_BYTES = 4L << 20;

    static final long MAX_JOURNAL_BYTES = 256L << 20;

    private final Path root;
    private final EvidenceObjects objects;
    private final RecordingCatalog catalog;
    private final Function<String, Optional<PublicKey>> pinnedKeys;
    private final Clock clock;
    private final Map<String, StagedRecording> staged = new ConcurrentHashMap<>();
    /**
     * Where {@link #complete} reads a recording again, hashes and copies it: seconds of CPU-bound work on platform
     * threads, at most half the cores at once. On the web server's virtual threads it held a carrier for all that
     * time, and every other request on it (other units' parts, the room's pages) waited (bench/README.md, issue 15).
     */
    private final ThreadPoolExecutor verifiers;

    /**
     * @param pinnedKeys a unit's evidence key as pinned at enrolment; empty for a unit without one (refused)
     */
    public OffloadReceiver(
            Path root,
            EvidenceObjects objects,
            RecordingCatalog catalog,
            Function<String, Optional<PublicKey>> pinnedKeys,
            Clock clock)
            throws IOException {
        this.root = Files.createDirectories(root);
        this.objects = objects;
        this.catalog = catalog;
        this.pinnedKeys = pinnedKeys;
        this.clock = clock;
        int threads = Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
        this.verifiers =
                new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "offload-verify");
                    t.setDaemon(true);
                    return t;
                });
        verifiers.allowCoreThreadTimeOut(true); // idle, it holds no thread
    }

    private StagedRecording recording(String unitId, String recordingId) throws OffloadRefusedException {
        try {
            ObjectNames.check("unit id", unitId);
            ObjectNames.check("recording id", recordingId);
        } catch (IllegalArgumentException e) {
            throw new OffloadRefusedException(400, e.getMessage());
        }
        PublicKey key = pinnedKeys
                .apply(unitId)
                .orElseThrow(() -> new OffloadRefusedException(
                        403, "unit " + unitId + " has no pinned evidence key: enrol it before it offloads"));
        return staged.computeIfAbsent(
                key(unitId, recordingId),
                k -> new StagedRecording(
                        unitId,
                        recordingId,
                        root.resolve(unitId).resolve(recordingId),
                        root.resolve(unitId).resolve(recordingId + ".lengths"),
                        key));
    }

    private static String key(String unitId, String recordingId) {
        return unitId + "/" + recordingId;
    }

    /** What the store holds of a recording: a receipt once it is stored and verified. */
    public Optional<OffloadReceipt> receipt(String unitId, String recordingId) throws OffloadRefusedException {
        Optional<IndexedRecording> found = catalog.find(recordingId);
        if (found.isEmpty()) return Optional.empty();
        Recording r = found.get().recording();
        if (!r.unitId().equals(unitId)) {
            throw new OffloadRefusedException(403, "recording " + recordingId + " belongs to another unit");
        }
        if (r.offloadState() != OffloadState.STORED && r.offloadState() != OffloadState.DELETED) {
            return Optional.empty();
        }
        String chainHead = null;
        if (r.offloadState() == OffloadState.STORED) {
            // From the stored manifest itself: the receipt vouches for what the store holds, not what the index says.
            try (InputStream in = objects.open(
                    unitId, recordingId, RecordingLayout.MANIFEST_FILE, 0, OffloadReceiver.MAX_MANIFEST_BYTES)) {
                chainHead = EvidenceJson.manifest(EvidenceJson.readTree(in.readAllBytes()))
                        .chainHead();
            } catch (IOException | RuntimeException e) {
                throw new OffloadRefusedException(
                        500,
                        "recording " + recordingId + " is indexed as stored, but its manifest cannot be read from "
                                + objects.describe() + ": " + e.getMessage());
            }
        }
        return Optional.of(new OffloadReceipt(
                recordingId,
                unitId,
                r.offloadState().wireName(),
                Boolean.TRUE.equals(r.verified()),
                chainHead,
                r.bytes()));
    }

    /**
     * Opens an upload (the tus protocol's creation) of one file of a recording, or finds the one already open.
     *
     * @return the bytes already received
     */
    public long create(String unitId, String recordingId, String file, long length, String address)
            throws OffloadRefusedException {
        if (receipt(unitId, recordingId).isPresent()) {
            throw new OffloadRefusedException(409, "recording " + recordingId + " is already stored");
        }
        StagedRecording rec = recording(unitId, recordingId);
        synchronized (rec) {
            return rec.create(file, length);
        }
    }

    /** The bytes of {@code file} received and confirmed so far (the tus protocol's HEAD). */
    public long offset(String unitId, String recordingId, String file) throws OffloadRefusedException {
        StagedRecording rec = recording(unitId, recordingId);
        synchronized (rec) {
            return rec.offset(file);
        }
    }

    /**
     * Appends a part at {@code offset} (the tus protocol's PATCH): written, forced to disk, checked, then confirmed.
     * Bytes of an interrupted part that arrived are kept and checked like any other.
     *
     * @return the new offset
     */
    public long append(String unitId, String recordingId, String file, long offset, InputStream body, String address)
            throws OffloadRefusedException, IOException {
        StagedRecording rec = recording(unitId, recordingId);
        synchronized (rec) {
            boolean before = rec.manifestAccepted();
            long next = rec.append(file, offset, body);
            if (!before && rec.manifestAccepted()) uploadStarted(rec, address);
            return next;
        }
    }

    /**
     * Verifies the whole staged recording, copies it into the store and records it in the index (state stored,
     * custody offloaded and verified), then removes the staging. Answers a recording already stored with its receipt.
     */
    public OffloadReceipt complete(String unitId, String recordingId, String address)
            throws OffloadRefusedException, IOException {
        Optional<OffloadReceipt> done = receipt(unitId, recordingId);
        if (done.isPresent()) return done.get();
        StagedRecording rec = recording(unitId, recordingId);
        Future<OffloadReceipt> stored = verifiers.submit(() -> store(rec, address));
        try {
            return stored.get();
        } catch (InterruptedException e) {
            stored.cancel(false);
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while recording " + recordingId + " was being verified", e);
        } catch (ExecutionException e) {
            switch (e.getCause()) {
                case OffloadRefusedException r -> throw r;
                case IOException io -> throw io;
                case RuntimeException r -> throw r;
                case Error r -> throw r;
                default -> throw new IOException(e.getCause());
            }
        }
    }

    /** {@link #complete} on a verifier thread. */
    private OffloadReceipt store(StagedRecording rec, String address) throws OffloadRefusedException, IOException {
        String unitId = rec.unitId();
        String recordingId = rec.recordingId();
        synchronized (rec) {
            // A second complete may have waited here for the first (a unit's HTTP client retries a POST whose
            // connection broke while the store was verifying): the first stored it and removed the staging.
            Optional<OffloadReceipt> done = receipt(unitId, recordingId);
            if (done.isPresent()) return done.get();
            StagedRecording.Verified verified;
            try {
                verified = rec.verifyAll();
            } catch (OffloadRefusedException e) {
                if (e.status() == 422) failed(rec, e.getMessage(), address);
                throw e;
            }
            long bytes = objects.put(unitId, recordingId, rec.dir());
            IndexedRecording entry = verified.indexed(bytes);
            catalog.recordOffload(entry, verified.checked(), "unit:" + unitId, address);
            Logger.info(
                    "Recording {} of {} stored in {} and verified ({} bytes)",
                    recordingId,
                    unitId,
                    objects.describe(),
                    bytes);
            discard(rec);
            return new OffloadReceipt(recordingId, unitId, "stored", true, verified.chainHead(), bytes);
        }
    }

    /** The first part arrived: the index learns the recording is on its way (and of the recording, if it had not). */
    private void uploadStarted(StagedRecording rec, String address) {
        try {
            Optional<IndexedRecording> known = catalog.find(rec.recordingId());
            if (known.isEmpty()) {
                catalog.add(new IndexedRecording(rec.reported(), List.of(), List.of(), List.of()));
                catalog.appendCustody(
                        rec.recordingId(),
                        clock.instant(),
                        "unit:" + rec.unitId(),
                        address,
                        CustodyAction.REPORTED,
                        "manifest received by offload before any report over MQTT");
            } else if (known.get().recording().offloadState() == OffloadState.UPLOADING) {
                return;
            }
            catalog.markOffload(rec.recordingId(), OffloadState.UPLOADING, "unit:" + rec.unitId(), address);
        } catch (RuntimeException e) {
            Logger.warn(
                    "Recording {}: the index could not record the upload's start: {}",
                    rec.recordingId(),
                    e.getMessage());
        }
    }

    private void failed(StagedRecording rec, String problem, String address) {
        Logger.warn("Recording {} of {} failed the store's check: {}", rec.recordingId(), rec.unitId(), problem);
        try {
            catalog.appendCustody(
                    rec.recordingId(),
                    clock.instant(),
                    "unit:" + rec.unitId(),
                    address,
                    CustodyAction.VERIFICATION_FAILED,
                    problem);
            catalog.markOffload(rec.recordingId(), OffloadState.FAILED, "unit:" + rec.unitId(), address);
        } catch (RuntimeException e) {
            Logger.warn(
                    "Recording {}: the index could not record the failed check: {}", rec.recordingId(), e.getMessage());
        }
        discard(rec);
    }

    /** The recording is done with (stored, or refused): its staging goes, and so does what was known of it. */
    private void discard(StagedRecording rec) {
        staged.remove(key(rec.unitId(), rec.recordingId()));
        for (Path dir : new Path[] {rec.dir(), rec.lengths()}) {
            if (!Files.exists(dir)) continue;
            try (Stream<Path> walk = Files.walk(dir)) {
                for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
            } catch (IOException e) {
                Logger.warn("Staging {} could not be removed: {}", dir, e.getMessage());
            }
        }
    }

    /** Writes {@code body} at {@code offset} and forces it to disk; the bytes written (all that arrived, at most max). */
    static long writeDurably(Path file, long offset, InputStream body, long max) throws IOException {
        long written = 0;
        IOException cut = null;
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.WRITE)) {
            out.position(offset);
            byte[] buf = new byte[64 * 1024];
            try {
                while (written < max) {
                    int n = body.read(buf, 0, (int) Math.min(buf.length, max - written));
                    if (n < 0) break;
                    ByteBuffer b = ByteBuffer.wrap(buf, 0, n);
                    while (b.hasRemaining()) out.write(b);
                    written += n;
                }
            } catch (IOException e) {
                // The link was cut mid-part: what arrived is kept (the unit resumes after it), not thrown away.
                cut = e;
            }
            out.force(false);
        }
        if (cut != null && written == 0) throw cut;
        return written;
    }
}
