package org.openbwc.gateway.fleet;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Function;
import org.openbwc.protocol.StreamHandle;
import org.openbwc.protocol.UnitEvent;
import org.openbwc.protocol.UnitLocation;
import org.openbwc.protocol.UnitState;
import org.openbwc.protocol.UnitStatus;
import org.tinylog.Logger;

/**
 * The latest known state of every unit, rebuilt from what the fleet publishes over MQTT; thread-safe.
 *
 * <p>Every change goes through one path, {@link #update}: it takes the write lock, applies the change to the unit's
 * entry, rebuilds the unit's {@link UnitView} and tells the listeners what changed.
 *
 * <p>Ordering rules for status: between two live statuses of one run of the unit (same {@code bootId}) the higher
 * {@code seq} wins, whatever the unit's clock says; a status from another run wins (a unit's new run follows its old
 * one). For payloads without a boot id, the newer unit time wins (then the higher seq), a time more than
 * {@link #CLOCK_AHEAD_LIMIT} ahead of the gateway's clock counting as that limit, so a unit clock that jumped ahead
 * and was corrected holds its view for at most that long; unless either unit clock is unset, in which case arrival
 * order wins. A Will (state OFFLINE) always wins over a live status, because its time is when the unit connected,
 * not when it vanished; a live status after OFFLINE always wins. Positions follow the same rules with their fix time.
 */
public final class FleetRegistry {

    /** A unit time further ahead of the gateway's clock than this is shown as "clock ahead" and ordered as this. */
    public static final Duration CLOCK_AHEAD_LIMIT = Duration.ofSeconds(30);

    /** How many recent events are kept per unit for the unit page. */
    public static final int DEFAULT_EVENTS_PER_UNIT = 50;

    /**
     * Told about every change, on the thread that applied it (the MQTT callback thread), while the registry is locked:
     * implementations must return quickly and never block (hand the work to a queue).
     */
    public interface Listener {
        void unitChanged(UnitView unit);

        default void unitEvent(UnitEvent event) {}

        /** The unit's retained status was cleared on the broker: it left the fleet. */
        default void unitRemoved(String unitId) {}
    }

    /**
     * One unit as the registry knows it.
     *
     * @param status the current status (the Will while offline)
     * @param lastLive the last live status, kept through the unit's absence
     * @param offlineSince when the unit went offline; null while online
     * @param sosStands an SOS of the unit stands: raised and neither cleared by the unit nor resolved in the room
     * @param statusOrder the status's time as ordered: never more than {@link #CLOCK_AHEAD_LIMIT} past its arrival
     * @param locationOrder the same for the position's fix time
     */
    private record Entry(
            UnitStatus status,
            UnitStatus lastLive,
            Instant offlineSince,
            boolean sosStands,
            Instant statusOrder,
            UnitLocation location,
            Instant locationOrder,
            StreamHandle stream,
            List<UnitEvent> events,
            Instant lastSeen) {
        static final Entry EMPTY = new Entry(null, null, null, false, null, null, null, null, List.of(), null);

        UnitView view(String id, boolean revoked, Instant staleSince) {
            return UnitView.of(
                    id,
                    status,
                    lastLive,
                    location,
                    lastSeen,
                    offlineSince,
                    sosStands,
                    revoked,
                    clockAhead(),
                    staleSince);
        }

        /** The unit's clock ran ahead of the gateway's when it sent its current status. */
        boolean clockAhead() {
            return status != null && statusOrder != null && status.time().isAfter(statusOrder);
        }

        Entry withLocation(UnitLocation l, Instant order, Instant seen) {
            return new Entry(status, lastLive, offlineSince, sosStands, statusOrder, l, order, stream, events, seen);
        }

        Entry withStream(StreamHandle s, Instant seen) {
            return new Entry(
                    status, lastLive, offlineSince, sosStands, statusOrder, location, locationOrder, s, events, seen);
        }

        Entry withEvents(List<UnitEvent> e, Instant seen) {
            return new Entry(
                    status, lastLive, offlineSince, sosStands, statusOrder, location, locationOrder, stream, e, seen);
        }

        Entry withSosStands(boolean stands) {
            return new Entry(
                    status,
                    lastLive,
                    offlineSince,
                    stands,
                    statusOrder,
                    location,
                    locationOrder,
                    stream,
                    events,
                    lastSeen);
        }

        /** The entry after {@code s} became the current status. */
        Entry withStatus(UnitStatus s, boolean retained, Instant now, Instant seen) {
            Instant order = orderTime(s.time(), now);
            if (s.online() && s.state() != UnitState.OFFLINE) {
                // An SOS stands from the status that raises it; one a supervisor resolved while the unit still sends
                // it does not stand again until the unit clears it and raises a new one.
                boolean raised = lastLive == null || !lastLive.sos() || sosStands;
                return new Entry(s, s, null, s.sos() && raised, order, location, locationOrder, stream, events, seen);
            }
            Instant since = offlineSince != null ? offlineSince : retained && seen != null ? seen : now;
            return new Entry(s, lastLive, since, sosStands, order, location, locationOrder, stream, events, seen);
        }
    }

