package org.openbwc.device.evidence;

import java.nio.file.Path;
import java.time.Instant;
import org.openbwc.evidence.EndReason;

/**
 * A recording the writer has sealed: its directory, what it holds and why it ended.
 *
 * @param droppedFragments fragments of the stream that did not make it into the recording (disk too slow)
 */
public record SealedRecording(
        String recordingId,
        Path directory,
        EndReason reason,
        Instant startedAt,
        Instant endedAt,
        long durationMillis,
        long fragmentCount,
        int segmentCount,
        long bytes,
        long droppedFragments,
        String chainHead) {}
