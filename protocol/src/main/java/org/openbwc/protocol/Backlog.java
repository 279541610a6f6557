package org.openbwc.protocol;

import java.time.Instant;

/**
 * A unit's recordings not yet in the agency's evidence store, as its status reports them.
 *
 * @param oldest when the oldest of them started; null when there are none
 */
public record Backlog(int recordings, long bytes, Instant oldest) {
    public Backlog {
        if (recordings < 0) throw new IllegalArgumentException("recordings " + recordings + " is negative");
        if (bytes < 0) throw new IllegalArgumentException("bytes " + bytes + " is negative");
        if (recordings == 0 && oldest != null) {
            throw new IllegalArgumentException("a backlog of no recordings has no oldest");
        }
    }
}