    /**
     * What a change did to one unit's entry.
     *
     * @param after the entry as it is now; null when the unit is removed
     * @param event a new event to tell the listeners about, or null
     * @param accepted what the mutator returns (e.g. whether a status became the current one)
     */
    private record Change(Entry after, UnitEvent event, boolean accepted) {
        /** Leaves the unit as it was and tells nobody. */
        static final Change NONE = new Change(null, null, false);

        static Change to(Entry after) {
            return new Change(after, null, true);
        }
    }

    private final Clock clock;
    private final int eventsPerUnit;
    private final ConcurrentHashMap<String, Entry> units = new ConcurrentHashMap<>();
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    // Bounded by the agency's unit directory: only ids it names as revoked are added.
    private final Set<String> revoked = ConcurrentHashMap.newKeySet();
    // When the gateway lost its link to the broker; null while it sees the fleet. Every view carries it.
    private volatile Instant linkLostAt;
    // Writers are serialised so listeners see changes in the order they were applied; readers never lock.
    private final ReentrantLock writeLock = new ReentrantLock();

    public FleetRegistry() {
        this(Clock.systemUTC(), DEFAULT_EVENTS_PER_UNIT);
    }

    public FleetRegistry(Clock clock, int eventsPerUnit) {
        this.clock = Objects.requireNonNull(clock, "clock is required");
        if (eventsPerUnit < 1) throw new IllegalArgumentException("eventsPerUnit " + eventsPerUnit + " must be >= 1");
        this.eventsPerUnit = eventsPerUnit;
    }

    /** Every known unit, sorted by id. */
    public List<UnitView> units() {
        List<UnitView> all = new ArrayList<>(units.size());
        units.forEach((id, e) -> all.add(view(id, e)));
        all.sort(Comparator.comparing(UnitView::id));
        return all;
    }

    public Optional<UnitView> unit(String unitId) {
        Entry e = units.get(unitId);
        return e == null ? Optional.empty() : Optional.of(view(unitId, e));
    }

    /** The unit's most recent events, oldest first; empty for an unknown unit. */
    public List<UnitEvent> events(String unitId) {
        Entry e = units.get(unitId);
        return e == null ? List.of() : e.events();
    }

    public Optional<StreamHandle> stream(String unitId) {
        Entry e = units.get(unitId);
        return e == null ? Optional.empty() : Optional.ofNullable(e.stream());
    }

    public int size() {
        return units.size();
    }

    public int onlineCount() {
        int n = 0;
        for (var entry : units.entrySet())
            if (view(entry.getKey(), entry.getValue()).online()) n++;
        return n;
    }

    /**
     * Registers a listener and returns the current units, atomically: every change after the returned snapshot
     * reaches the listener, none before it.
     */
    public List<UnitView> listen(Listener listener) {
        Objects.requireNonNull(listener, "listener is required");
        return snapshotWhile(() -> listeners.add(listener));
    }

