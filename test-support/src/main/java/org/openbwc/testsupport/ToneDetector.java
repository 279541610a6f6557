package org.openbwc.testsupport;

import java.util.OptionalLong;

/**
 * Finds a tone burst in 16-bit mono PCM (Goertzel over 5 ms windows), for the voice tests and bench/talk: where a
 * tone injected at one end of a call sounds at the other.
 */
public final class ToneDetector {
    /** The tone's amplitude must be at least this (of full scale) in a window; AAC and Opus keep a 0.4 tone near 0.4. */
    public static final double MIN_AMPLITUDE = 0.05;

    private final double frequency;
    private final int sampleRate;

    public ToneDetector(double frequency, int sampleRate) {
        if (frequency <= 0 || frequency >= sampleRate / 2.0)
            throw new IllegalArgumentException("frequency " + frequency + " Hz is not below half of " + sampleRate);
        this.frequency = frequency;
        this.sampleRate = sampleRate;
    }

    /**
     * The first sample of {@code pcm} (from {@code from}) at which a window holds the tone and it dominates the window.
     *
     * @return its index, or empty when the tone is not there
     */
    public OptionalLong onset(short[] pcm, int from) {
        int window = sampleRate / 200;
        for (int start = Math.max(0, from); start + window <= pcm.length; start += window / 2) {
            if (holdsTone(pcm, start, window)) return OptionalLong.of(start);
        }
        return OptionalLong.empty();
    }

    /** Whether the tone is in {@code pcm[start, start + length)}: loud enough, and most of the window's energy. */
    public boolean holdsTone(short[] pcm, int start, int length) {
        double k = 2 * Math.cos(2 * Math.PI * frequency / sampleRate);
        double s1 = 0, s2 = 0, energy = 0;
        for (int i = start; i < start + length; i++) {
            double x = pcm[i] / 32768.0;
            double s0 = x + k * s1 - s2;
            s2 = s1;
            s1 = s0;
            energy += x * x;
        }
        double power = (s1 * s1 + s2 * s2 - k * s1 * s2) / (length * (double) length / 4);
        double meanSquare = energy / length;
        // A pure tone of amplitude A: power = A^2, mean square = A^2 / 2.
        return power >= MIN_AMPLITUDE * MIN_AMPLITUDE && power >= meanSquare;
    }
}
