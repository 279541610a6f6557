package org.openbwc.device.evidence;

import java.util.List;
import org.openbwc.device.media.Fragment;
import org.openbwc.device.media.InitSegment;

/**
 * What the pre-event buffer held at the trigger: the init segment (null before the stream's first init) and the
 * buffered fragments, oldest first, the first of them a keyframe fragment (or none at all).
 * <p>
 * A snapshot of a {@link PreEventBuffer} reads each fragment from the buffer's files as it is asked for and holds
 * those files until {@link #close()}; one made of fragments in memory ({@code new PreEventSnapshot(init, list)})
 * needs no closing. Iterating a buffer's snapshot leaves out a GOP from a fragment on that cannot be read back
 * (its file damaged, or not this boot's), with a WARN; {@code get} throws for it.
 */
public record PreEventSnapshot(InitSegment init, List<Fragment> fragments) implements AutoCloseable {
    public PreEventSnapshot {
        fragments = fragments instanceof CachedFragments ? fragments : List.copyOf(fragments);
        if (!fragments.isEmpty() && !keyframeAt(fragments, 0)) {
            throw new IllegalArgumentException("pre-event fragments must start on a keyframe");
        }
    }

    public static PreEventSnapshot empty() {
        return new PreEventSnapshot(null, List.of());
    }

    private static boolean keyframeAt(List<Fragment> fragments, int index) {
        return fragments instanceof CachedFragments cached
                ? cached.keyframeAt(index)
                : fragments.get(index).keyframeStart();
    }

    /** Media time of the buffered fragments. */
    public long durationMicros() {
        if (fragments instanceof CachedFragments cached) return cached.durationMicros();
        long sum = 0;
        for (Fragment f : fragments) sum += f.durationMicros();
        return sum;
    }

    public long bytes() {
        if (fragments instanceof CachedFragments cached) return cached.bytes();
        long sum = 0;
        for (Fragment f : fragments) sum += f.bytes().length;
        return sum;
    }

    /** The fragments from the newest keyframe on: where a live picture can start (empty if there is none). */
    public List<Fragment> lastGop() {
        for (int i = fragments.size() - 1; i >= 0; i--) {
            if (keyframeAt(fragments, i)) return fragments.subList(i, fragments.size());
        }
        return List.of();
    }

    /** Lets the buffer delete the files this snapshot held. Idempotent. */
    @Override
    public void close() {
        if (fragments instanceof CachedFragments cached) cached.release();
    }
}
