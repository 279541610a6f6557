package org.openbwc.device.mqtt;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongSupplier;

/**
 * Everything the link still has to deliver: the newest status and location (snapshots, so only the newest counts),
 * an ordered, bounded queue of messages that must all arrive (events, command replies), the window of publishes
 * handed to the client but not yet acknowledged, and the events the broker took but the gateway has not acknowledged
 * yet ({@link #acknowledge}), which go out again after a reconnect or when they are overdue ({@link #resend}).
 *
 * <p>Messages carry a sequence number taken when offered; the queue is ordered by it, so a publish that comes back
 * from a dead connection slots in before everything offered after it and order is kept across reconnects.
 * Thread-safe: publishers, the link thread and {@code close()} all meet here.
 */
final class Outbox {

    /** What a message is, which decides how it is kept while it waits. */
    enum Kind {
        /** Retained snapshot: a newer one replaces a waiting one. */
        STATUS,
        /** Retained snapshot: a newer one replaces a waiting one. */
        LOCATION,
        /** Retained live-stream handle: a newer one replaces a waiting one. */
        STREAM,
        /** Must arrive, in order. */
        EVENT,
        /** Must arrive; goes to the requester's response topic. */
        REPLY
    }

    /**
     * One message waiting or in flight; {@code correlationData} is set only for replies, {@code ackKey} only for events
     * the gateway acknowledges.
     */
    record Outgoing(
            long seq,
            Kind kind,
            String topic,
            byte[] payload,
            int qos,
            boolean retained,
            byte[] correlationData,
            EventJournal.EventKey ackKey) {}

    /** An event the broker took, waiting for the gateway's acknowledgement since {@code sentNanos}. */
    private record Unacknowledged(Outgoing message, long sentNanos) {}

    /** What happened to a message the queue had no room for. */
    record Overflow(Outgoing dropped, long droppedSoFar) {}

    private final int capacity;
    private final TreeMap<Long, Outgoing> ordered = new TreeMap<>();
    private final TreeMap<Long, Outgoing> inFlight = new TreeMap<>();
    private final TreeMap<Long, Unacknowledged> unacknowledged = new TreeMap<>();
    private final Map<EventJournal.EventKey, Long> seqOfKey = new HashMap<>();
    private final LongSupplier nanoTime;
    private Outgoing status;
    private Outgoing location;
    private Outgoing stream;
    private long nextSeq = 1;
    private long published;
    private long dropped;
    private int peakInFlight;
    private long resent;
    private long acknowledged;

    Outbox(int capacity) {
        this(capacity, System::nanoTime);
    }

    Outbox(int capacity, LongSupplier nanoTime) {
        if (capacity < 1) throw new IllegalArgumentException("outbox capacity " + capacity + " must be >= 1");
        this.capacity = capacity;
        this.nanoTime = nanoTime;
    }

    /**
     * Queues a message. A status or location replaces the waiting one of its kind; events and replies beyond the
     * capacity push out the oldest waiting one, which is returned so the caller can log it.
     */
    synchronized Overflow offer(
            Kind kind, String topic, byte[] payload, int qos, boolean retained, byte[] correlationData) {
        return offer(kind, topic, payload, qos, retained, correlationData, null);
    }

    /**
     * Queues a message; an event with an {@code ackKey} is kept after the broker took it, until {@link #acknowledge}.
     * An event whose key is already kept is not queued twice.
     */
    synchronized Overflow offer(
            Kind kind,
            String topic,
            byte[] payload,
            int qos,
            boolean retained,
            byte[] correlationData,
            EventJournal.EventKey ackKey) {
        if (ackKey != null && seqOfKey.containsKey(ackKey)) return null;
        Outgoing message = new Outgoing(nextSeq++, kind, topic, payload, qos, retained, correlationData, ackKey);
        if (ackKey != null) seqOfKey.put(ackKey, message.seq());
        switch (kind) {
            case STATUS -> status = message;
            case LOCATION -> location = message;
            case STREAM -> stream = message;
            case EVENT, REPLY -> {
                ordered.put(message.seq(), message);
                return trimToCapacity();
            }
        }
        return null;
    }

    /**
     * Takes the next message to publish and counts it in flight, or returns null when nothing waits or the window
     * of {@code limit} unacknowledged publishes is full. Snapshots go first: after an outage the gateway must learn
     * the unit's current state before the backlog of what happened meanwhile.
     */
    synchronized Outgoing take(int limit) {
        if (inFlight.size() >= limit) return null;
        Outgoing next;
        if (status != null) {
            next = status;
            status = null;
        } else if (location != null) {
            next = location;
            location = null;
        } else if (stream != null) {
            next = stream;
            stream = null;
        } else {
            Map.Entry<Long, Outgoing> first = ordered.pollFirstEntry();
            if (first == null) return null;
            next = first.getValue();
        }
        inFlight.put(next.seq(), next);
        peakInFlight = Math.max(peakInFlight, inFlight.size());
        return next;
    }

    /**
     * The broker took the message (or, for QoS 0, it was written). It is removed wherever it is: an acknowledgement
     * from a connection that has since died may arrive after the message was put back for the next one.
     *
     * @param accepted false when the broker answered with an error reason code; the message is then counted as dropped
     * @return false when the message was already settled
     */
    synchronized boolean settle(long seq, boolean accepted) {
        Outgoing removed = inFlight.remove(seq);
        if (removed == null) removed = ordered.remove(seq);
        if (removed == null && status != null && status.seq() == seq) removed = takeStatus();
        if (removed == null && location != null && location.seq() == seq) removed = takeLocation();
        if (removed == null && stream != null && stream.seq() == seq) {
            removed = stream;
            stream = null;
        }
        if (removed == null) return false;
        if (accepted) {
            published++;
            if (removed.ackKey() != null) {
                unacknowledged.put(removed.seq(), new Unacknowledged(removed, nanoTime.getAsLong()));
                return true;
            }
        } else {
            dropped++;
            forgetKey(removed);
        }
        notifyAll();
        return true;
    }

