package org.openbwc.gateway.dispatch;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.openbwc.gateway.audit.AuditLog;
import org.openbwc.gateway.fleet.FleetRegistry;
import org.openbwc.gateway.fleet.UnitView;
import org.openbwc.protocol.CommandReply;
import org.openbwc.protocol.EventType;
import org.openbwc.protocol.RemoteCommand;
import org.openbwc.protocol.UnitEvent;
import org.openbwc.protocol.UnitLocation;
import org.openbwc.store.DispatchAssignment;
import org.openbwc.store.DispatchAssignment.Step;
import org.openbwc.store.DispatchBook;
import org.openbwc.store.DispatchRecord;
import org.tinylog.Logger;

/**
 * Dispatches from the room to the units: places an incident and ranks the candidates, sends the {@code dispatch}
 * command to the units chosen, follows each one (delivered from its reply, acknowledged and arrived from its events,
 * its distance from its positions), cancels, and keeps it all in the database and the audit log. Tells its listeners
 * (the event stream) of every change.
 *
 * <p>Times are the gateway's, when it learned of each step. Arrival is the unit's to decide (it has the incident and a
 * fix every second): the gateway records it from {@code dispatch.arrived}.
 *
 * <p>Registry callbacks arrive under the registry's lock: they only queue work on this service's own thread.
 */
public final class DispatchService implements FleetRegistry.Listener, AutoCloseable {
    /** Candidates listed when the request does not say. */
    public static final int DEFAULT_CANDIDATES = 20;
    /** At most this many candidates per request. */
    public static final int MAX_CANDIDATES = 200;
    /** Units sent in one assign. */
    public static final int MAX_UNITS_PER_ASSIGN = 50;
    /** Dispatches younger than this and not cancelled are followed again after a restart. */
    static final Duration FOLLOWED_FOR = Duration.ofHours(24);

    private static final DateTimeFormatter ID_TIME =
            DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    /** Sends one command to a unit ({@code CommandClient::send}). */
    @FunctionalInterface
    public interface Sender {
        CompletableFuture<CommandReply> send(
                String unitId, String command, Map<String, String> args, String requestedBy, Duration timeout);
    }

    /** Told about every change to a dispatch, on the service's thread or the requester's. */
    @FunctionalInterface
    public interface Listener {
        void dispatchChanged(DispatchView dispatch);
    }

    private final String gatewayId;
    private final FleetRegistry registry;
    private final CandidateRanking ranking;
    private final Sender sender;
    private final DispatchBook book;
    private final AuditLog audit;
    private final Clock clock;
    private final Duration commandTimeout;
    private final SecureRandom random = new SecureRandom();
    private final ExecutorService worker;
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    // The dispatches followed: not cancelled and younger than FOLLOWED_FOR. Written under the lock below.
    private final Map<String, DispatchRecord> followed = new ConcurrentHashMap<>();
    // Unit id -> the followed dispatches it was sent to, so a position update is matched at once.
    private final Map<String, Set<String>> byUnit = new ConcurrentHashMap<>();
    private final Object lock = new Object();

