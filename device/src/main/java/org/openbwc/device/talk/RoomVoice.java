package org.openbwc.device.talk;

import org.openbwc.device.media.SoundMix;

/**
 * The room's voice on its way into the unit's encoded audio (a "sidetone"): decoded 48 kHz PCM goes in as it
 * arrives, and the audio capture thread mixes as much as each microphone chunk lasts, so the recording holds both
 * sides of the call in its one signed audio track. Holds at most {@link #MAX_MILLIS}; older sound is dropped, so a
 * burst after a network stall does not lag behind the conversation.
 */
public final class RoomVoice implements SoundMix {
    static final int RATE = 48_000;
    static final long MAX_MILLIS = 500;
    private static final int CAPACITY = (int) (RATE * MAX_MILLIS / 1000);

    private final short[] ring = new short[CAPACITY];
    private int head;
    private int size;
    private double readPos;

    /** Queues decoded room voice (mono, 48 kHz). */
    public synchronized void add(short[] pcm) {
        for (short v : pcm) {
            if (size == CAPACITY) {
                head = (head + 1) % CAPACITY;
                size--;
            }
            ring[(head + size) % CAPACITY] = v;
            size++;
        }
    }

    /** Forgets what is queued (the call ended). */
    public synchronized void clear() {
        size = 0;
        readPos = 0;
    }

    @Override
    public synchronized void apply(short[] pcm, int sampleRate, int channels) {
        if (size == 0) return;
        int frames = pcm.length / Math.max(1, channels);
        double step = (double) RATE / sampleRate;
        for (int i = 0; i < frames && size > 0; i++) {
            short v = ring[head];
            for (int c = 0; c < channels; c++) {
                int mixed = pcm[i * channels + c] + v;
                pcm[i * channels + c] = (short) Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, mixed));
            }
            readPos += step;
            while (readPos >= 1 && size > 0) {
                head = (head + 1) % CAPACITY;
                size--;
                readPos -= 1;
            }
        }
    }

    /** Milliseconds of room voice waiting to be mixed. */
    public synchronized long queuedMillis() {
        return size * 1000L / RATE;
    }
}
