package org.openbwc.device.evidence;

import java.nio.file.Path;
import java.time.Instant;

/**
 * What recovery did with one recording that was never closed, so the device can publish an event for it.
 *
 * @param sealed false if the journal could not be trusted; the directory is then left exactly as it was found
 * @param endedAt the last fragment's wall clock (null when not sealed)
 * @param bytesTruncated bytes of torn writes cut off the segment files (moved to {@code *.torn-at-<offset>} files)
 * @param detail one line for the log and the event, e.g. {@code sealed: 152 fragments, 30.4 s; cut 1200 bytes}
 */
public record RecoveredRecording(
        String recordingId,
        Path directory,
        boolean sealed,
        Instant endedAt,
        long durationMillis,
        long fragmentCount,
        long bytesTruncated,
        String detail) {}
