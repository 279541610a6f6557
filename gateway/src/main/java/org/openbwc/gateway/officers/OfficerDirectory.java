package org.openbwc.gateway.officers;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.openbwc.gateway.audit.AuditLog;
import org.openbwc.gateway.fleet.FleetRegistry;
import org.openbwc.gateway.fleet.UnitView;
import org.openbwc.protocol.CommandReply;
import org.openbwc.protocol.EventType;
import org.openbwc.protocol.RemoteCommand;
import org.openbwc.protocol.UnitEvent;
import org.openbwc.store.Officer;
import org.openbwc.store.OfficerRoster;
import org.openbwc.store.UnitAssignment;
import org.tinylog.Logger;

/**
 * The agency's officers and which unit each carries: changes go to the database first ({@link OfficerRoster}), then
 * to the unit as {@code officer.assign}. A unit that was offline, or that says it carries someone else than the
 * directory says, gets the assignment again when its status shows it online (at most every
 * {@link #RESEND_INTERVAL}). A {@code docked} event unassigns where {@code officers.unassignOnDock} says so.
 *
 * <p>Only units whose officer this gateway has assigned or unassigned are managed: a unit never assigned here keeps
 * the officer of its own config. What the directory wants per unit is kept in memory, read once at start; a second
 * gateway sharing the database sends its own changes.
 */
public final class OfficerDirectory implements FleetRegistry.Listener, AutoCloseable {
    /** A unit that does not take its assignment is asked again at most this often. */
    public static final Duration RESEND_INTERVAL = Duration.ofSeconds(15);

    /** What the directory wants a unit to carry: an officer, or nobody (empty id) since {@code since}. */
    private record Wanted(String officerId, String name, String callsign, Instant since) {
        static Wanted of(Officer o, Instant since) {
            return new Wanted(o.id(), o.name(), o.callsign(), since);
        }

        static Wanted nobody(Instant since) {
            return new Wanted("", "", "", since);
        }

        Map<String, String> args() {
            Map<String, String> args = new LinkedHashMap<>();
            args.put("officerId", officerId);
            args.put("name", name);
            args.put("callsign", callsign);
            return args;
        }
    }

