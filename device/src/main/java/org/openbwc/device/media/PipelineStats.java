package org.openbwc.device.media;

/**
 * Counters of a running {@link MediaPipeline}, for telemetry and benchmarks.
 *
 * @param framesGrabbed pictures the camera (or the test pattern) delivered
 * @param framesEncoded pictures the encoder took
 * @param framesDropped pictures dropped because the encoder was behind (the hand-off queue was full)
 * @param audioChunksDropped microphone reads dropped for the same reason
 * @param fragments fMP4 fragments handed to the sink
 * @param bytes fMP4 bytes produced, init segment included
 * @param encoderFps pictures encoded per second over the last second or so
 */
public record PipelineStats(
        long framesGrabbed,
        long framesEncoded,
        long framesDropped,
        long audioChunksDropped,
        long fragments,
        long bytes,
        double encoderFps) {}
