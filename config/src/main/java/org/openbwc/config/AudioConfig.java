package org.openbwc.config;

import java.util.Map;

/** Microphone capture and AAC encoding of a unit. */
public record AudioConfig(
        @Doc("Record audio with the video.") @DefaultValue("true")
        boolean enabled,

        @Doc("ALSA capture device (used by the v4l2 source), e.g. default or hw:1.")
        @DefaultValue("default")
        @TextLength(min = 1, max = 256)
        String device,

        @Doc("Sample rate in Hz.") @DefaultValue("48000") @IntRange(min = 8000, max = 48000)
        int sampleRate,

        @Doc("Audio channels.") @DefaultValue("1") @IntRange(min = 1, max = 2)
        int channels,

        @Doc("AAC bit rate in kilobits per second.") @DefaultValue("64") @IntRange(min = 16, max = 320)
        int bitrateKbps,

        @Doc("Loudspeaker for the control room's voice and alert tones: default (the system's default output),"
                + " part of an ALSA output's name, e.g. Headphones or plughw:1,0, or none for a unit without one.")
        @DefaultValue("default")
        @TextLength(min = 1, max = 256)
        String speaker) {

    public AudioConfig {
        Constraints.check(AudioConfig.class, enabled, device, sampleRate, channels, bitrateKbps, speaker);
    }

    /** All documented defaults. */
    public static AudioConfig defaults() {
        return (AudioConfig) RecordSpec.of(AudioConfig.class).defaults(Map.of());
    }
}
