package org.openbwc.device.offload;

/**
 * Keeps an upload under a rate: after each chunk, says how long to wait so that the bytes sent since the start never
 * run ahead of {@code bytesPerSecond}. Pure: the caller passes the clock and does the waiting.
 */
final class BandwidthCap {
    private final double bytesPerNano;
    private long startNanos = -1;
    private long sent;

    BandwidthCap(long bytesPerSecond) {
        if (bytesPerSecond <= 0) throw new IllegalArgumentException("a bandwidth cap must be positive");
        this.bytesPerNano = bytesPerSecond / 1e9;
    }

    /** Counts {@code bytes} sent at {@code nowNanos}; returns the nanoseconds to wait before sending more. */
    long sent(long bytes, long nowNanos) {
        if (startNanos < 0) startNanos = nowNanos;
        sent += bytes;
        long due = startNanos + (long) (sent / bytesPerNano);
        return Math.max(0, due - nowNanos);
    }

    /** Starts over (after a pause, so the idle time is not spent as a burst). */
    void restart() {
        startNanos = -1;
        sent = 0;
    }
}
