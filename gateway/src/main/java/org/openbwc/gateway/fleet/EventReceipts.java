package org.openbwc.gateway.fleet;

import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.openbwc.protocol.EventAck;
import org.openbwc.protocol.Payload;
import org.openbwc.protocol.Topics;
import org.openbwc.protocol.UnitEvent;
import org.openbwc.protocol.WireCodec;
import org.tinylog.Logger;

/**
 * The gateway's side of event delivery: tells a unit's first copy of an event from a copy sent again (units re-send
 * every event until it is acknowledged, so copies are normal after any outage), and acknowledges every event it has
 * taken in, first copy or not, batched per unit and boot on {@code bwc/v1/<unit>/ack/event}. Acknowledgements that
 * cannot go out (link down, window full) wait and are retried; losing one costs only a re-sent copy.
 */
public final class EventReceipts {

    /** Sends one acknowledgement; returns false when it could not be handed to the client (it is retried). */
    @FunctionalInterface
    public interface Sender {
        boolean send(String topic, byte[] payload, Runnable settled);
    }

    /** Boots remembered per unit: a unit's journal can still hold events of a run or two before this one. */
    static final int BOOTS_PER_UNIT = 4;
    /** Gaps remembered per boot (see {@link SeqWindow}). */
    static final int MAX_RANGES = 64;
    /** Acknowledgements waiting to go out, beyond which the oldest are dropped (the unit will re-send those). */
    static final int MAX_PENDING = 100_000;
    /** Acknowledgements in flight at once, so that commands keep most of the client's publish window. */
    static final int MAX_IN_FLIGHT = 4;

    static final long FLUSH_DELAY_MILLIS = 100;
    static final long RETRY_DELAY_MILLIS = 1_000;

    private final WireCodec codec;
    private final Sender sender;
    private final ScheduledExecutorService timer;
    // unit -> boot -> what was taken in; access-ordered so the oldest boot goes first.
    private final Map<String, LinkedHashMap<String, SeqWindow>> seen = new HashMap<>();
    // unit -> boot -> seqs to acknowledge, in arrival order, each once.
    private final LinkedHashMap<String, LinkedHashMap<String, LinkedHashSet<Long>>> pending = new LinkedHashMap<>();
    private int pendingCount;
    private int inFlight;
    private boolean flushScheduled;
    private long duplicates;
    private long acknowledged;
    private long droppedAcks;

    public EventReceipts(WireCodec codec, Sender sender, ScheduledExecutorService timer) {
        this.codec = Objects.requireNonNull(codec, "codec is required");
        this.sender = Objects.requireNonNull(sender, "sender is required");
        this.timer = Objects.requireNonNull(timer, "timer is required");
    }

    /**
     * Whether {@code event} is the first copy to arrive (to be applied) rather than one already taken in. Events
     * without a boot id (older units) always are.
     */
    public synchronized boolean isFirst(UnitEvent event) {
        if (event.bootId() == null) return true;
        LinkedHashMap<String, SeqWindow> boots = seen.get(event.unitId());
        SeqWindow window = boots == null ? null : boots.get(event.bootId());
        boolean first = window == null || !window.contains(event.seq());
        if (!first) {
            duplicates++;
            Logger.debug(
                    "Event {}#{} of {} arrived again; acknowledged, not applied twice",
                    event.bootId(),
                    event.seq(),
                    event.unitId());
        }
        return first;
    }

    /**
     * {@code event} is taken in (applied, or a copy of one that was): remember it and acknowledge it to its unit soon.
     * Events without a boot id cannot be acknowledged.
     */
    public synchronized void acknowledge(UnitEvent event) {
        if (event.bootId() == null) return;
        LinkedHashMap<String, SeqWindow> boots =
                seen.computeIfAbsent(event.unitId(), u -> new LinkedHashMap<>(8, 0.75f, true));
        boots.computeIfAbsent(event.bootId(), b -> new SeqWindow()).add(event.seq());
        while (boots.size() > BOOTS_PER_UNIT) {
            Iterator<String> oldest = boots.keySet().iterator();
            oldest.next();
            oldest.remove();
        }
        if (pending.computeIfAbsent(event.unitId(), u -> new LinkedHashMap<>())
                .computeIfAbsent(event.bootId(), b -> new LinkedHashSet<>())
                .add(event.seq())) {
            pendingCount++;
            trimPending();
        }
        scheduleFlush(FLUSH_DELAY_MILLIS);
    }

    /** Copies of events dropped because they had been taken in already. */
    public synchronized long duplicates() {
        return duplicates;
    }

    /** Events acknowledged to their units (each copy counts). */
    public synchronized long acknowledged() {
        return acknowledged;
    }

    /** Acknowledgements waiting to go out. */
    public synchronized int pending() {
        return pendingCount;
    }

