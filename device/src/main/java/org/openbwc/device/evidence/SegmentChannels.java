package org.openbwc.device.evidence;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Opens the segment files a recording appends to. The only implementation the unit uses is {@link #DEFAULT}; the
 * seam exists so that a test can hand out channels that fail as a full disk does ({@code No space left on device})
 * and check what the writer does then. Package-private on purpose.
 */
@FunctionalInterface
interface SegmentChannels {
    /** Creates {@code file}, which must not exist, for writing. */
    FileChannel create(Path file) throws IOException;

    SegmentChannels DEFAULT = file -> FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
}
