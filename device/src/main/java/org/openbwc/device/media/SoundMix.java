package org.openbwc.device.media;

/**
 * Changes a chunk of microphone sound before it is encoded, on the audio capture thread: the emulator's microphone
 * replacing the test tone, the control room's voice mixed in during a call. Must be quick and thread-safe.
 */
@FunctionalInterface
public interface SoundMix {
    /** @param pcm interleaved signed 16-bit samples, changed in place */
    void apply(short[] pcm, int sampleRate, int channels);
}