    private final OfficerRoster roster;
    private final FleetRegistry registry;
    private final UnitCommandSender commands;
    private final AuditLog audit;
    private final String gatewayId;
    private final boolean unassignOnDock;
    private final Duration commandTimeout;
    private final Clock clock;
    private final Map<String, Wanted> wanted = new ConcurrentHashMap<>();
    // Units with an officer.assign on its way (no second one meanwhile), and when each was last sent one.
    private final Map<String, Instant> lastSent = new ConcurrentHashMap<>();
    private final Map<String, Boolean> inFlight = new ConcurrentHashMap<>();
    // Registry listeners must not block: sending and the database work of docking happen here.
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "officer-directory");
        t.setDaemon(true);
        return t;
    });

    public OfficerDirectory(
            OfficerRoster roster,
            FleetRegistry registry,
            UnitCommandSender commands,
            AuditLog audit,
            String gatewayId,
            boolean unassignOnDock,
            Duration commandTimeout,
            Clock clock) {
        this.roster = Objects.requireNonNull(roster, "roster");
        this.registry = Objects.requireNonNull(registry, "registry");
        this.commands = Objects.requireNonNull(commands, "commands");
        this.audit = Objects.requireNonNull(audit, "audit");
        this.gatewayId = Objects.requireNonNull(gatewayId, "gatewayId");
        this.unassignOnDock = unassignOnDock;
        this.commandTimeout = Objects.requireNonNull(commandTimeout, "commandTimeout");
        this.clock = Objects.requireNonNull(clock, "clock");
        Instant now = clock.instant();
        roster.assigned().forEach((unit, officer) -> wanted.put(unit, Wanted.of(officer, now)));
        for (String unit : roster.unassignedUnits()) wanted.putIfAbsent(unit, Wanted.nobody(now));
    }

    /** Starts following the fleet: units already known that carry another officer than wanted get theirs. */
    public OfficerDirectory follow() {
        for (UnitView unit : registry.listen(this)) unitChanged(unit);
        return this;
    }

    public List<Officer> all() {
        return roster.all();
    }

    public Optional<Officer> find(String id) {
        return roster.find(id);
    }

    /** Every unit that carries an officer now, with the officer. */
    public Map<String, Officer> assigned() {
        return roster.assigned();
    }

    public Optional<Officer> officerOf(String unitId) {
        return roster.officerOf(unitId);
    }

    public List<UnitAssignment> history(String unitId, int limit) {
        return roster.history(unitId, limit);
    }

    /**
     * Adds an officer.
     *
     * @throws IllegalStateException when the id is taken
     */
    public void add(Officer officer) {
        roster.add(officer, clock.instant());
    }

    /**
     * Changes an officer's name and callsign; a unit that carries the officer is told.
     *
     * @return the officer as it was
     * @throws NoSuchElementException when there is no such officer
     */
    public Officer update(Officer officer, String actor) {
        Officer before = roster.update(officer, clock.instant());
        wanted.forEach((unit, w) -> {
            if (w.officerId().equals(officer.id())) {
                Wanted now = Wanted.of(officer, w.since());
                wanted.put(unit, now);
                deliverLater(unit, now, actor);
            }
        });
        return before;
    }

    /**
     * Removes an officer.
     *
     * @throws NoSuchElementException when there is no such officer
     * @throws IllegalStateException when the officer carries a unit
     */
    public Officer remove(String id) {
        return roster.remove(id);
    }

    /**
     * Assigns an officer to a unit (in the database at once) and tells the unit, waiting for its answer at most the
     * command timeout.
     *
     * @throws NoSuchElementException when there is no such officer
     * @throws IllegalStateException when the officer carries another unit
     */
    public Delivery assign(String unitId, String officerId, String actor) {
        Officer officer =
                roster.find(officerId).orElseThrow(() -> new NoSuchElementException("no officer " + officerId));
        UnitAssignment a = roster.assign(unitId, officerId, actor, clock.instant());
        Wanted w = Wanted.of(officer, a.assignedAt());
        wanted.put(unitId, w);
        return deliver(unitId, w, actor);
    }

    /**
     * An unassignment: the assignment it ended (null when the unit carried nobody; the unit is told all the same),
     * and what became of it on its way to the unit.
     */
    public record Unassignment(UnitAssignment ended, Delivery delivery) {}

    /** Unassigns the unit's officer (in the database at once) and tells the unit. */
    public Unassignment unassign(String unitId, String actor) {
        Instant now = clock.instant();
        Optional<UnitAssignment> ended = roster.unassign(unitId, actor, OfficerRoster.UNASSIGNED, now);
        Wanted w = Wanted.nobody(now);
        wanted.put(unitId, w);
        return new Unassignment(ended.orElse(null), deliver(unitId, w, actor));
    }

    /** Sends what is wanted to the unit now if it is online, and waits for the answer. */
    private Delivery deliver(String unitId, Wanted w, String actor) {
        Optional<UnitView> unit = registry.unit(unitId);
        if (unit.isEmpty() || !unit.get().online()) {
            return Delivery.pending("unit " + unitId + " is offline: it gets the assignment when it is next online");
        }
        CompletableFuture<CommandReply> reply = send(unitId, w, actor);
        try {
            CommandReply answer = reply.get(commandTimeout.toMillis() + 5_000, TimeUnit.MILLISECONDS);
            return answer.ok()
                    ? Delivery.applied(answer.reason())
                    : Delivery.refused("unit " + unitId + " refused: " + answer.reason()
                            + "; the gateway tries again while the unit is online");
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            return Delivery.pending("unit " + unitId + " has not confirmed (" + cause.getMessage()
                    + "): it gets the assignment when it is next online");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Delivery.pending("the gateway is shutting down: unit " + unitId + " gets the assignment later");
        }
    }

    private void deliverLater(String unitId, Wanted w, String actor) {
        Optional<UnitView> unit = registry.unit(unitId);
        if (unit.isPresent() && unit.get().online()) send(unitId, w, actor);
    }

    private CompletableFuture<CommandReply> send(String unitId, Wanted w, String actor) {
        inFlight.put(unitId, Boolean.TRUE);
        lastSent.put(unitId, clock.instant());
        CompletableFuture<CommandReply> reply;
        try {
            reply = commands.send(
                    unitId, RemoteCommand.OFFICER_ASSIGN.wire(), w.args(), gatewayId + "/" + actor, commandTimeout);
        } catch (RuntimeException e) {
            reply = CompletableFuture.failedFuture(e);
        }
        return reply.whenComplete((r, e) -> {
            inFlight.remove(unitId);
            if (e != null) Logger.debug("officer.assign to unit {} not confirmed: {}", unitId, e.getMessage());
            else if (!r.ok()) Logger.warn("unit {} refused officer '{}': {}", unitId, w.officerId(), r.reason());
        });
    }

    /**
     * A unit online that shows another officer than wanted gets its assignment again: at once when it showed the
     * wanted one before, else at most every {@link #RESEND_INTERVAL}, and never while one is on its way.
     */
    @Override
    public void unitChanged(UnitView unit) {
        if (!unit.online() || unit.revoked()) return;
        Wanted w = wanted.get(unit.id());
        if (w == null) return;
        if (w.officerId().equals(unit.officerId())) {
            // In step: should it show another officer later (restored from an old state), it is told again at once.
            lastSent.remove(unit.id());
            return;
        }
        if (inFlight.containsKey(unit.id())) return;
        Instant last = lastSent.get(unit.id());
        Instant now = clock.instant();
        if (last != null && now.isBefore(last.plus(RESEND_INTERVAL))) return;
        lastSent.put(unit.id(), now);
        inFlight.put(unit.id(), Boolean.TRUE);
        Logger.info(
                "unit {} carries officer '{}' but the directory says '{}': sending officer.assign",
                unit.id(),
                unit.officerId(),
                w.officerId());
        onWorker(() -> send(unit.id(), w, "directory"));
    }

    /** {@code docked}: where the policy says so, the unit's officer is unassigned (the check-in). */
    @Override
    public void unitEvent(UnitEvent event) {
        if (!unassignOnDock || event.type() != EventType.DOCKED) return;
        Wanted w = wanted.get(event.unitId());
        // An old docked event delivered late must not end an assignment made after it.
        if (w == null || w.officerId().isEmpty() || event.time().isBefore(w.since())) return;
        onWorker(() -> {
            Instant now = clock.instant();
            Optional<UnitAssignment> ended = roster.unassign(event.unitId(), gatewayId, OfficerRoster.DOCKED, now);
            if (ended.isEmpty()) return;
            Wanted nobody = Wanted.nobody(now);
            wanted.put(event.unitId(), nobody);
            audit.record(
                    gatewayId,
                    "officer.unassign",
                    event.unitId(),
                    "ok",
                    Map.of("officerId", ended.get().officerId(), "reason", OfficerRoster.DOCKED));
            Logger.info(
                    "unit {} docked: officer '{}' unassigned",
                    event.unitId(),
                    ended.get().officerId());
            deliverLater(event.unitId(), nobody, "dock");
        });
    }

    private void onWorker(Runnable task) {
        try {
            worker.execute(() -> {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    Logger.error(e, "officer directory task failed");
                }
            });
        } catch (RejectedExecutionException e) {
            Logger.debug("officer directory closed; task dropped");
        }
    }

    /** Waits until the work queued so far (re-sends, docking) is done: for tests. */
    void awaitQueued() throws InterruptedException, ExecutionException, TimeoutException {
        worker.submit(() -> {}).get(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        registry.removeListener(this);
        worker.shutdownNow();
    }
}
