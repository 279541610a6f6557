package org.openbwc.device.evidence;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import org.openbwc.device.media.Fragment;
import org.openbwc.device.media.FragmentSink;
import org.openbwc.device.media.InitSegment;
import org.tinylog.Logger;

/**
 * The rolling buffer of the last {@code preEventSeconds} of media that every recording starts with.
 *
 * <p>Fragments are kept as whole GOPs (a keyframe fragment and the fragments after it), so the buffer always starts
 * on a keyframe. The oldest GOP is evicted as soon as the rest still covers {@code preEventSeconds}; the buffer thus
 * holds at least {@code preEventSeconds} of media (once that much has streamed) and less than that plus one GOP.
 * A byte cap bounds memory whatever the bit rate: over it, GOPs are evicted from the head even if that leaves less
 * than {@code preEventSeconds} (logged once per overflow episode); a single GOP over the cap is dropped whole and
 * buffering resumes at the next keyframe.
 *
 * <p>An init segment that differs from the current one, or the same one followed by a fragment whose sequence
 * number does not continue the buffered ones, means the stream restarted: the buffered fragments are dropped, since
 * they cannot be followed by the new stream's in one file.
 *
 * <p>With {@code preEventSeconds == 0} the buffer keeps no media at all, only the latest init segment: nothing
 * recorded before the trigger is kept (0 means "disabled", including its privacy meaning), so the recording starts
 * at the next keyframe fragment after the trigger, up to one GOP later.
 *
 * <p>Thread-safe: the muxer's thread feeds it while any thread may take a {@link #snapshot()}. Fragments are held by
 * reference; their byte arrays must not be modified after they are emitted.
 */
public final class PreEventBuffer implements FragmentSink {
    /** Longest pre-event buffer the unit configuration allows. */
    public static final int MAX_PRE_EVENT_SECONDS = 120;

    private final long preEventMicros;
    private final long maxBytes;
    private final Deque<List<Fragment>> gops = new ArrayDeque<>();
    private InitSegment init;
    private long bufferedMicros;
    private long bufferedBytes;
    private long evictedForMemory;
    private boolean overCap;
    private boolean sameInitAgain;

    /**
     * @param preEventSeconds 0..120 seconds of media to keep before a trigger
     * @param maxBytes memory cap of the buffered fragments, at least 1 MiB
     */
    public PreEventBuffer(int preEventSeconds, long maxBytes) {
        if (preEventSeconds < 0 || preEventSeconds > MAX_PRE_EVENT_SECONDS) {
            throw new IllegalArgumentException("preEventSeconds " + preEventSeconds + " is out of range 0.." + MAX_PRE_EVENT_SECONDS);
        }
        if (maxBytes < 1 << 20) throw new IllegalArgumentException("maxBytes " + maxBytes + " is below 1 MiB");
        this.preEventMicros = preEventSeconds * 1_000_000L;
        this.maxBytes = maxBytes;
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
            if (!gops.isEmpty() && fragment.sequence() != gops.getLast().getLast().sequence() + 1) clear();
        }
        if (fragment.keyframeStart()) {
            gops.addLast(new ArrayList<>());
        } else if (gops.isEmpty()) {
            return; // no keyframe to start from yet
        }
        gops.getLast().add(fragment);
        bufferedMicros += fragment.durationMicros();
        bufferedBytes += fragment.bytes().length;
        trim();
    }

    private void trim() {
        while (gops.size() > 1 && bufferedMicros - duration(gops.getFirst()) >= preEventMicros) evictHead();
        if (bufferedBytes <= maxBytes) {
            overCap = false;
            return;
        }
        long before = bufferedMicros;
        while (bufferedBytes > maxBytes && !gops.isEmpty()) {
            evictHead();
            evictedForMemory++;
        }
        if (!overCap) {
            Logger.warn("pre-event buffer over its cap of {} bytes: evicted GOPs, now {} ms kept instead of {} ms"
                    + " (lower the bit rate or raise the cap)", maxBytes, bufferedMicros / 1000, before / 1000);
            overCap = true;
        }
    }

    private void evictHead() {
        List<Fragment> head = gops.removeFirst();
        bufferedMicros -= duration(head);
        for (Fragment f : head) bufferedBytes -= f.bytes().length;
    }

    private static long duration(List<Fragment> gop) {
        long sum = 0;
        for (Fragment f : gop) sum += f.durationMicros();
        return sum;
    }

    /** The init segment and the buffered fragments, to prepend to a new recording; the buffer keeps them. */
    public synchronized PreEventSnapshot snapshot() {
        List<Fragment> all = new ArrayList<>();
        for (List<Fragment> gop : gops) all.addAll(gop);
        return new PreEventSnapshot(init, all);
    }

    /** Drops the buffered fragments (not the init), e.g. when the camera stops. */
    public synchronized void clear() {
        gops.clear();
        bufferedMicros = 0;
        bufferedBytes = 0;
    }

    public synchronized long bufferedMicros() {
        return bufferedMicros;
    }

    public synchronized long bufferedBytes() {
        return bufferedBytes;
    }

    /** GOPs evicted early to stay under the byte cap, since start. */
    public synchronized long evictedForMemory() {
        return evictedForMemory;
    }

    public long maxBytes() {
        return maxBytes;
    }
}