    public void removeListener(Listener listener) {
        listeners.remove(listener);
    }

    /**
     * Runs {@code action} while no change can be applied and returns the units as they are then: whatever
     * {@code action} subscribes to sees every change after the returned snapshot and none before it.
     */
    public List<UnitView> snapshotWhile(Runnable action) {
        writeLock.lock();
        try {
            action.run();
            return units();
        } finally {
            writeLock.unlock();
        }
    }

    /**
     * Applies a status.
     *
     * @param retained true when the broker replayed it from its retained store (on subscribe), rather than forwarding
     *                 it as it was published; then it says nothing about when we last heard from the unit
     * @return true if the status became the unit's current one
     */
    boolean applyStatus(UnitStatus status, boolean retained) {
        String id = status.unitId();
        return update(id, retained, old -> {
            boolean accepted = supersedes(status, old.status(), old.statusOrder(), clock.instant());
            boolean fromUnit = !retained && status.state() != UnitState.OFFLINE;
            Instant seen = seen(old.lastSeen(), fromUnit, status.time());
            if (!accepted) {
                Logger.debug(
                        "Unit {}: ignored out-of-order status (state {}, seq {}, time {}; current seq {}, time {})",
                        id,
                        status.state(),
                        status.seq(),
                        status.time(),
                        old.status().seq(),
                        old.status().time());
            }
            Entry after = accepted
                    ? old.withStatus(status, retained, clock.instant(), seen)
                    : old.withEvents(old.events(), seen);
            return new Change(after, null, accepted);
        });
    }

    boolean applyLocation(UnitLocation location, boolean retained) {
        return update(location.unitId(), retained, old -> {
            Instant now = clock.instant();
            boolean accepted = supersedes(location, old.location(), old.locationOrder(), now);
            Instant seen = seen(old.lastSeen(), !retained, location.fixTime());
            Entry after = accepted
                    ? old.withLocation(location, orderTime(location.fixTime(), now), seen)
                    : old.withLocation(old.location(), old.locationOrder(), seen);
            return new Change(after, null, accepted);
        });
    }

    void applyStream(StreamHandle stream, boolean retained) {
        update(stream.unitId(), retained, old -> {
            Instant seen = seen(old.lastSeen(), !retained, stream.since());
            return Change.to(old.withStream(stream, seen));
        });
    }

    /**
     * Where {@code event} goes among {@code kept}: after the last event, unless events of the same boot with higher
     * {@code seq} came first (a unit re-sends what was never acknowledged after an outage, not always in its order),
     * then before them. Events of other boots, or without a boot id, keep their order of arrival.
     */
    static int inSeqOrder(List<UnitEvent> kept, UnitEvent event) {
        int at = kept.size();
        if (event.bootId() == null) return at;
        while (at > 0
                && event.bootId().equals(kept.get(at - 1).bootId())
                && kept.get(at - 1).seq() > event.seq()) {
            at--;
        }
        return at;
    }

    /** Records an event in its unit's order; a QoS 1 redelivery of one already kept is ignored. */
    void applyEvent(UnitEvent event, boolean retained) {
        update(event.unitId(), retained, old -> {
            Instant seen = seen(old.lastSeen(), !retained, event.time());
            List<UnitEvent> events = old.events();
            if (events.contains(event)) {
                return Change.to(old.withEvents(events, seen));
            }
            List<UnitEvent> grown = new ArrayList<>(Math.min(events.size() + 1, eventsPerUnit));
            grown.addAll(
                    events.size() >= eventsPerUnit
                            ? events.subList(events.size() - eventsPerUnit + 1, events.size())
                            : events);
            grown.add(inSeqOrder(grown, event), event);
            Entry after = old.withEvents(List.copyOf(grown), seen);
            return new Change(after, event, true);
        });
    }

