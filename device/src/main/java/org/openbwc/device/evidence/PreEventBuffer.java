package org.openbwc.device.evidence;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import org.openbwc.device.evidence.PreEventFiles.CachedFragment;
import org.openbwc.device.evidence.PreEventFiles.Gop;
import org.openbwc.device.media.Fragment;
import org.openbwc.device.media.FragmentSink;
import org.openbwc.device.media.InitSegment;
import org.tinylog.Logger;

/**
 * The rolling buffer of the last {@code preEventSeconds} of media that every recording starts with, kept in files
 * (see {@link PreEventFiles}) so that it costs the unit almost no memory and is on disk before the press.
 *
 * <p>Fragments are kept as whole GOPs (a keyframe fragment and the fragments after it), so the buffer always starts
 * on a keyframe. The oldest GOP is evicted as soon as the rest still covers {@code preEventSeconds}; the buffer thus
 * holds at least {@code preEventSeconds} of media (once that much has streamed) and less than that plus one GOP.
 * A byte cap bounds the files whatever the bit rate, and a second, smaller cap ({@link #MAX_HEAP_BYTES}) bounds
 * what waits on the heap for the disk: over either, GOPs are evicted from the head even if that leaves less than
 * {@code preEventSeconds} (logged once per overflow episode); a single GOP over a cap is dropped whole and buffering
 * resumes at the next keyframe.
 *
 * <p>An init segment that differs from the current one, or the same one followed by a fragment whose sequence
 * number does not continue the buffered ones, means the stream restarted: the buffered fragments are dropped, since
 * they cannot be followed by the new stream's in one file.
 *
 * <p>With {@code preEventSeconds == 0} the buffer keeps no media at all, only the latest init segment: nothing
 * recorded before the trigger is kept (0 means "disabled", including its privacy meaning), so the recording starts
 * at the next keyframe fragment after the trigger, up to one GOP later.
 *
 * <p>Thread-safe: the muxer's thread feeds it while any thread may take a {@link #snapshot()}. A snapshot pins its
 * GOPs (their files outlive an eviction) until it is closed.
 */
public final class PreEventBuffer implements FragmentSink, AutoCloseable {
    /** Longest pre-event buffer the unit configuration allows. */
    public static final int MAX_PRE_EVENT_SECONDS = 120;
    /** Most the buffer keeps on the heap while its files lag behind or cannot be written. */
    public static final long MAX_HEAP_BYTES = 8L << 20;

    private final long preEventMicros;
    private final long maxBytes;
    private final long maxHeapBytes;
    private final PreEventFiles files;
    private final Deque<Gop> gops = new ArrayDeque<>();
    private InitSegment init;
    private long bufferedMicros;
    private long bufferedBytes;
    private long evictedForMemory;
    private boolean overCap;
    private boolean sameInitAgain;
    private long lastSequence = -1;

    /**
     * @param preEventSeconds 0..120 seconds of media to keep before a trigger
     * @param maxBytes cap of the buffered fragments, at least 1 MiB
     * @param cacheDir where the buffered GOPs are written; created if missing, emptied of old GOP files
     */
    public PreEventBuffer(int preEventSeconds, long maxBytes, Path cacheDir) {
        this(preEventSeconds, maxBytes, cacheDir, MAX_HEAP_BYTES);
    }

    PreEventBuffer(int preEventSeconds, long maxBytes, Path cacheDir, long maxHeapBytes) {
        this(preEventSeconds, maxBytes, maxHeapBytes, files(preEventSeconds, maxBytes, cacheDir));
    }

    /** With its files made by the caller (a test that controls their clock). */
    PreEventBuffer(int preEventSeconds, long maxBytes, long maxHeapBytes, PreEventFiles files) {
        check(preEventSeconds, maxBytes);
        this.preEventMicros = preEventSeconds * 1_000_000L;
        this.maxBytes = maxBytes;
        this.maxHeapBytes = maxHeapBytes;
        this.files = files;
    }

    private static PreEventFiles files(int preEventSeconds, long maxBytes, Path cacheDir) {
        check(preEventSeconds, maxBytes);
        if (cacheDir == null) throw new IllegalArgumentException("a pre-event cache directory is required");
        return new PreEventFiles(cacheDir);
    }

    private static void check(int preEventSeconds, long maxBytes) {
        if (preEventSeconds < 0 || preEventSeconds > MAX_PRE_EVENT_SECONDS) {
            throw new IllegalArgumentException(
                    "preEventSeconds " + preEventSeconds + " is out of range 0.." + MAX_PRE_EVENT_SECONDS);
        }
        if (maxBytes < 1 << 20) throw new IllegalArgumentException("maxBytes " + maxBytes + " is below 1 MiB");
    }