    private void trimPending() {
        while (pendingCount > MAX_PENDING) {
            Map.Entry<String, LinkedHashMap<String, LinkedHashSet<Long>>> unit = pending.firstEntry();
            Map.Entry<String, LinkedHashSet<Long>> boot = unit.getValue().firstEntry();
            boot.getValue().removeFirst();
            pendingCount--;
            droppedAcks++;
            if (boot.getValue().isEmpty()) unit.getValue().remove(boot.getKey());
            if (unit.getValue().isEmpty()) pending.remove(unit.getKey());
            if (droppedAcks == 1 || droppedAcks % 10_000 == 0) {
                Logger.warn(
                        "{} event acknowledgements could not be sent in time; the units will send those events again",
                        droppedAcks);
            }
        }
    }

    private void scheduleFlush(long delayMillis) {
        if (flushScheduled) return;
        flushScheduled = true;
        try {
            timer.schedule(this::flush, delayMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            flushScheduled = false; // shutting down
        }
    }

    /** Sends what waits, one message per unit and boot (split at {@link EventAck#MAX_SEQS}), within the window. */
    void flush() {
        boolean retry = false;
        synchronized (this) {
            flushScheduled = false;
            for (Iterator<Map.Entry<String, LinkedHashMap<String, LinkedHashSet<Long>>>> units =
                            pending.entrySet().iterator();
                    units.hasNext() && !retry; ) {
                Map.Entry<String, LinkedHashMap<String, LinkedHashSet<Long>>> unit = units.next();
                for (Iterator<Map.Entry<String, LinkedHashSet<Long>>> boots =
                                unit.getValue().entrySet().iterator();
                        boots.hasNext(); ) {
                    Map.Entry<String, LinkedHashSet<Long>> boot = boots.next();
                    LinkedHashSet<Long> seqs = boot.getValue();
                    while (!seqs.isEmpty()) {
                        if (inFlight >= MAX_IN_FLIGHT) {
                            retry = true;
                            break;
                        }
                        List<Long> batch =
                                seqs.stream().limit(EventAck.MAX_SEQS).toList();
                        byte[] payload =
                                codec.encode(new EventAck(Payload.VERSION, unit.getKey(), boot.getKey(), batch));
                        inFlight++;
                        boolean handed;
                        try {
                            handed = sender.send(Topics.eventAck(unit.getKey()), payload, this::settled);
                        } catch (RuntimeException e) {
                            Logger.debug(e, "Sending an event acknowledgement to {} failed", unit.getKey());
                            handed = false;
                        }
                        if (!handed) {
                            inFlight--;
                            retry = true;
                            break;
                        }
                        batch.forEach(seqs::remove);
                        pendingCount -= batch.size();
                        acknowledged += batch.size();
                    }
                    if (seqs.isEmpty()) boots.remove();
                    if (retry) break;
                }
                if (unit.getValue().isEmpty()) units.remove();
            }
            if (pendingCount > 0) {
                // A full window frees within milliseconds; a refused publish (link down) is worth a slower retry.
                scheduleFlush(inFlight >= MAX_IN_FLIGHT ? FLUSH_DELAY_MILLIS : RETRY_DELAY_MILLIS);
            }
        }
    }

    /** An acknowledgement left the window (delivered to the broker, or failed: the unit then re-sends). */
    private void settled() {
        synchronized (this) {
            inFlight = Math.max(0, inFlight - 1);
            if (pendingCount > 0) scheduleFlush(0);
        }
    }

    /**
     * The numbers one boot of a unit has delivered, as ranges: a unit sends in order, so after any outage or gateway
     * restart this is one or two ranges. Past {@link #MAX_RANGES} gaps the lowest gap is closed (taken as seen): only
     * an event lost while that many later ones got through would then be dropped as a copy.
     */
    static final class SeqWindow {
        private final TreeMap<Long, Long> ranges = new TreeMap<>();

        /** True when {@code seq} had not been seen. */
        boolean add(long seq) {
            Map.Entry<Long, Long> below = ranges.floorEntry(seq);
            if (below != null && below.getValue() >= seq) return false;
            long start = below != null && below.getValue() == seq - 1 ? below.getKey() : seq;
            Long end = ranges.remove(seq + 1);
            ranges.put(start, end == null ? seq : end);
            while (ranges.size() > MAX_RANGES) {
                Map.Entry<Long, Long> first = ranges.pollFirstEntry();
                Map.Entry<Long, Long> second = ranges.pollFirstEntry();
                ranges.put(first.getKey(), second.getValue());
            }
            return true;
        }

        boolean contains(long seq) {
            Map.Entry<Long, Long> below = ranges.floorEntry(seq);
            return below != null && below.getValue() >= seq;
        }

        int ranges() {
            return ranges.size();
        }
    }
}
