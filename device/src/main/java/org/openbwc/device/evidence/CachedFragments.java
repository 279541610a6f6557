package org.openbwc.device.evidence;

import java.io.UncheckedIOException;
import java.util.AbstractList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.RandomAccess;
import java.util.concurrent.atomic.AtomicBoolean;
import org.openbwc.device.evidence.PreEventFiles.CachedFragment;
import org.openbwc.device.media.Fragment;
import org.tinylog.Logger;

/**
 * A snapshot's fragments as a list that reads each fragment's bytes when it is asked for (from the heap or the
 * pre-event files), so a snapshot of 120 s of media never has to fit in memory at once. Reading may throw an
 * {@link java.io.UncheckedIOException}. Its metadata (keyframes, durations, sizes) needs no reading.
 * <p>
 * {@link #get} throws for a fragment that cannot be read back (a failed read, or sealed bytes that were altered);
 * {@link #iterator()}, what a recording copies the snapshot with, leaves out that fragment and the rest of its GOP
 * instead, with a WARN, and goes on at the next keyframe: the frames after a missing one would decode against frames
 * that are not there, and a recording should not lose its live part, or show wrong pictures, for damaged scratch.
 * The GOP's fragments before the damaged one were authentic and decode on their own, so they stay. Iterating may
 * thus yield fewer than {@link #size()} fragments.
 */
final class CachedFragments extends AbstractList<Fragment> implements RandomAccess {
    private final List<CachedFragment> entries;
    private final Runnable release;
    private final AtomicBoolean released = new AtomicBoolean();

    CachedFragments(List<CachedFragment> entries, Runnable release) {
        this.entries = List.copyOf(entries);
        this.release = release;
    }

    @Override
    public Fragment get(int index) {
        if (released.get()) throw new IllegalStateException("pre-event snapshot was closed");
        return entries.get(index).load();
    }

    @Override
    public Iterator<Fragment> iterator() {
        if (released.get()) throw new IllegalStateException("pre-event snapshot was closed");
        return new Readable();
    }

    @Override
    public int size() {
        return entries.size();
    }

    boolean keyframeAt(int index) {
        return entries.get(index).keyframeStart;
    }

    long durationMicros() {
        long sum = 0;
        for (CachedFragment c : entries) sum += c.durationMicros;
        return sum;
    }

    long bytes() {
        long sum = 0;
        for (CachedFragment c : entries) sum += c.length;
        return sum;
    }

    void release() {
        if (released.compareAndSet(false, true)) release.run();
    }

    /** The fragments that read back, one ahead of the caller so that {@code hasNext} knows. */
    private final class Readable implements Iterator<Fragment> {
        private int next;
        private Fragment ahead;

        @Override
        public boolean hasNext() {
            while (ahead == null && next < entries.size()) {
                int index = next++;
                try {
                    ahead = get(index);
                } catch (UncheckedIOException e) {
                    skipRestOfGop(index, e);
                }
            }
            return ahead != null;
        }

        @Override
        public Fragment next() {
            if (!hasNext()) throw new NoSuchElementException();
            Fragment f = ahead;
            ahead = null;
            return f;
        }

        private void skipRestOfGop(int damaged, UncheckedIOException e) {
            while (next < entries.size() && !entries.get(next).keyframeStart) next++;
            CachedFragment c = entries.get(damaged);
            c.gop.files.noteUnreadable();
            long last = entries.get(next - 1).sequence;
            Logger.warn(
                    "pre-event GOP {}: {} left out of the snapshot ({}: {}); it goes on at the next keyframe",
                    c.gop.number,
                    last == c.sequence ? "fragment " + last : "fragments " + c.sequence + "-" + last,
                    e.getMessage(),
                    e.getCause() != null ? e.getCause().getMessage() : "");
        }
    }
}
