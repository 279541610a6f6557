package org.openbwc.device.core;

/**
 * Whether the battery is at its critical level (on battery, at or below {@link #CRITICAL_PERCENT}). Reaching it stops
 * a recording at once and seals it as {@code battery-low}: a clean seal now, rather than a recovery after the power
 * goes. The officer may still start another; it runs until the power goes and is recovered at the next boot.
 */
public record BatteryState(boolean critical) implements ControllerInput {
    /**
     * 3 %: a pack has then given almost all it has, while sealing (well under a second) and reporting still fit in
     * what is left. Not tuned on real hardware yet, whose gauges can drop a few percent at once near empty.
     */
    public static final int CRITICAL_PERCENT = 3;

    /** Whether a reading of {@code percent}, {@code charging} or not, is critical. */
    public static boolean isCritical(int percent, boolean charging) {
        return !charging && percent <= CRITICAL_PERCENT;
    }
}
