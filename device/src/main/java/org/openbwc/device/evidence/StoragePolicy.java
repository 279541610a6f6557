package org.openbwc.device.evidence;

/**
 * Decides from the evidence file system's free space whether recording may go on: {@link Level#OK},
 * {@link Level#LOW} (raise the storage alarm, keep recording) or {@link Level#RESERVE} (stop recording cleanly while
 * there is still room to seal it: the last segment, the journal's close line and the manifest). Pure: no I/O.
 *
 * @param lowPercent free space, as a percentage of the total, below which storage is LOW (0..100)
 * @param reserveBytes free bytes below which recording must stop; must cover sealing plus whatever the writer
 *     still has queued (a few MB; default {@value #DEFAULT_RESERVE_BYTES})
 */
public record StoragePolicy(int lowPercent, long reserveBytes) {
    public static final long DEFAULT_RESERVE_BYTES = 64L << 20;

    /** What the policy says about the current free space. */
    public enum Level {
        OK,
        LOW,
        RESERVE
    }

    public StoragePolicy {
        if (lowPercent < 0 || lowPercent > 100)
            throw new IllegalArgumentException("lowPercent " + lowPercent + " is out of range 0..100");
        if (reserveBytes < 0) throw new IllegalArgumentException("reserveBytes " + reserveBytes + " is negative");
    }

    /** LOW below 10 % free, RESERVE below 64 MiB free. */
    public static StoragePolicy defaults() {
        return new StoragePolicy(10, DEFAULT_RESERVE_BYTES);
    }

    public Level assess(long freeBytes, long totalBytes) {
        if (freeBytes < 0 || totalBytes < 0 || freeBytes > totalBytes) {
            throw new IllegalArgumentException("freeBytes " + freeBytes + " / totalBytes " + totalBytes
                    + " is inconsistent (allowed: 0 <= free <= total)");
        }
        if (freeBytes < reserveBytes) return Level.RESERVE;
        return freeBytes * 100.0 < totalBytes * (double) lowPercent ? Level.LOW : Level.OK;
    }

    /** Whether a new recording may start: not at RESERVE. */
    public boolean mayRecord(long freeBytes, long totalBytes) {
        return assess(freeBytes, totalBytes) != Level.RESERVE;
    }
}
