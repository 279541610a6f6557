package org.openbwc.hal;

/**
 * The unit's loudspeaker: the control room's voice and the unit's alert tones, as signed 16-bit mono PCM at
 * {@link #SAMPLE_RATE}. Playback is queued and never blocks the caller; the queue holds at most
 * {@link #MAX_QUEUED_MILLIS}, so a late burst of audio cannot build up delay in a conversation.
 */
public interface Speaker extends AutoCloseable {
    /** Samples per second of everything played; 48 kHz is Opus's native rate, so voice needs no resampling. */
    int SAMPLE_RATE = 48_000;

    /** Sound queued beyond this is dropped: a voice call that falls behind must catch up, not drift. */
    long MAX_QUEUED_MILLIS = 500;

    /** A unit without a speaker (config {@code audio.speaker: none}): plays nothing. */
    Speaker NONE = new Speaker() {
        @Override
        public int play(short[] samples) {
            return samples.length;
        }

        @Override
        public void silence() {}

        @Override
        public long queuedMillis() {
            return 0;
        }

        @Override
        public boolean available() {
            return false;
        }

        @Override
        public void close() {}
    };

    /**
     * Queues {@code samples} for playback after what is already queued.
     *
     * @return how many samples were dropped (0 normally; all of them on a unit without a speaker)
     */
    int play(short[] samples);

    /** Drops everything queued and not yet played, e.g. when the officer turns stealth on mid-call. */
    void silence();

    /** Milliseconds of sound queued and not yet played. */
    long queuedMillis();

    /** Whether sound can come out at all (false without a speaker or when the audio device failed to open). */
    boolean available();

    @Override
    void close();
}
