package org.openbwc.device.live;

import java.util.ArrayDeque;
import java.util.function.ToIntFunction;
import org.openbwc.device.media.Fragment;

/**
 * What waits to go out on a live stream, bounded in bytes: when the network is slower than the video it drops whole
 * GOPs, so the viewer resumes on a keyframe instead of falling ever further behind.
 *
 * <p>{@link #admit} decides each fragment of the encoder's stream: one already queued (the pre-event GOP a stream
 * starts with can overlap the live fragments) is ignored; while a keyframe is awaited, fragments are skipped; a
 * fragment that would take the queue over {@code maxBytes} drops everything waiting and makes the stream await the
 * next keyframe. Messages are {@code M} (the uplink's encoded frames, the push's raw fMP4 bytes) measured by the
 * given size function, which must return the same size for a message for as long as it is queued.
 *
 * <p>Not thread-safe: its owner guards it with its own lock. Admitting and queueing allocate nothing beyond what an
 * {@link ArrayDeque} needs to grow.
 */
final class GopDropQueue<M> {

    /** What {@link #admit} decided for a fragment. */
    enum Admission {
        /** Queue it: the caller adds its message with {@link #add(Fragment, Object)}. */
        SEND,
        /** Already queued or sent on this stream (the pre-event GOP overlapping the live fragments). */
        REPEAT,
        /** Skipped: the stream waits for a keyframe. */
        AWAIT_KEYFRAME,
        /** The queue was full: everything waiting was dropped, and the stream waits for the next keyframe. */
        DROP_GOP
    }

    private final long maxBytes;
    private final ToIntFunction<M> size;
    private final ArrayDeque<M> queue = new ArrayDeque<>();
    private long queuedBytes;
    private boolean needKeyframe;
    private long lastSequence = -1;
    private long skipped;

    /**
     * @param maxBytes most bytes of fragments waiting; more means the link is too slow for live
     * @param size a message's size in bytes
     */
    GopDropQueue(long maxBytes, ToIntFunction<M> size) {
        this.maxBytes = maxBytes;
        this.size = size;
    }

    /**
     * Decides what becomes of the encoder's next fragment; on {@link Admission#SEND} the caller queues its message
     * with {@link #add(Fragment, Object)}. The full-queue check weighs the fragment's own bytes.
     */
    Admission admit(Fragment f) {
        if (f.sequence() <= lastSequence) return Admission.REPEAT;
        if (needKeyframe && !f.keyframeStart()) {
            skipped++;
            return Admission.AWAIT_KEYFRAME;
        }
        if (queuedBytes + f.bytes().length > maxBytes) {
            // Too slow: drop what waits and pick up again at the next GOP, so the viewer stays live.
            skipped += queue.size() + 1;
            clear();
            needKeyframe = true;
            return Admission.DROP_GOP;
        }
        needKeyframe = false;
        return Admission.SEND;
    }

    /** Queues a fragment's message and remembers the fragment as the newest on this stream. */
    void add(Fragment f, M message) {
        add(message);
        lastSequence = f.sequence();
    }

    /** Queues a message that is not a fragment (an init segment). */
    void add(M message) {
        queue.addLast(message);
        queuedBytes += size.applyAsInt(message);
    }

    /** Sets whether the stream waits for a keyframe before it takes fragments again. */
    void awaitKeyframe(boolean await) {
        needKeyframe = await;
    }

    /** A new stream: nothing waits and no fragment has been queued on it yet. */
    void restart() {
        clear();
        lastSequence = -1;
    }

    /** Drops everything waiting. */
    void clear() {
        queue.clear();
        queuedBytes = 0;
    }

    boolean isEmpty() {
        return queue.isEmpty();
    }

    /** The oldest message, left in the queue (and counted) until {@link #removeIfFirst}; null if none. */
    M peek() {
        return queue.peekFirst();
    }

    /** Removes and returns the oldest message; the queue must not be empty. */
    M remove() {
        M message = queue.removeFirst();
        queuedBytes -= size.applyAsInt(message);
        return message;
    }

    /** Removes {@code message} if it is still the oldest (a drop may have discarded it while it was being sent). */
    void removeIfFirst(M message) {
        if (!queue.isEmpty() && queue.peekFirst() == message) remove();
    }

    /** Bytes of the messages waiting. */
    long queuedBytes() {
        return queuedBytes;
    }

    /** Fragments skipped while awaiting a keyframe or dropped with a full queue, over the queue's life. */
    long skippedFragments() {
        return skipped;
    }
}
