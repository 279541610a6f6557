package org.openbwc.device.evidence;

/**
 * The writer as the unit status shows it.
 *
 * @param recordingId the open recording, or null when none is
 * @param mediaDurationMillis media time written to the open recording so far
 * @param bytesWritten bytes of segment files written to the open recording so far
 * @param droppedFragments fragments missing from the open recording (journaled as gaps so far)
 * @param queueOverflows fragments the muxer handed over while the writer's queue was full (the usual cause of gaps)
 * @param queuedFragments fragments waiting for the writer's thread
 * @param freeBytes usable bytes left on the evidence file system
 * @param totalBytes size of the evidence file system
 */
public record WriterStats(
        String recordingId,
        long mediaDurationMillis,
        long bytesWritten,
        long fragmentsWritten,
        long droppedFragments,
        long queueOverflows,
        int queuedFragments,
        long freeBytes,
        long totalBytes) {
    public boolean recording() {
        return recordingId != null;
    }
}
