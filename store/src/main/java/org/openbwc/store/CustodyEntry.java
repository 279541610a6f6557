package org.openbwc.store;

import java.time.Instant;
import java.util.Objects;

/**
 * One entry of a recording's custody log.
 *
 * @param seq 1 for the recording's first entry, then one more for each
 * @param actor an operator's name, a unit id, or {@code retention}
 * @param address where the action came from; null for the gateway's own work
 * @param details free text (for example the hashes checked at offload); may be null
 * @param prevHash the previous entry's hash, {@link CustodyChain#GENESIS} for the first
 * @param hash this entry's hash over its fields and {@code prevHash} ({@link CustodyChain}); null only in an entry not
 *     yet appended
 */
public record CustodyEntry(
        String recordingId,
        long seq,
        Instant at,
        String actor,
        String address,
        CustodyAction action,
        String details,
        String prevHash,
        String hash) {
    public CustodyEntry {
        Objects.requireNonNull(recordingId, "recordingId");
        at = Times.micros(Objects.requireNonNull(at, "a custody entry needs a time"));
        if (actor == null || actor.isBlank()) throw new IllegalArgumentException("a custody entry needs an actor");
        Objects.requireNonNull(action, "action");
        if (seq < 1) throw new IllegalArgumentException("custody seq " + seq + " is not positive");
    }
}