    /**
     * Removes a unit and what is known of it. No message does this (an empty status is ignored, see
     * {@link FleetIngest}); it is kept for an admin's explicit removal of a unit, which has no route yet.
     */
    void forget(String unitId) {
        update(unitId, true, old -> old == Entry.EMPTY ? Change.NONE : Change.to(null));
    }

    /** The unit's retained location was cleared. */
    void clearLocation(String unitId) {
        update(
                unitId,
                true,
                old -> old.location() == null ? Change.NONE : Change.to(old.withLocation(null, null, old.lastSeen())));
    }

    /** The unit's retained live-stream handle was cleared. */
    void clearStream(String unitId) {
        update(
                unitId,
                true,
                old -> old.stream() == null ? Change.NONE : Change.to(old.withStream(null, old.lastSeen())));
    }

    /**
     * The one way a unit changes: under the write lock, applies {@code change} to the unit's entry ({@link Entry#EMPTY}
     * for a unit not known yet), stores the result, rebuilds the unit's view and tells the listeners: unitChanged when
     * the view differs, then unitEvent for a new event, or unitRemoved when the unit is gone.
     *
     * @param retained whether the message behind the change was replayed from the broker's retained store (only
     *                 changes how a transition is logged)
     * @return the change's {@link Change#accepted()}
     */
    private boolean update(String id, boolean retained, Function<Entry, Change> change) {
        writeLock.lock();
        try {
            Entry old = units.getOrDefault(id, Entry.EMPTY);
            Change c = change.apply(old);
            if (c == Change.NONE) return false;
            if (c.after() == null) {
                units.remove(id);
                Logger.info("Unit {} removed from the fleet (its retained status was cleared)", id);
                tell(l -> l.unitRemoved(id), "the removal of unit", id);
                return c.accepted();
            }
            units.put(id, c.after());
            UnitView before = old == Entry.EMPTY ? null : view(id, old);
            UnitView after = view(id, c.after());
            if (!after.equals(before)) {
                logTransition(before, after, retained);
                tell(l -> l.unitChanged(after), "a change of unit", id);
            }
            if (c.event() != null) {
                UnitEvent event = c.event();
                Logger.debug("Unit {}: event {} ({})", id, event.type().wire(), event.cause());
                tell(l -> l.unitEvent(event), "an event of unit", id);
            }
            return c.accepted();
        } finally {
            writeLock.unlock();
        }
    }

    /**
     * An SOS of the unit stands although the registry has not seen it raised: the alert board knows it from before a
     * gateway restart, and the unit's retained status (its Will, say) no longer says so.
     */
    public void holdSos(String unitId) {
        update(unitId, true, old -> old.sosStands() ? Change.NONE : Change.to(old.withSosStands(true)));
    }

    /**
     * A supervisor resolved the unit's SOS: an offline unit no longer shows it. An online unit shows what it sends
     * (a unit still in SOS is still in SOS on its screen), but its SOS no longer stands once it goes offline.
     */
    public void releaseSos(String unitId) {
        update(
                unitId,
                false,
                old -> old == Entry.EMPTY || !old.sosStands() ? Change.NONE : Change.to(old.withSosStands(false)));
    }

    /**
     * Marks a unit revoked by the agency: the room shows it as revoked (and not online) with the last state known
     * before; a unit not known yet is added, so the room shows it too. Revocation is final for a unit id.
     */
    public void markRevoked(String unitId) {
        writeLock.lock();
        try {
            if (!revoked.add(unitId)) return;
            Entry e = units.computeIfAbsent(unitId, id -> Entry.EMPTY);
            UnitView after = view(unitId, e);
            Logger.info("Unit {} is revoked: shown as revoked, its messages are dropped", unitId);
            tell(l -> l.unitChanged(after), "the revocation of unit", unitId);
        } finally {
            writeLock.unlock();
        }
    }

    private UnitView view(String id, Entry e) {
        return e.view(id, revoked.contains(id), linkLostAt);
    }

