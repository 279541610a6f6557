package org.openbwc.hal.mock;

import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.openbwc.hal.Speaker;

/**
 * The emulated unit's loudspeaker: keeps what it "plays", each chunk with the wall-clock time it would start sounding
 * (after everything queued before it), so the virtual-units page can play it aloud and tests can find a tone in it.
 * Holds the last {@link #KEPT_MILLIS} of sound.
 */
public final class MockSpeaker implements Speaker {
    /** How much played sound is kept for readers that poll. */
    public static final long KEPT_MILLIS = 15_000;

    /**
     * One chunk of sound as the speaker played it.
     *
     * @param seq increasing from 1, for readers that poll with the last one they saw
     * @param startMillis epoch ms at which its first sample sounds
     * @param samples signed 16-bit mono PCM at {@link Speaker#SAMPLE_RATE}
     */
    public record Played(long seq, long startMillis, short[] samples) {
        public long durationMillis() {
            return samples.length * 1000L / SAMPLE_RATE;
        }
    }

    private final InstantSource time;
    private final Deque<Played> played = new ArrayDeque<>();
    private long nextSeq = 1;
    private long queueEndMillis;
    private long droppedSamples;
    private boolean closed;

    public MockSpeaker(InstantSource time) {
        this.time = time;
    }

    @Override
    public synchronized int play(short[] samples) {
        if (closed || samples.length == 0) return closed ? samples.length : 0;
        long now = time.millis();
        long start = Math.max(now, queueEndMillis);
        if (start - now > MAX_QUEUED_MILLIS) {
            droppedSamples += samples.length;
            return samples.length;
        }
        Played p = new Played(nextSeq++, start, samples.clone());
        played.addLast(p);
        queueEndMillis = start + p.durationMillis();
        while (!played.isEmpty() && played.peekFirst().startMillis() < now - KEPT_MILLIS) played.removeFirst();
        return 0;
    }

    @Override
    public synchronized void silence() {
        long now = time.millis();
        played.removeIf(p -> p.startMillis() > now);
        queueEndMillis = Math.min(queueEndMillis, now);
    }

    @Override
    public synchronized long queuedMillis() {
        return Math.max(0, queueEndMillis - time.millis());
    }

    @Override
    public boolean available() {
        return true;
    }

    /** The chunks played after the one numbered {@code afterSeq} (0 for all that are kept), oldest first. */
    public synchronized List<Played> playedAfter(long afterSeq) {
        List<Played> out = new ArrayList<>();
        for (Played p : played) if (p.seq() > afterSeq) out.add(p);
        return out;
    }

    /** Samples refused because the queue was full. */
    public synchronized long droppedSamples() {
        return droppedSamples;
    }

    @Override
    public synchronized void close() {
        closed = true;
    }
}