    /**
     * The gateway has these events: they are settled wherever they are (waiting, in flight for a resend, or waiting
     * for this). Unknown keys are ignored.
     *
     * @return how many were still kept here
     */
    synchronized int acknowledge(Collection<EventJournal.EventKey> keys) {
        int found = 0;
        for (EventJournal.EventKey key : keys) {
            Long seq = seqOfKey.remove(key);
            if (seq == null) continue;
            found++;
            acknowledged++;
            if (unacknowledged.remove(seq) == null && inFlight.remove(seq) == null) ordered.remove(seq);
        }
        if (found > 0) notifyAll();
        return found;
    }

    /**
     * Queues again, in their original order, the events the broker took but the gateway has not acknowledged: all of
     * them after a reconnect ({@code olderThanNanos} 0), or those waiting longer than that.
     *
     * @return how many were queued again
     */
    synchronized int resend(long olderThanNanos) {
        long now = nanoTime.getAsLong();
        int count = 0;
        for (Iterator<Unacknowledged> it = unacknowledged.values().iterator(); it.hasNext(); ) {
            Unacknowledged u = it.next();
            if (olderThanNanos > 0 && now - u.sentNanos() < olderThanNanos) continue;
            it.remove();
            ordered.put(u.message().seq(), u.message());
            count++;
        }
        resent += count;
        return count;
    }

    /** The oldest time an event has been waiting for the gateway's acknowledgement, or 0 when none waits. */
    synchronized long oldestUnacknowledgedNanos(long now) {
        long oldest = 0;
        for (Unacknowledged u : unacknowledged.values()) oldest = Math.max(oldest, now - u.sentNanos());
        return oldest;
    }

    private void forgetKey(Outgoing message) {
        if (message.ackKey() != null) seqOfKey.remove(message.ackKey());
    }

    /** Returns one in-flight message to the waiting ones, unless a newer snapshot of its kind already waits. */
    synchronized Overflow putBack(Outgoing message) {
        if (inFlight.remove(message.seq()) == null) return null;
        return requeue(message);
    }

    /** The connection died: every unacknowledged publish waits again, in its original order. */
    synchronized List<Overflow> putBackAllInFlight() {
        List<Overflow> overflows = new ArrayList<>();
        for (Iterator<Outgoing> it = inFlight.values().iterator(); it.hasNext(); ) {
            Outgoing message = it.next();
            it.remove();
            Overflow overflow = requeue(message);
            if (overflow != null) overflows.add(overflow);
        }
        return overflows;
    }

    private Outgoing takeStatus() {
        Outgoing s = status;
        status = null;
        return s;
    }

    private Outgoing takeLocation() {
        Outgoing l = location;
        location = null;
        return l;
    }

    private Overflow requeue(Outgoing message) {
        switch (message.kind()) {
            case STATUS -> {
                if (status == null || status.seq() < message.seq()) status = message;
            }
            case LOCATION -> {
                if (location == null || location.seq() < message.seq()) location = message;
            }
            case STREAM -> {
                if (stream == null || stream.seq() < message.seq()) stream = message;
            }
            case EVENT, REPLY -> {
                ordered.put(message.seq(), message);
                return trimToCapacity();
            }
        }
        return null;
    }

    private Overflow trimToCapacity() {
        if (ordered.size() + unacknowledged.size() <= capacity) return null;
        Outgoing oldest;
        Map.Entry<Long, Unacknowledged> firstSent = unacknowledged.firstEntry();
        Map.Entry<Long, Outgoing> firstWaiting = ordered.firstEntry();
        if (firstWaiting == null || (firstSent != null && firstSent.getKey() < firstWaiting.getKey())) {
            oldest = unacknowledged.pollFirstEntry().getValue().message();
        } else {
            oldest = ordered.pollFirstEntry().getValue();
        }
        forgetKey(oldest);
        dropped++;
        return new Overflow(oldest, dropped);
    }

    /** Waits until nothing waits and nothing is in flight, or the timeout passes; true when empty. */
    synchronized boolean awaitEmpty(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!isEmpty()) {
            long leftMillis = (deadline - System.nanoTime()) / 1_000_000;
            if (leftMillis <= 0) return false;
            wait(leftMillis);
        }
        return true;
    }

    /** Nothing waits or is in flight; events waiting only for the gateway's acknowledgement do not count. */
    synchronized boolean isEmpty() {
        return waiting() == 0 && inFlight.isEmpty();
    }

    /** Events the broker took that the gateway has not acknowledged yet. */
    synchronized int unacknowledged() {
        return unacknowledged.size();
    }

    /** Events queued again because the gateway had not acknowledged them. */
    synchronized long resent() {
        return resent;
    }

    /** Events the gateway acknowledged. */
    synchronized long acknowledged() {
        return acknowledged;
    }

    /** Messages not yet handed to the client. */
    synchronized int waiting() {
        return ordered.size() + (status == null ? 0 : 1) + (location == null ? 0 : 1) + (stream == null ? 0 : 1);
    }

    synchronized int inFlight() {
        return inFlight.size();
    }

    synchronized int peakInFlight() {
        return peakInFlight;
    }

    synchronized long published() {
        return published;
    }

    synchronized long dropped() {
        return dropped;
    }
}
