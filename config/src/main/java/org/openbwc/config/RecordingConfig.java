package org.openbwc.config;

import java.util.Map;

/** How a unit records: pre-event buffer, post-event tail and the timings of its button gestures. */
public record RecordingConfig(
        @Doc("Video kept in a rolling buffer and prepended to every recording, so the moments before the button press"
                + " are captured. 0 disables the buffer.")
        @DefaultValue("30")
        @IntRange(min = 0, max = 120)
        int preEventSeconds,

        @Doc("Video still recorded after a confirmed stop.") @DefaultValue("10") @IntRange(min = 0, max = 30)
        int postEventSeconds,

        @Doc("Whether the pre-event buffer also keeps audio; off by default because many jurisdictions forbid"
                + " recording audio before the officer starts a recording.")
        @DefaultValue("false")
        boolean preEventAudio,

        @Doc("Longest gap between two presses that still counts as a double press.")
        @DefaultValue("400")
        @IntRange(min = 150, max = 1000)
        int doublePressMillis,

        @Doc("How long the record button must be held to request a stop.")
        @DefaultValue("3000")
        @IntRange(min = 1000, max = 10000)
        int stopHoldMillis,

        @Doc("Time the officer has to confirm a requested stop before recording simply continues.")
        @DefaultValue("5000")
        @IntRange(min = 1000, max = 15000)
        int stopConfirmMillis,

        @Doc("Interval of the haptic reminder that a recording is running. 0 turns the reminder off.")
        @DefaultValue("60")
        @IntRange(min = 0, max = 600)
        int reminderIntervalSeconds,

        @Doc("How long the SOS button must be held to raise an SOS.")
        @DefaultValue("2000")
        @IntRange(min = 500, max = 10000)
        int sosHoldMillis,

        @Doc("How long the function button must be held to toggle stealth mode (LEDs and haptics off).")
        @DefaultValue("3000")
        @IntRange(min = 1000, max = 10000)
        int stealthHoldMillis) {

    public RecordingConfig {
        Constraints.check(
                RecordingConfig.class,
                preEventSeconds,
                postEventSeconds,
                preEventAudio,
                doublePressMillis,
                stopHoldMillis,
                stopConfirmMillis,
                reminderIntervalSeconds,
                sosHoldMillis,
                stealthHoldMillis);
    }

    /** All documented defaults. */
    public static RecordingConfig defaults() {
        return (RecordingConfig) RecordSpec.of(RecordingConfig.class).defaults(Map.of());
    }

    /** Copy with another pre-event buffer length. */
    public RecordingConfig withPreEventSeconds(int seconds) {
        return new RecordingConfig(
                seconds,
                postEventSeconds,
                preEventAudio,
                doublePressMillis,
                stopHoldMillis,
                stopConfirmMillis,
                reminderIntervalSeconds,
                sosHoldMillis,
                stealthHoldMillis);
    }

    /** Copy with another post-event tail. */
    public RecordingConfig withPostEventSeconds(int seconds) {
        return new RecordingConfig(
                preEventSeconds,
                seconds,
                preEventAudio,
                doublePressMillis,
                stopHoldMillis,
                stopConfirmMillis,
                reminderIntervalSeconds,
                sosHoldMillis,
                stealthHoldMillis);
    }

    /** Copy with pre-event audio switched on or off. */
    public RecordingConfig withPreEventAudio(boolean audio) {
        return new RecordingConfig(
                preEventSeconds,
                postEventSeconds,
                audio,
                doublePressMillis,
                stopHoldMillis,
                stopConfirmMillis,
                reminderIntervalSeconds,
                sosHoldMillis,
                stealthHoldMillis);
    }

    /** Copy with another reminder interval; 0 turns reminders off. */
    public RecordingConfig withReminderIntervalSeconds(int seconds) {
        return new RecordingConfig(
                preEventSeconds,
                postEventSeconds,
                preEventAudio,
                doublePressMillis,
                stopHoldMillis,
                stopConfirmMillis,
                seconds,
                sosHoldMillis,
                stealthHoldMillis);
    }
}
