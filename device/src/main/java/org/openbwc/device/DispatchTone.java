package org.openbwc.device;

import org.openbwc.hal.Speaker;

/**
 * The tone a unit plays on its loudspeaker when a dispatch arrives: short rising beeps (two tones, so it is not taken
 * for a phone), more of them the more urgent the dispatch. Signed 16-bit mono PCM at {@link Speaker#SAMPLE_RATE}.
 */
final class DispatchTone {
    static final int LOW_HZ = 880;
    static final int HIGH_HZ = 1_320;
    static final int BEEP_MILLIS = 120;
    static final int GAP_MILLIS = 60;
    /** Loud enough to hear on a street, with headroom so the small speaker does not distort. */
    static final double AMPLITUDE = 0.6 * Short.MAX_VALUE;
    /** A 5 ms ramp at each edge keeps the beeps from clicking. */
    static final int RAMP_SAMPLES = Speaker.SAMPLE_RATE / 200;

    private DispatchTone() {}

    /** The samples for a dispatch of {@code priority} ({@code routine}: 2 beeps, {@code urgent}: 4, else 6). */
    static short[] samples(String priority) {
        int beeps = switch (priority) {
            case "routine" -> 2;
            case "urgent" -> 4;
            default -> 6;
        };
        int beep = Speaker.SAMPLE_RATE * BEEP_MILLIS / 1000;
        int gap = Speaker.SAMPLE_RATE * GAP_MILLIS / 1000;
        short[] out = new short[beeps * (beep + gap)];
        for (int b = 0; b < beeps; b++) {
            double hz = b % 2 == 0 ? LOW_HZ : HIGH_HZ;
            int start = b * (beep + gap);
            for (int i = 0; i < beep; i++) {
                double ramp = Math.min(1.0, Math.min(i, beep - 1 - i) / (double) RAMP_SAMPLES);
                out[start + i] =
                        (short) Math.round(AMPLITUDE * ramp * Math.sin(2 * Math.PI * hz * i / Speaker.SAMPLE_RATE));
            }
        }
        return out;
    }
}
