package org.openbwc.device.evidence;

import java.util.AbstractList;
import java.util.List;
import java.util.RandomAccess;
import java.util.concurrent.atomic.AtomicBoolean;
import org.openbwc.device.evidence.PreEventFiles.CachedFragment;
import org.openbwc.device.media.Fragment;

/**
 * A snapshot's fragments as a list that reads each fragment's bytes when it is asked for (from the heap or the
 * pre-event files), so a snapshot of 120 s of media never has to fit in memory at once. Reading may throw an
 * {@link java.io.UncheckedIOException}. Its metadata (keyframes, durations, sizes) needs no reading.
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
}
