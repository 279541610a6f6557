package org.openbwc.device.mqtt;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Everything the link still has to deliver: the newest status and location (snapshots, so only the newest counts),
 * an ordered, bounded queue of messages that must all arrive (events, command replies), and the window of publishes
 * handed to the client but not yet acknowledged.
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

    /** One message waiting or in flight; {@code correlationData} is set only for replies. */
    record Outgoing(
            long seq, Kind kind, String topic, byte[] payload, int qos, boolean retained, byte[] correlationData) {}

    /** What happened to a message the queue had no room for. */
    record Overflow(Outgoing dropped, long droppedSoFar) {}

    private final int capacity;
    private final TreeMap<Long, Outgoing> ordered = new TreeMap<>();
    private final TreeMap<Long, Outgoing> inFlight = new TreeMap<>();
    private Outgoing status;
    private Outgoing location;
    private Outgoing stream;
    private long nextSeq = 1;
    private long published;
    private long dropped;
    private int peakInFlight;

    Outbox(int capacity) {
        if (capacity < 1) throw new IllegalArgumentException("outbox capacity " + capacity + " must be >= 1");
        this.capacity = capacity;
    }

    /**
     * Queues a message. A status or location replaces the waiting one of its kind; events and replies beyond the
     * capacity push out the oldest waiting one, which is returned so the caller can log it.
     */
    synchronized Overflow offer(
            Kind kind, String topic, byte[] payload, int qos, boolean retained, byte[] correlationData) {
        Outgoing message = new Outgoing(nextSeq++, kind, topic, payload, qos, retained, correlationData);
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
        if (accepted) published++;
        else dropped++;
        notifyAll();
        return true;
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
        if (ordered.size() <= capacity) return null;
        Outgoing oldest = ordered.pollFirstEntry().getValue();
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

    synchronized boolean isEmpty() {
        return waiting() == 0 && inFlight.isEmpty();
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