    public DispatchService(
            String gatewayId,
            FleetRegistry registry,
            CandidateRanking ranking,
            Sender sender,
            DispatchBook book,
            AuditLog audit,
            Clock clock,
            Duration commandTimeout) {
        this.gatewayId = Objects.requireNonNull(gatewayId, "gatewayId is required");
        this.registry = Objects.requireNonNull(registry, "registry is required");
        this.ranking = Objects.requireNonNull(ranking, "ranking is required");
        this.sender = Objects.requireNonNull(sender, "sender is required");
        this.book = Objects.requireNonNull(book, "book is required");
        this.audit = Objects.requireNonNull(audit, "audit is required");
        this.clock = Objects.requireNonNull(clock, "clock is required");
        this.commandTimeout = Objects.requireNonNull(commandTimeout, "commandTimeout is required");
        this.worker = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "dispatch-" + gatewayId);
            t.setDaemon(true);
            return t;
        });
        for (DispatchRecord d : book.openSince(clock.instant().minus(FOLLOWED_FOR), 10_000)) follow(d);
        if (!followed.isEmpty()) Logger.info("Following {} dispatches from before the restart", followed.size());
    }

    public void listen(Listener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener is required"));
    }

    /** The result of placing an incident: the new dispatch and the units nearest to it. */
    public record Placed(DispatchView dispatch, List<Candidate> candidates) {}

    /** Places an incident and ranks the online units by distance to it, nearest first. */
    public Placed create(DispatchRequest request, String by, int candidates) {
        Instant now = clock.instant();
        String id = "d-" + ID_TIME.format(now) + "-" + HexFormat.of().formatHex(randomBytes(3));
        DispatchRecord d = new DispatchRecord(
                id, now, by, request.lat(), request.lon(), request.note(), request.priority(), null, null, List.of());
        book.create(d);
        synchronized (lock) {
            follow(d);
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("lat", request.lat());
        details.put("lon", request.lon());
        details.put("priority", request.priority());
        if (!request.note().isEmpty()) details.put("note", request.note());
        audit.record(by, "dispatch.create", id, "ok", details);
        Logger.info("Dispatch {} placed by {} ({}, {} {})", id, by, request.priority(), request.lat(), request.lon());
        DispatchView view = view(d);
        tell(view);
        return new Placed(view, candidates(d, candidates));
    }

    /** The online units nearest to the dispatch's incident now. */
    public List<Candidate> candidates(String dispatchId, int limit) {
        return candidates(record(dispatchId), limit);
    }

    private List<Candidate> candidates(DispatchRecord d, int limit) {
        return ranking.rank(registry.units(), d.lat(), d.lon(), Math.min(limit, MAX_CANDIDATES));
    }

    /**
     * Sends the dispatch to each of {@code unitIds}: the answer comes back at once with them "sent"; delivery (or why
     * not) follows from each unit's reply, told to the listeners.
     *
     * @throws DispatchRefusedException for an unknown dispatch or unit, a cancelled dispatch, an offline unit
     */
    public DispatchView assign(String dispatchId, List<String> unitIds, String by) {
        if (unitIds.isEmpty()) {
            throw new DispatchRefusedException(
                    DispatchRefusedException.Kind.BAD_REQUEST, "name at least one unit to send");
        }
        if (unitIds.size() > MAX_UNITS_PER_ASSIGN) {
            throw new DispatchRefusedException(
                    DispatchRefusedException.Kind.BAD_REQUEST,
                    unitIds.size() + " units named; at most " + MAX_UNITS_PER_ASSIGN + " per request");
        }
        DispatchRecord d = record(dispatchId);
        if (d.cancelledAt() != null) {
            throw new DispatchRefusedException(
                    DispatchRefusedException.Kind.CONFLICT,
                    "dispatch " + dispatchId + " was cancelled at " + d.cancelledAt() + " by " + d.cancelledBy());
        }
        List<UnitView> units = new ArrayList<>();
        List<String> offline = new ArrayList<>();
        for (String unitId : new LinkedHashSet<>(unitIds)) {
            UnitView u = registry.unit(unitId)
                    .orElseThrow(() -> new DispatchRefusedException(
                            DispatchRefusedException.Kind.NOT_FOUND,
                            "unit '" + unitId + "' is not known to gateway " + gatewayId));
            if (!u.online()) offline.add(unitId);
            units.add(u);
        }
        if (!offline.isEmpty()) {
            throw new DispatchRefusedException(
                    DispatchRefusedException.Kind.CONFLICT,
                    "unit" + (offline.size() > 1 ? "s " : " ") + String.join(", ", offline)
                            + (offline.size() > 1 ? " are" : " is") + " offline; nothing was sent");
        }
        Instant now = clock.instant();
        Map<String, String> args = new LinkedHashMap<>();
        args.put("id", d.id());
        args.put("lat", Double.toString(d.lat()));
        args.put("lon", Double.toString(d.lon()));
        args.put("note", d.note());
        args.put("priority", d.priority());
        for (UnitView u : units) {
            Double distance = u.location() == null
                    ? null
                    : CandidateRanking.meters(u.location().lat(), u.location().lon(), d.lat(), d.lon());
            DispatchAssignment a =
                    new DispatchAssignment(d.id(), u.id(), u.officerId(), distance, now, by, null, null, null, null);
            book.send(a);
            synchronized (lock) {
                refresh(d.id());
            }
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("unit", u.id());
            if (distance != null) details.put("distanceMeters", Math.round(distance));
            audit.record(by, "dispatch.assign", d.id(), "sent", details);
            long started = System.nanoTime();
            sender.send(u.id(), RemoteCommand.DISPATCH.wire(), args, gatewayId + "/" + by, commandTimeout)
                    .whenCompleteAsync((reply, failure) -> delivered(d.id(), u.id(), reply, failure, started), worker);
        }
        Logger.info(
                "Dispatch {} sent to {} by {}",
                d.id(),
                units.stream().map(UnitView::id).toList(),
                by);
        DispatchView view = view(record(d.id()));
        tell(view);
        return view;
    }

    /**
     * Cancels the dispatch: each unit sent that has not arrived gets {@code dispatch.cancel}; a dispatch already
     * cancelled stays as it was.
     */
    public DispatchView cancel(String dispatchId, String by) {
        DispatchRecord d = record(dispatchId);
        boolean cancelled = book.cancel(dispatchId, clock.instant(), by);
        audit.record(by, "dispatch.cancel", dispatchId, cancelled ? "ok" : "already-cancelled", Map.of());
        if (cancelled) {
            for (DispatchAssignment a : d.units()) {
                if (a.arrivedAt() != null) continue;
                sender.send(
                                a.unitId(),
                                RemoteCommand.DISPATCH_CANCEL.wire(),
                                Map.of("id", dispatchId),
                                gatewayId + "/" + by,
                                commandTimeout)
                        .whenCompleteAsync(
                                (reply, failure) -> {
                                    if (failure != null || !reply.ok()) {
                                        Logger.warn(
                                                "dispatch.cancel of {} did not reach unit {}: {}",
                                                dispatchId,
                                                a.unitId(),
                                                failure != null ? failure.getMessage() : reply.reason());
                                    }
                                },
                                worker);
            }
            Logger.info("Dispatch {} cancelled by {}", dispatchId, by);
        }
        DispatchRecord after = book.find(dispatchId).orElse(d);
        synchronized (lock) {
            unfollow(after);
        }
        DispatchView view = view(after);
        tell(view);
        return view;
    }

    /** The dispatch with each unit's progress and its distance now. */
    public DispatchView get(String dispatchId) {
        return view(record(dispatchId));
    }

    /** The dispatches followed now (not cancelled, of the last 24 h), oldest first. */
    public List<DispatchView> open() {
        return followed.values().stream()
                .sorted(Comparator.comparing(DispatchRecord::createdAt).thenComparing(DispatchRecord::id))
                .map(this::view)
                .toList();
    }

    /** The unit's latest {@code limit} dispatches, newest first, each with only its own progress. */
    public List<DispatchView> history(String unitId, int limit) {
        return book.historyOf(unitId, limit).stream().map(this::view).toList();
    }

    // ---- from the fleet (registry lock held: queue, never block)

    @Override
    public void unitChanged(UnitView unit) {
        Set<String> ids = byUnit.get(unit.id());
        if (ids == null || ids.isEmpty() || unit.location() == null) return;
        List<String> copy = List.copyOf(ids);
        queue(() -> {
            for (String id : copy) {
                DispatchRecord d = followed.get(id);
                if (d != null) tell(view(d));
            }
        });
    }

    @Override
    public void unitEvent(UnitEvent event) {
        EventType type = event.type();
        Step step = type == EventType.DISPATCH_RECEIVED
                ? Step.DELIVERED
                : type == EventType.DISPATCH_ACKNOWLEDGED
                        ? Step.ACKNOWLEDGED
                        : type == EventType.DISPATCH_ARRIVED ? Step.ARRIVED : null;
        if (step == null) return;
        String id = event.details() == null ? null : event.details().get("id");
        if (id == null) return;
        Instant at = clock.instant();
        queue(() -> reached(id, event.unitId(), step, at, event.details()));
        String replaced = step == Step.DELIVERED ? event.details().get("replaced") : null;
        if (replaced != null && !replaced.equals(id)) {
            // A unit is on one dispatch at a time: the one it was on will not be acknowledged or reached now.
            queue(() -> {
                try {
                    book.problem(replaced, event.unitId(), "replaced on the unit by dispatch " + id);
                    changed(replaced);
                } catch (RuntimeException e) {
                    Logger.warn(
                            "Dispatch {}: recording its replacement on {} failed: {}",
                            replaced,
                            event.unitId(),
                            e.getMessage());
                }
            });
        }
    }

    /** Runs {@code work} on the service's thread; dropped (with a debug line) once the service is closed. */
    private void queue(Runnable work) {
        try {
            worker.execute(work);
        } catch (RejectedExecutionException e) {
            Logger.debug("Dispatch service closed; a fleet change was not followed");
        }
    }

    private void reached(String dispatchId, String unitId, Step step, Instant at, Map<String, String> details) {
        try {
            if (!book.mark(dispatchId, unitId, step, at)) return;
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("unit", unitId);
            if (details.get("distanceMeters") != null) d.put("distanceMeters", details.get("distanceMeters"));
            audit.record(unitId, "dispatch." + step.name().toLowerCase(Locale.ROOT), dispatchId, "ok", d);
            Logger.info(
                    "Dispatch {}: unit {} {}", dispatchId, unitId, step.name().toLowerCase(Locale.ROOT));
            changed(dispatchId);
        } catch (RuntimeException e) {
            Logger.warn("Dispatch {}: recording {} of unit {} failed: {}", dispatchId, step, unitId, e.getMessage());
        }
    }

    private void delivered(String dispatchId, String unitId, CommandReply reply, Throwable failure, long started) {
        try {
            if (failure == null && reply.ok()) {
                // The unit's dispatch.received event may have recorded it first: the first time stands, audited once.
                if (book.mark(dispatchId, unitId, Step.DELIVERED, clock.instant())) {
                    audit.record(unitId, "dispatch.delivered", dispatchId, "ok", Map.of("unit", unitId));
                }
                Logger.debug(
                        "Dispatch {} delivered to {} in {} ms",
                        dispatchId,
                        unitId,
                        (System.nanoTime() - started) / 1_000_000);
            } else {
                Throwable cause = failure instanceof CompletionException c ? c.getCause() : failure;
                String problem = cause != null
                        ? (cause.getMessage() == null ? cause.toString() : cause.getMessage())
                        : "unit " + unitId + " refused the dispatch: " + reply.reason();
                book.problem(dispatchId, unitId, problem);
                audit.record("-", "dispatch.deliver", dispatchId, "failed", Map.of("unit", unitId, "problem", problem));
                Logger.warn("Dispatch {} did not reach unit {}: {}", dispatchId, unitId, problem);
            }
            changed(dispatchId);
        } catch (RuntimeException e) {
            Logger.warn("Dispatch {}: recording the delivery to {} failed: {}", dispatchId, unitId, e.getMessage());
        }
    }

    /** Reads the dispatch again after a change, follows it as it is now and tells the listeners. */
    private void changed(String dispatchId) {
        DispatchRecord d;
        synchronized (lock) {
            d = refresh(dispatchId);
        }
        if (d != null) tell(view(d));
    }

    // ---- plumbing

    private DispatchRecord record(String dispatchId) {
        DispatchRecord d = followed.get(dispatchId);
        if (d != null) return d;
        return book.find(dispatchId)
                .orElseThrow(() -> new DispatchRefusedException(
                        DispatchRefusedException.Kind.NOT_FOUND, "no dispatch '" + dispatchId + "'"));
    }

    /** Reads the dispatch from the database into what is followed; lock held. */
    private DispatchRecord refresh(String dispatchId) {
        Optional<DispatchRecord> d = book.find(dispatchId);
        if (d.isEmpty()) return null;
        if (d.get().cancelledAt() == null) follow(d.get());
        else unfollow(d.get());
        return d.get();
    }

    private void follow(DispatchRecord d) {
        followed.put(d.id(), d);
        // Only units still on their way move the room's view of the dispatch (the distance closing).
        for (DispatchAssignment a : d.units()) {
            Set<String> ids = byUnit.computeIfAbsent(a.unitId(), k -> ConcurrentHashMap.newKeySet());
            if (a.arrivedAt() == null && a.problem() == null) ids.add(d.id());
            else ids.remove(d.id());
        }
    }

    private void unfollow(DispatchRecord d) {
        followed.remove(d.id());
        for (DispatchAssignment a : d.units()) {
            Set<String> ids = byUnit.get(a.unitId());
            if (ids != null) ids.remove(d.id());
        }
    }

    private DispatchView view(DispatchRecord d) {
        List<DispatchView.UnitProgress> units = new ArrayList<>(d.units().size());
        boolean allArrived = !d.units().isEmpty();
        for (DispatchAssignment a : d.units()) {
            UnitLocation l = registry.unit(a.unitId()).map(UnitView::location).orElse(null);
            Double now = l == null ? null : CandidateRanking.meters(l.lat(), l.lon(), d.lat(), d.lon());
            allArrived &= a.arrivedAt() != null;
            units.add(new DispatchView.UnitProgress(
                    a.unitId(),
                    a.officerId(),
                    a.distanceMeters(),
                    now,
                    a.sentAt(),
                    a.sentBy(),
                    a.deliveredAt(),
                    a.acknowledgedAt(),
                    a.arrivedAt(),
                    a.problem()));
        }
        String status = d.cancelledAt() != null ? "cancelled" : allArrived ? "arrived" : "open";
        return new DispatchView(
                d.id(),
                d.createdAt(),
                d.createdBy(),
                d.lat(),
                d.lon(),
                d.note(),
                d.priority(),
                status,
                d.cancelledAt(),
                d.cancelledBy(),
                units);
    }

    private void tell(DispatchView view) {
        for (Listener l : listeners) {
            try {
                l.dispatchChanged(view);
            } catch (RuntimeException e) {
                Logger.warn(e, "A dispatch listener failed");
            }
        }
    }

    private byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    /** Stops following; replies still in flight are dropped. */
    @Override
    public void close() {
        worker.shutdownNow();
        try {
            worker.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
