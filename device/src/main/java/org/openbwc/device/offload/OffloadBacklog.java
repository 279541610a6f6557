package org.openbwc.device.offload;

import java.time.Instant;
import java.util.List;

/**
 * What is still to be offloaded, as the unit's status reports it.
 *
 * @param oldest the start of the oldest recording not yet offloaded; null when none
 */
public record OffloadBacklog(int recordings, long bytes, Instant oldest) {
    public static final OffloadBacklog NONE = new OffloadBacklog(0, 0, null);

    static OffloadBacklog of(List<OffloadCandidate> waiting) {
        long bytes = 0;
        Instant oldest = null;
        for (OffloadCandidate c : waiting) {
            bytes += c.bytes();
            if (oldest == null || c.startedAt().isBefore(oldest)) oldest = c.startedAt();
        }
        return new OffloadBacklog(waiting.size(), bytes, oldest);
    }
}
