package org.openbwc.gateway.audit;

import java.time.Instant;

/**
 * What {@link AuditLog#verify} found in an audit log.
 *
 * @param intact whether every line verified
 * @param entries entries read (torn lines excluded)
 * @param unkeyedEntries entries from before the keyed chain began (plain SHA-256: they prove order, not authorship)
 * @param checkpoints checkpoints whose signature verified
 * @param lastSeq the sequence number of the last entry that verified
 * @param tornLines unreadable lines the chain continues around (a power cut mid-write)
 * @param brokenLine the first line (1-based) that does not verify; 0 when intact
 * @param problem why that line does not verify; empty when intact
 * @param lastCheckpointSeq the sequence number of the last checkpoint whose signature verified; 0 when none did
 * @param lastCheckpointAt when that checkpoint was written; null when none verified
 */
public record AuditVerification(
        boolean intact,
        long entries,
        long unkeyedEntries,
        int checkpoints,
        long lastSeq,
        int tornLines,
        long brokenLine,
        String problem,
        long lastCheckpointSeq,
        Instant lastCheckpointAt) {}
