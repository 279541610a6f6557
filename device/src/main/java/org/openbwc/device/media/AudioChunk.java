package org.openbwc.device.media;

/**
 * Interleaved signed 16-bit samples captured in one grab, copied off the grabber's reused buffer.
 *
 * @param capturedNanos {@link System#nanoTime()} when the grab returned, to line audio up with video at the start
 */
record AudioChunk(short[] pcm, int sampleRate, int channels, long capturedNanos) {
    long durationNanos() {
        return pcm.length / channels * 1_000_000_000L / sampleRate;
    }
}