    /**
     * The gateway's link to the broker went down (every unit is then shown as last known, since when the gateway
     * cannot see) or came back; tells the listeners about every unit either way.
     */
    void linkChanged(boolean up) {
        writeLock.lock();
        try {
            Instant before = linkLostAt;
            if (up == (before == null)) return;
            linkLostAt = up ? null : clock.instant();
            Logger.info(
                    up
                            ? "Fleet view live again: the link to the broker is back"
                            : "Fleet view is stale: the link to the broker is down; {} units shown as last known",
                    units.size());
            for (var e : units.entrySet()) {
                UnitView v = view(e.getKey(), e.getValue());
                tell(l -> l.unitChanged(v), "the link change of unit", e.getKey());
            }
        } finally {
            writeLock.unlock();
        }
    }

    private void tell(Consumer<Listener> call, String what, String id) {
        for (Listener l : listeners) {
            try {
                call.accept(l);
            } catch (RuntimeException e) {
                Logger.error(e, "Fleet listener {} failed on {} {}", l, what, id);
            }
        }
    }

    /**
     * Whether {@code incoming} replaces {@code current}, whose time was ordered as {@code currentOrder} when it arrived
     * (see the class comment).
     */
    static boolean supersedes(UnitStatus incoming, UnitStatus current, Instant currentOrder, Instant now) {
        if (current == null) return true;
        if (incoming.state() == UnitState.OFFLINE) {
            // A repeated Will (redelivery, retained replay) changes nothing unless it is from a later connection.
            return current.state() != UnitState.OFFLINE || incoming.time().isAfter(current.time());
        }
        if (current.state() == UnitState.OFFLINE) return true;
        if (incoming.bootId() != null && current.bootId() != null) {
            return !incoming.bootId().equals(current.bootId()) || incoming.seq() > current.seq();
        }
        if (!incoming.clockSet() || !current.clockSet()) return !incoming.equals(current);
        Instant before = currentOrder != null ? currentOrder : current.time();
        int byTime = orderTime(incoming.time(), now).compareTo(before);
        return byTime > 0 || (byTime == 0 && incoming.seq() > current.seq());
    }

    /** The same for positions: by seq within a run, else by fix time (a later or equal one wins). */
    static boolean supersedes(UnitLocation incoming, UnitLocation current, Instant currentOrder, Instant now) {
        if (current == null) return true;
        if (incoming.bootId() != null && current.bootId() != null) {
            return !incoming.bootId().equals(current.bootId()) || incoming.seq() > current.seq();
        }
        Instant before = currentOrder != null ? currentOrder : current.fixTime();
        return !orderTime(incoming.fixTime(), now).isBefore(before);
    }

    /** A unit time as ordered: at most {@link #CLOCK_AHEAD_LIMIT} past the gateway's clock at arrival. */
    static Instant orderTime(Instant unitTime, Instant now) {
        Instant limit = now.plus(CLOCK_AHEAD_LIMIT);
        return unitTime.isAfter(limit) ? limit : unitTime;
    }

    private Instant seen(Instant previous, boolean liveFromUnit, Instant unitTime) {
        Instant now = clock.instant();
        Instant candidate = liveFromUnit ? now : (unitTime == null ? null : (unitTime.isAfter(now) ? now : unitTime));
        if (candidate == null) return previous;
        return previous == null || candidate.isAfter(previous) ? candidate : previous;
    }

    private static void logTransition(UnitView before, UnitView after, boolean retained) {
        boolean wasOnline = before != null && before.online();
        if (wasOnline == after.online() && (before != null || after.state() == null)) return;
        if (retained) {
            Logger.debug(
                    "Unit {} known from retained state: {} ({})",
                    after.id(),
                    after.online() ? "online" : "offline",
                    after.state());
        } else if (after.online()) {
            Logger.info(
                    "Unit {} online: {}, officer '{}', firmware '{}'",
                    after.id(),
                    after.state(),
                    after.officerId(),
                    after.firmware());
        } else {
            Logger.info("Unit {} offline (last seen {})", after.id(), after.lastSeen());
        }
    }
}
