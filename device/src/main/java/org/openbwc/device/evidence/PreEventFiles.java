package org.openbwc.device.evidence;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import org.openbwc.device.media.Fragment;
import org.openbwc.evidence.encryption.DecryptionException;
import org.openbwc.evidence.encryption.PieceCipher;
import org.tinylog.Logger;

/**
 * The pre-event buffer's media on disk: one file per GOP in a cache directory, written on a thread of its own so
 * the muxer never waits for the disk. A fragment's bytes stay on the heap only until they are written; after that
 * they are read back from the file (the page cache, normally) when a recording or a live viewer asks for them.
 * <p>
 * Keeping the buffer in files rather than on the heap is what lets a unit keep 30-120 s of pre-event media in a
 * heap of a few MiB, and means the seconds before a press are already on disk when it comes. Files are scratch, not
 * evidence: leftovers from a previous run are deleted at start, and a GOP's file is deleted once the buffer has let
 * the GOP go and no snapshot holds it. If the disk fails, fragments simply stay on the heap (the buffer bounds how
 * many).
 * <p>
 * Every fragment is sealed (AES-256-GCM, {@link PieceCipher}) before it reaches its file, under a key drawn when this
 * object is made and kept only in this process's memory: after a power cut, or on storage taken out of a unit, the
 * files are noise, and the next start can only delete them. The associated data names the GOP, the offset in its
 * file and the fragment's sequence number, so sealed pieces cannot be swapped or moved unnoticed. A piece that does
 * not open is reported as unreadable; {@link CachedFragments} then leaves out the rest of its GOP.
 */
final class PreEventFiles implements AutoCloseable {
    private static final String PREFIX = "gop-";
    private static final String SUFFIX = ".m4s";
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    private static final byte[] AAD_TAG = "openbwc pre-event v1".getBytes(StandardCharsets.US_ASCII);

    private final Path dir;
    private final LinkedBlockingQueue<Runnable> work = new LinkedBlockingQueue<>();
    private final AtomicLong heapBytes = new AtomicLong();
    private final AtomicLong filesOpen = new AtomicLong();
    private final AtomicLong unreadableGops = new AtomicLong();
    // The scratch key: never written anywhere, so it dies with the process and the files with it.
    private final byte[] key = PieceCipher.newKey();
    // Ciphers are not thread-safe: one for the writing thread, and a pool for snapshot readers (recording, live).
    private final PieceCipher sealer = new PieceCipher(key);
    private final ConcurrentLinkedQueue<PieceCipher> openers = new ConcurrentLinkedQueue<>();
    private final FileAttribute<?>[] fileAttributes;
    private final Thread thread;
    private long nextGop;
    private volatile boolean closed;

    /** Writes that work again stay unlogged until none failed for this long: a nearly full disk flaps. */
    static final long QUIET_NANOS = 60_000_000_000L;

    private final LongSupplier nanoClock;
    private final long quietNanos;
    // Owned by the writing thread; volatile for the tests that read them.
    private volatile boolean failing;
    private volatile long warnings;
    private volatile long failedWrites;
    private volatile long writes;
    private long lastFailureNanos;
    private long failedInEpisode;

    PreEventFiles(Path dir) {
        this(dir, System::nanoTime, QUIET_NANOS);
    }

