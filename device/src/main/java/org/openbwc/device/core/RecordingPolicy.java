package org.openbwc.device.core;

import java.util.ArrayList;
import java.util.List;

/**
 * Timing rules of the recording controller and the button gestures, in milliseconds; the lead maps config into it.
 *
 * @param postEventMillis how long recording continues after a confirmed stop; 0 ends it at once
 * @param doublePressMillis longest gap between two short-press releases that still makes a double press
 * @param stopHoldMillis how long RECORD must be held to arm a stop
 * @param stopConfirmMillis how long an armed stop waits for the confirming RECORD press
 * @param reminderIntervalMillis period of the haptic "you are recording" reminder; 0 turns it off
 * @param sosHoldMillis how long SOS must be held to raise or clear an SOS
 * @param stealthHoldMillis how long FUNCTION must be held to toggle stealth
 * @param locateMillis how long a remote locate signals
 */
public record RecordingPolicy(
        long postEventMillis,
        long doublePressMillis,
        long stopHoldMillis,
        long stopConfirmMillis,
        long reminderIntervalMillis,
        long sosHoldMillis,
        long stealthHoldMillis,
        long locateMillis) {
    public static final long DEFAULT_LOCATE_MILLIS = 15_000;
    /** Upper bound of every duration: a day is far beyond any sane setting and keeps {@code now + d} from overflowing. */
    public static final long MAX_MILLIS = 86_400_000;

    public RecordingPolicy {
        List<String> problems = new ArrayList<>();
        check(problems, "postEventMillis", postEventMillis, 0);
        check(problems, "doublePressMillis", doublePressMillis, 1);
        check(problems, "stopHoldMillis", stopHoldMillis, 1);
        check(problems, "stopConfirmMillis", stopConfirmMillis, 1);
        check(problems, "reminderIntervalMillis", reminderIntervalMillis, 0);
        check(problems, "sosHoldMillis", sosHoldMillis, 1);
        check(problems, "stealthHoldMillis", stealthHoldMillis, 1);
        check(problems, "locateMillis", locateMillis, 1);
        if (!problems.isEmpty())
            throw new IllegalArgumentException("invalid recording policy: " + String.join("; ", problems));
    }

    /** A policy with the default locate duration. */
    public RecordingPolicy(
            long postEventMillis,
            long doublePressMillis,
            long stopHoldMillis,
            long stopConfirmMillis,
            long reminderIntervalMillis,
            long sosHoldMillis,
            long stealthHoldMillis) {
        this(
                postEventMillis,
                doublePressMillis,
                stopHoldMillis,
                stopConfirmMillis,
                reminderIntervalMillis,
                sosHoldMillis,
                stealthHoldMillis,
                DEFAULT_LOCATE_MILLIS);
    }

    /** Values close to commercial units, for demos and tests. */
    public static RecordingPolicy defaults() {
        return new RecordingPolicy(30_000, 500, 1_500, 5_000, 120_000, 3_000, 3_000, DEFAULT_LOCATE_MILLIS);
    }

    /** How long the given button must be held before it counts as a HOLD. */
    public long holdMillis(ButtonName button) {
        return switch (button) {
            case RECORD -> stopHoldMillis;
            case FUNCTION -> stealthHoldMillis;
            case SOS -> sosHoldMillis;
        };
    }

    private static void check(List<String> problems, String name, long value, long min) {
        if (value < min || value > MAX_MILLIS) {
            problems.add(name + ": " + value + " is out of range " + min + ".." + MAX_MILLIS);
        }
    }
}
