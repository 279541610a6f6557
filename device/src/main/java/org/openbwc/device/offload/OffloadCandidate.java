package org.openbwc.device.offload;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import org.openbwc.protocol.Backlog;

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

    /** What {@code waiting} adds up to, as the unit's status reports it. */
    public static Backlog backlog(List<OffloadCandidate> waiting) {
        long bytes = 0;
        Instant oldest = null;
        for (OffloadCandidate c : waiting) {
            bytes += c.bytes();
            if (oldest == null || c.startedAt().isBefore(oldest)) oldest = c.startedAt();
        }
        return new Backlog(waiting.size(), bytes, oldest);
    }
}
