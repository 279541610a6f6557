package org.openbwc.device.offload;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;

/**
 * A sealed recording waiting to be offloaded, with what decides its turn.
 *
 * @param urgent an SOS recording, or one the officer flagged with a marker: these go first
 * @param bytes the recording's files, for the backlog the status reports
 */
public record OffloadCandidate(String recordingId, Path dir, Instant startedAt, boolean urgent, long bytes) {
    /** Urgent first, then oldest first, then by id so the order is total. */
    public static final Comparator<OffloadCandidate> TURN = Comparator.comparing((OffloadCandidate c) -> !c.urgent())
            .thenComparing(OffloadCandidate::startedAt)
            .thenComparing(OffloadCandidate::recordingId);
}
