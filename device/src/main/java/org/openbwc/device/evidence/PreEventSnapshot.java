package org.openbwc.device.evidence;

import java.util.List;
import org.openbwc.device.media.Fragment;
import org.openbwc.device.media.InitSegment;

/**
 * What the pre-event buffer held at the trigger: the init segment (null before the stream's first init) and the
 * buffered fragments, oldest first, the first of them a keyframe fragment (or none at all).
 */
public record PreEventSnapshot(InitSegment init, List<Fragment> fragments) {
    public PreEventSnapshot {
        fragments = List.copyOf(fragments);
        if (!fragments.isEmpty() && !fragments.getFirst().keyframeStart()) {
            throw new IllegalArgumentException("pre-event fragments must start on a keyframe, first is fragment "
                    + fragments.getFirst().sequence());
        }
    }

    public static PreEventSnapshot empty() {
        return new PreEventSnapshot(null, List.of());
    }

    /** Media time of the buffered fragments. */
    public long durationMicros() {
        long sum = 0;
        for (Fragment f : fragments) sum += f.durationMicros();
        return sum;
    }

    public long bytes() {
        long sum = 0;
        for (Fragment f : fragments) sum += f.bytes().length;
        return sum;
    }
}