    /** @param nanoClock and {@code quietNanos}: when a failing cache counts as writable again (for tests) */
    PreEventFiles(Path dir, LongSupplier nanoClock, long quietNanos) {
        this.dir = dir;
        this.nanoClock = nanoClock;
        this.quietNanos = quietNanos;
        boolean usable = prepare(dir);
        this.fileAttributes = usable && posix(dir)
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_ONLY)}
                : new FileAttribute<?>[0];
        this.thread = Thread.ofPlatform().name("pre-event-files").daemon(true).unstarted(this::run);
        if (usable) {
            thread.start();
        } else {
            closed = true;
        }
    }

    private static boolean posix(Path dir) {
        try {
            return Files.getFileStore(dir).supportsFileAttributeView(PosixFileAttributeView.class);
        } catch (IOException e) {
            return false;
        }
    }

    /** Creates the directory and clears what a previous run left; false (logged) if it cannot be used. */
    private static boolean prepare(Path dir) {
        try {
            Files.createDirectories(dir);
            // footage nobody chose to record: only the unit's own user may read it
            if (posix(dir)) {
                Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
            }
            int deleted = 0;
            try (DirectoryStream<Path> old = Files.newDirectoryStream(dir, PREFIX + "*" + SUFFIX)) {
                for (Path p : old) {
                    if (Files.deleteIfExists(p)) deleted++;
                }
            }
            if (deleted > 0) {
                Logger.info(
                        "pre-event cache {}: deleted {} scratch files of a previous run (sealed under a key that died"
                                + " with it)",
                        dir,
                        deleted);
            }
            return true;
        } catch (IOException | RuntimeException e) {
            Logger.error(
                    "pre-event cache directory {} is not usable ({}); the pre-event buffer is kept in memory, at most {} MiB",
                    dir,
                    e.toString(),
                    PreEventBuffer.MAX_HEAP_BYTES >> 20);
            return false;
        }
    }

    Path dir() {
        return dir;
    }

    /** A new GOP; its file is created on the writing thread with its first fragment. Muxer thread. */
    Gop newGop() {
        return new Gop(this, nextGop++);
    }

    /** Queues a fragment's bytes for its GOP's file. Muxer thread. */
    CachedFragment add(Gop gop, Fragment f) {
        CachedFragment c = new CachedFragment(gop, f);
        gop.fragments.add(c);
        heapBytes.addAndGet(c.length);
        if (!closed) work.add(() -> write(c));
        return c;
    }

    /** Bytes of buffered fragments that are still held on the heap (not on disk yet, or the disk failed). */
    long heapBytes() {
        return heapBytes.get();
    }

    /** GOP files open now (for tests and leak checks). */
    long filesOpen() {
        return filesOpen.get();
    }

    /** The GOP is gone from the buffer and from every snapshot: forget its bytes and delete its file. */
    void drop(Gop gop) {
        // Its heap bytes are released now; the file goes after the writes already queued for it.
        for (CachedFragment c : gop.fragments) releaseHeap(c);
        if (!closed) {
            work.add(() -> deleteFile(gop));
        } else {
            deleteFile(gop);
        }
    }

    private void releaseHeap(CachedFragment c) {
        if (c.heap.getAndSet(null) != null) heapBytes.addAndGet(-c.length);
    }

    private void run() {
        while (true) {
            Runnable task;
            try {
                task = work.take();
            } catch (InterruptedException e) {
                return;
            }
            if (task == STOP) return;
            task.run();
        }
    }

    private static final Runnable STOP = () -> {};

    private void write(CachedFragment c) {
        Gop gop = c.gop;
        byte[] bytes = c.heap.get();
        if (bytes == null || gop.dropped) return; // the buffer let the GOP go before it reached the disk
        try {
            if (gop.channel == null) {
                gop.path = dir.resolve(String.format(Locale.ROOT, "%s%08d%s", PREFIX, gop.number, SUFFIX));
                gop.channel = FileChannel.open(
                        gop.path,
                        Set.of(
                                StandardOpenOption.CREATE,
                                StandardOpenOption.TRUNCATE_EXISTING,
                                StandardOpenOption.READ,
                                StandardOpenOption.WRITE),
                        fileAttributes);
                filesOpen.incrementAndGet();
            }
            // The sealed copy is on the heap too until it is written: counted, so the heap cap stays true.
            int sealedLength = c.length + PieceCipher.OVERHEAD;
            heapBytes.addAndGet(sealedLength);
            long at = gop.written;
            try {
                ByteBuffer src = ByteBuffer.wrap(sealer.seal(bytes, aad(gop.number, at, c.sequence)));
                while (src.hasRemaining()) at += gop.channel.write(src, at);
            } finally {
                heapBytes.addAndGet(-sealedLength);
            }
            c.offset = gop.written;
            gop.written = at;
            // from here on readers go to the file; the offset is published by this volatile write
            releaseHeap(c);
            writes++;
            if (failing && nanoClock.getAsLong() - lastFailureNanos >= quietNanos) {
                failing = false;
                Logger.info("pre-event cache {} is writable again ({} writes had failed)", dir, failedInEpisode);
            }
        } catch (IOException | RuntimeException e) {
            // the fragment stays on the heap; the buffer's heap cap keeps that bounded
            failedWrites++;
            failedInEpisode++;
            lastFailureNanos = nanoClock.getAsLong();
            if (!failing) {
                // One line per episode, however often a nearly full disk lets a write through and fails the next.
                failing = true;
                failedInEpisode = 1;
                warnings++;
                Logger.warn(
                        "pre-event cache {}: writing failed ({}); fragments stay in memory (at most {} MiB); not"
                                + " logged again until writes have worked for {} s",
                        dir,
                        e.toString(),
                        PreEventBuffer.MAX_HEAP_BYTES >> 20,
                        quietNanos / 1_000_000_000L);
            }
        }
    }

    /** Where a sealed fragment belongs: its GOP's file, its offset there, and which fragment it is. */
    private static byte[] aad(long gop, long offset, long sequence) {
        return ByteBuffer.allocate(AAD_TAG.length + 3 * Long.BYTES)
                .put(AAD_TAG)
                .putLong(gop)
                .putLong(offset)
                .putLong(sequence)
                .array();
    }

    /**
     * Opens a fragment sealed by this object for GOP {@code gop} at {@code offset}; any thread. Throws
     * {@link DecryptionException} for bytes that were altered, moved, or sealed by another instance (a previous boot).
     */
    byte[] open(byte[] sealed, long gop, long offset, long sequence) {
        PieceCipher cipher = openers.poll();
        if (cipher == null) cipher = new PieceCipher(key);
        try {
            return cipher.open(sealed, aad(gop, offset, sequence));
        } finally {
            openers.offer(cipher);
        }
    }

    /** Counts a GOP a snapshot left out because a fragment of it could not be read or did not open. */
    void noteUnreadable() {
        unreadableGops.incrementAndGet();
    }

    /** GOPs (or their rest) left out of snapshots because they could not be read back (for tests). */
    long unreadableGops() {
        return unreadableGops.get();
    }

    /** Waits up to {@code millis} for the work queued so far (writes, deletions) to be done; true if it was. */
    boolean awaitIdle(long millis) throws InterruptedException {
        if (closed) return true;
        CountDownLatch done = new CountDownLatch(1);
        work.add(done::countDown);
        return done.await(millis, TimeUnit.MILLISECONDS);
    }

    /** True from a failed write until writes have worked for the quiet period. */
    boolean failing() {
        return failing;
    }

    /** Warnings logged: one per episode of failing writes. */
    long warnings() {
        return warnings;
    }

    long failedWrites() {
        return failedWrites;
    }

    long writes() {
        return writes;
    }

    private void deleteFile(Gop gop) {
        gop.dropped = true;
        FileChannel channel = gop.channel;
        if (channel == null) return;
        gop.channel = null;
        filesOpen.decrementAndGet();
        try {
            channel.close();
            Files.deleteIfExists(gop.path);
        } catch (IOException e) {
            Logger.warn("pre-event cache: cannot delete {}: {}", gop.path, e.toString());
        }
    }

    /** Stops the writing thread and deletes every file; fragments still held by snapshots stay readable from memory only if not yet written. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        work.add(STOP);
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One GOP of the buffer and its file. {@code pins} and {@code evicted} are guarded by the buffer's lock. */
    static final class Gop {
        final PreEventFiles files;
        final long number;
        final List<CachedFragment> fragments = new ArrayList<>();
        long durationMicros;
        long bytes;
        int pins;
        boolean evicted;
        // Owned by the writing thread, read by snapshot readers after a fragment's heap bytes are gone.
        volatile FileChannel channel;
        volatile boolean dropped;
        Path path;
        long written;

        Gop(PreEventFiles files, long number) {
            this.files = files;
            this.number = number;
        }
    }

    /**
     * One buffered fragment: its metadata, and its plain bytes on the heap until their sealed copy is in the GOP's
     * file; {@code length} is the plain length, the sealed piece at {@code offset} is {@link PieceCipher#OVERHEAD}
     * longer.
     */
    static final class CachedFragment {
        final Gop gop;
        final long sequence;
        final boolean keyframeStart;
        final long mediaStartMicros;
        final long durationMicros;
        final Instant wallClock;
        final int length;
        final AtomicReference<byte[]> heap;
        volatile long offset = -1;

        CachedFragment(Gop gop, Fragment f) {
            this.gop = gop;
            this.sequence = f.sequence();
            this.keyframeStart = f.keyframeStart();
            this.mediaStartMicros = f.mediaStartMicros();
            this.durationMicros = f.durationMicros();
            this.wallClock = f.wallClock();
            this.length = f.bytes().length;
            this.heap = new AtomicReference<>(f.bytes());
        }

        /** The fragment with its bytes, read back from the file if they left the heap. Only while its GOP is pinned. */
        Fragment load() {
            byte[] bytes = heap.get();
            if (bytes == null) bytes = read();
            return new Fragment(sequence, bytes, keyframeStart, mediaStartMicros, durationMicros, wallClock);
        }

        private byte[] read() {
            FileChannel channel = gop.channel;
            long at = offset;
            if (channel == null || at < 0) {
                throw new IllegalStateException(
                        "pre-event fragment " + sequence + " is neither in memory nor in its file");
            }
            ByteBuffer dst = ByteBuffer.allocate(length + PieceCipher.OVERHEAD);
            try {
                while (dst.hasRemaining()) {
                    int n = channel.read(dst, at + dst.position());
                    if (n < 0) throw new IOException("file ends before fragment " + sequence + " does");
                }
                return gop.files.open(dst.array(), gop.number, at, sequence);
            } catch (IOException e) {
                throw new UncheckedIOException(
                        "pre-event fragment " + sequence + " could not be read from " + gop.path, e);
            } catch (DecryptionException e) {
                // Unchecked I/O like a failed read, which every reader already copes with: the file lost what was
                // written.
                throw new UncheckedIOException(
                        "pre-event fragment " + sequence + " in " + gop.path + " did not decrypt",
                        new IOException(e.getMessage(), e));
            }
        }
    }
}