    @Override
    public synchronized void onInit(InitSegment newInit) {
        // Fragments of the previous stream cannot be followed by a new stream's: its media time starts over.
        if (init != null && !Arrays.equals(init.bytes(), newInit.bytes())) clear();
        else if (!gops.isEmpty()) sameInitAgain = true; // a repeat, or a restart with unchanged settings
        init = newInit;
    }

    @Override
    public synchronized void onFragment(Fragment fragment) {
        if (preEventMicros == 0) return;
        if (sameInitAgain) {
            sameInitAgain = false;
            if (!gops.isEmpty() && fragment.sequence() != lastSequence + 1) clear();
        }
        if (fragment.keyframeStart()) {
            gops.addLast(files.newGop());
        } else if (gops.isEmpty()) {
            return; // no keyframe to start from yet
        }
        Gop gop = gops.getLast();
        files.add(gop, fragment);
        gop.durationMicros += fragment.durationMicros();
        gop.bytes += fragment.bytes().length;
        bufferedMicros += fragment.durationMicros();
        bufferedBytes += fragment.bytes().length;
        lastSequence = fragment.sequence();
        trim();
    }

    private void trim() {
        while (gops.size() > 1 && bufferedMicros - gops.getFirst().durationMicros >= preEventMicros) evictHead();
        if (bufferedBytes <= maxBytes && files.heapBytes() <= maxHeapBytes) {
            overCap = false;
            return;
        }
        long before = bufferedMicros;
        while ((bufferedBytes > maxBytes || files.heapBytes() > maxHeapBytes) && !gops.isEmpty()) {
            evictHead();
            evictedForMemory++;
        }
        if (!overCap) {
            Logger.warn(
                    "pre-event buffer over its cap ({} bytes in all, {} bytes waiting for the disk in {}): evicted GOPs,"
                            + " now {} ms kept instead of {} ms (lower the bit rate, raise the cap or check the disk)",
                    maxBytes,
                    maxHeapBytes,
                    files.dir(),
                    bufferedMicros / 1000,
                    before / 1000);
            overCap = true;
        }
    }

    private void evictHead() {
        Gop head = gops.removeFirst();
        bufferedMicros -= head.durationMicros;
        bufferedBytes -= head.bytes;
        head.evicted = true;
        if (head.pins == 0) files.drop(head);
    }

    /**
     * The init segment and the buffered fragments, to prepend to a new recording or start a live stream with. The
     * buffer keeps them; the snapshot reads each fragment from its file when asked and must be closed.
     */
    public synchronized PreEventSnapshot snapshot() {
        List<Gop> pinned = new ArrayList<>(gops);
        List<CachedFragment> all = new ArrayList<>();
        for (Gop gop : pinned) {
            gop.pins++;
            all.addAll(gop.fragments);
        }
        return new PreEventSnapshot(init, new CachedFragments(all, () -> unpin(pinned)));
    }

    private synchronized void unpin(List<Gop> pinned) {
        for (Gop gop : pinned) {
            if (--gop.pins == 0 && gop.evicted) files.drop(gop);
        }
    }

    /** Drops the buffered fragments (not the init), e.g. when the camera stops. */
    public synchronized void clear() {
        while (!gops.isEmpty()) evictHead();
    }

    /**
     * Drops the buffered fragments and waits up to {@code millis} until their files are deleted (those a snapshot
     * still holds stay until it is closed): room on a full disk. True if the files thread got there in time.
     */
    public boolean freeScratch(long millis) throws InterruptedException {
        clear();
        return files.awaitIdle(millis);
    }

    /** Drops everything and deletes the buffer's files. */
    @Override
    public synchronized void close() {
        clear();
        files.close();
    }

    public synchronized long bufferedMicros() {
        return bufferedMicros;
    }

    public synchronized long bufferedBytes() {
        return bufferedBytes;
    }

    /** Bytes of buffered media on the heap, waiting for (or failing to reach) the disk. */
    public long heapBytes() {
        return files.heapBytes();
    }

    /** The buffer's files, for tests. */
    PreEventFiles files() {
        return files;
    }

    /** GOP files open, buffered or pinned by a snapshot. */
    long filesOpen() {
        return files.filesOpen();
    }

    /** GOPs evicted early to stay under a cap, since start. */
    public synchronized long evictedForMemory() {
        return evictedForMemory;
    }

    public long maxBytes() {
        return maxBytes;
    }
}
