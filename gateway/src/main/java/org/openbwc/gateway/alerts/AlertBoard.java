package org.openbwc.gateway.alerts;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.openbwc.gateway.fleet.FleetRegistry;
import org.openbwc.gateway.fleet.UnitView;
import org.openbwc.protocol.UnitEvent;
import org.tinylog.Logger;

/**
 * Turns what the fleet publishes into alerts for the monitoring room and carries them through their life: open,
 * acknowledged, resolved. An SOS stays until the unit clears it or a supervisor resolves it, whatever happens to the
 * unit meanwhile; a unit-offline alert resolves itself when the unit returns; the others end when acknowledged. An
 * alert still active of the same kind for the same unit is not raised twice. Routine events (a recording started) are
 * not alerts unless the agency asks for them. Alerts are kept in an {@link AlertStore}, so a gateway restart loses
 * neither an emergency nor the history; an SOS known only from a unit's retained status is raised too.
 */
public final class AlertBoard implements FleetRegistry.Listener {

    /** Told about every new or changed alert; must return quickly (it runs on the MQTT thread). */
    public interface Listener {
        void alertChanged(Alert alert);
    }

    /** How many alerts are kept (ended ones are dropped first). */
    public static final int MAX_ALERTS = 500;

    private final Clock clock;
    private final FleetRegistry registry;
    private final Set<String> bannerEvents;
    private final AlertStore store;
    private final Map<String, Alert> alerts = new LinkedHashMap<>();
    private final Map<String, Boolean> online = new HashMap<>();
    private final Map<String, Boolean> sos = new HashMap<>();
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private long nextId = 1;

    /** A board in memory, without a registry to hold SOS in, raising no routine events: for tests. */
    public AlertBoard(Clock clock) {
        this(clock, null, Set.of(), AlertStore.NONE);
    }

    /**
     * @param registry where an SOS is held while its unit is offline and released when a supervisor resolves it; null
     *     for none
     * @param bannerEvents routine events (by wire name) raised as info alerts, e.g. {@code recording.started}
     * @param store where alerts are kept across restarts; the board starts with what it holds
     */
    public AlertBoard(Clock clock, FleetRegistry registry, Set<String> bannerEvents, AlertStore store) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.registry = registry;
        this.bannerEvents = Set.copyOf(bannerEvents);
        this.store = Objects.requireNonNull(store, "store");
        List<Alert> kept = store.load();
        for (Alert a : kept) {
            alerts.put(a.id(), a);
            nextId = Math.max(nextId, numberOf(a.id()) + 1);
        }
        trim();
        long sos = 0;
        for (Alert a : alerts.values()) {
            if (a.type() == Alert.Type.SOS && a.state() != Alert.State.RESOLVED) {
                sos++;
                this.sos.put(a.unitId(), true);
                if (registry != null) registry.holdSos(a.unitId());
            }
        }
        if (!kept.isEmpty()) {
            Logger.info("Alert board: {} alerts kept from before, {} of them SOS still standing", alerts.size(), sos);
        }
    }

    /** Registers a listener and returns the current alerts (newest first), atomically. */
    public synchronized List<Alert> listen(Listener l) {
        listeners.add(l);
        return all();
    }

    public void removeListener(Listener l) {
        listeners.remove(l);
    }

    /** Every alert kept, newest first. */
    public synchronized List<Alert> all() {
        List<Alert> list = new ArrayList<>(alerts.values());
        Collections.reverse(list);
        return list;
    }

    public synchronized long openCount() {
        return alerts.values().stream()
                .filter(a -> a.state() == Alert.State.OPEN)
                .count();
    }

    public synchronized Optional<Alert> find(String id) {
        return Optional.ofNullable(alerts.get(id));
    }

    /** Acknowledges an alert; acknowledging it again, or a resolved one, changes nothing and returns it as it is. */
    public Optional<Alert> acknowledge(String id, String by) {
        return acknowledge(id, by, null);
    }

    /** As {@link #acknowledge(String, String)}, with what the operator added (null or blank for nothing). */
    public Optional<Alert> acknowledge(String id, String by, String note) {
        Alert updated;
        synchronized (this) {
            Alert a = alerts.get(id);
            if (a == null) return Optional.empty();
            if (a.state() != Alert.State.OPEN) return Optional.of(a);
            updated = a.acknowledge(by, clock.instant(), blankToNull(note));
            put(updated);
        }
        Logger.info("Alert {} ({} on {}) acknowledged by {}", id, updated.type().wire(), updated.unitId(), by);
        notifyListeners(updated);
        return Optional.of(updated);
    }

    /**
     * Resolves an alert: it is over. Resolving an SOS releases the unit's SOS at the registry (an offline unit stops
     * showing it). Resolving a resolved alert changes nothing and returns it as it is.
     */
    public Optional<Alert> resolve(String id, String by, String note) {
        Alert updated;
        synchronized (this) {
            Alert a = alerts.get(id);
            if (a == null) return Optional.empty();
            if (a.state() == Alert.State.RESOLVED) return Optional.of(a);
            updated = a.resolve(by, clock.instant(), blankToNull(note));
            put(updated);
        }
        Logger.info(
                "Alert {} ({} on {}) resolved by {}{}",
                id,
                updated.type().wire(),
                updated.unitId(),
                by,
                updated.resolveNote() == null ? "" : ": " + updated.resolveNote());
        // Outside this board's lock: the registry tells its listeners (this board among them) under its own.
        if (updated.type() == Alert.Type.SOS && registry != null) registry.releaseSos(updated.unitId());
        notifyListeners(updated);
        return Optional.of(updated);
    }

    /** Acknowledges every open info alert at once; returns those it acknowledged. */
    public List<Alert> acknowledgeAllInfo(String by) {
        List<Alert> done = new ArrayList<>();
        synchronized (this) {
            Instant now = clock.instant();
            for (Alert a : List.copyOf(alerts.values())) {
                if (a.state() == Alert.State.OPEN && a.severity() == Alert.Severity.INFO) {
                    Alert updated = a.acknowledge(by, now, null);
                    put(updated);
                    done.add(updated);
                }
            }
        }
        if (!done.isEmpty()) Logger.info("{} info alerts acknowledged by {}", done.size(), by);
        done.forEach(this::notifyListeners);
        return done;
    }

    @Override
    public void unitEvent(UnitEvent e) {
        Map<String, String> d = e.details();
        switch (e.type()) {
            case SOS_RAISED -> {
                // The SOS flag follows the unit's views only (unitChanged): an event and the status that goes with
                // it arrive on two topics, in either order.
                raise(
                        e.unitId(),
                        Alert.Type.SOS,
                        Alert.Severity.CRITICAL,
                        e.time(),
                        "SOS raised on " + e.unitId() + officerText(e.unitId()) + causeText(e.cause()));
            }
            case SOS_CLEARED -> {
                resolveByUnit(e.unitId(), Alert.Type.SOS, "cleared on the unit" + causeText(e.cause()));
            }
            case RECORDING_STARTED -> {
                if (bannerEvents.contains(e.type().wire())) raiseRoutine(e, d);
            }
            case BATTERY_LOW ->
                raise(
                        e.unitId(),
                        Alert.Type.BATTERY_LOW,
                        Alert.Severity.WARNING,
                        e.time(),
                        "battery low" + (d.containsKey("batteryPercent") ? ": " + d.get("batteryPercent") + " %" : ""));
            case STORAGE_LOW ->
                raise(
                        e.unitId(),
                        Alert.Type.STORAGE_LOW,
                        Alert.Severity.WARNING,
                        e.time(),
                        "storage low" + detailText(d));
            case STORAGE_RESERVE ->
                raise(
                        e.unitId(),
                        Alert.Type.STORAGE_RESERVE,
                        Alert.Severity.CRITICAL,
                        e.time(),
                        "storage full: the unit cannot record" + detailText(d));
            case CLOCK_UNSET ->
                raise(
                        e.unitId(),
                        Alert.Type.CLOCK_UNSET,
                        Alert.Severity.WARNING,
                        e.time(),
                        "unit clock is not set: evidence times cannot be trusted");
            case RECORDING_RECOVERED ->
                raise(
                        e.unitId(),
                        Alert.Type.RECORDING_RECOVERED,
                        Alert.Severity.WARNING,
                        e.time(),
                        "recording " + d.getOrDefault("recordingId", "?") + " recovered after a power loss ("
                                + seconds(d.get("durationMillis")) + " kept)");
            case RECORDING_FAILED ->
                raise(
                        e.unitId(),
                        Alert.Type.RECORDING_FAILED,
                        Alert.Severity.CRITICAL,
                        e.time(),
                        "recording " + d.getOrDefault("recordingId", "?") + " failed: "
                                + d.getOrDefault("reason", "unknown reason") + "; "
                                + ("true".equals(d.get("sealed"))
                                        ? seconds(d.get("durationMillis")) + " sealed"
                                        : "left unsealed until the unit restarts"));
            case CALL_REQUESTED ->
                raise(
                        e.unitId(),
                        Alert.Type.CALL_REQUESTED,
                        Alert.Severity.WARNING,
                        e.time(),
                        "call request from " + e.unitId() + officerText(e.unitId()) + ": answer with Talk on its live"
                                + " view");
            case CALL_STARTED ->
                resolveByUnit(e.unitId(), Alert.Type.CALL_REQUESTED, "answered by " + d.getOrDefault("by", "?"));
            case CAMERA_FAILED ->
                raise(
                        e.unitId(),
                        Alert.Type.CAMERA_FAILED,
                        Alert.Severity.CRITICAL,
                        e.time(),
                        "camera failed: " + d.getOrDefault("reason", "unknown reason"));
            case KEY_MISSING ->
                raise(
                        e.unitId(),
                        Alert.Type.KEY_MISSING,
                        Alert.Severity.CRITICAL,
                        e.time(),
                        "evidence key missing: the unit has " + d.getOrDefault("recordings", "?")
                                + " recordings but no key, and made a new one ("
                                + d.getOrDefault("newKey", "?")
                                + (d.containsKey("oldKey") ? ", was " + d.get("oldKey") : "")
                                + "); recordings signed from now on do not verify against the pinned key");
            default -> {}
        }
    }

    /**
     * An alert the gateway raises itself about a unit (not from the unit's own events), e.g. a refused live uplink;
     * like every alert, not raised again while one of its kind for that unit is open.
     */
    public void raiseForUnit(String unitId, Alert.Type type, Alert.Severity severity, String message) {
        raise(unitId, type, severity, clock.instant(), message);
    }

    @Override
    public void unitChanged(UnitView u) {
        boolean wasOnline;
        boolean sosRises;
        boolean sosFalls;
        synchronized (this) {
            wasOnline = Boolean.TRUE.equals(online.put(u.id(), u.online()));
            Boolean before = sos.put(u.id(), u.sos());
            sosRises = u.sos() && !Boolean.TRUE.equals(before);
            // Only a live unit that no longer says SOS ends it; an offline one's SOS ends by a supervisor's resolve.
            sosFalls = !u.sos() && Boolean.TRUE.equals(before) && u.online();
        }
        if (sosRises) {
            raise(
                    u.id(),
                    Alert.Type.SOS,
                    Alert.Severity.CRITICAL,
                    u.lastStatusTime() == null ? clock.instant() : u.lastStatusTime(),
                    "SOS active on " + u.id() + officerText(u.id()));
        }
        if (sosFalls) resolveByUnit(u.id(), Alert.Type.SOS, "cleared on the unit");
        // Only on the way back (or the first view after a restart): this runs for every status of every unit.
        if (u.online() && !wasOnline) resolveByUnit(u.id(), Alert.Type.UNIT_OFFLINE, "back online");
        if (wasOnline && !u.online()) {
            raise(
                    u.id(),
                    Alert.Type.UNIT_OFFLINE,
                    u.sos() ? Alert.Severity.CRITICAL : Alert.Severity.WARNING,
                    clock.instant(),
                    u.sos() ? "unit went offline during its SOS" : "unit went offline");
        }
    }

    /**
     * A unit the agency did not enrol, or revoked, publishes on the fleet's topics (its messages are dropped). The
     * ingest reports each unit once, so this is one alert per unit, not one per message.
     */
    public void unitRefused(String unitId, boolean revoked) {
        if (revoked) {
            raise(
                    unitId,
                    Alert.Type.UNIT_REVOKED,
                    Alert.Severity.CRITICAL,
                    clock.instant(),
                    "revoked unit " + unitId + " still publishes on the broker; its messages are dropped");
        } else {
            raise(
                    unitId,
                    Alert.Type.UNIT_NOT_ENROLLED,
                    Alert.Severity.CRITICAL,
                    clock.instant(),
                    "unit " + unitId + " is not enrolled at this gateway; its messages are dropped (enrol it with"
                            + " `bwc gateway unit add " + unitId + "`)");
        }
    }

    /**
     * A unit with a certificate from the agency CA tried to connect to the embedded broker, but it is revoked or not
     * (or no longer) enrolled: its certificate may be in someone else's hands. Raised again only while no alert of the
     * kind is open for the unit, so a reconnecting device does not flood the board.
     */
    public void unitConnectionRefused(String unitId, boolean revoked) {
        raise(
                unitId,
                revoked ? Alert.Type.UNIT_REVOKED : Alert.Type.UNIT_NOT_ENROLLED,
                Alert.Severity.CRITICAL,
                clock.instant(),
                (revoked ? "revoked unit " + unitId : "unit " + unitId + ", not enrolled at this gateway,")
                        + " tried to connect to the broker with a certificate from the agency CA; refused");
    }

    /** A unit reports an evidence-signing key other than the one pinned when it enrolled. */
    public void evidenceKeyDiffers(String unitId, String reported, String pinned) {
        raise(
                unitId,
                Alert.Type.EVIDENCE_KEY_DIFFERS,
                Alert.Severity.CRITICAL,
                clock.instant(),
                "evidence key differs from the one pinned at enrolment: the unit reports " + reported + ", pinned "
                        + pinned + "; recordings it signs now do not verify against the pinned key");
    }

    @Override
    public void unitRemoved(String unitId) {
        synchronized (this) {
            online.remove(unitId);
            sos.remove(unitId);
        }
    }

    private void raiseRoutine(UnitEvent e, Map<String, String> d) {
        raise(
                e.unitId(),
                Alert.Type.RECORDING_STARTED,
                Alert.Severity.INFO,
                e.time(),
                "recording started" + causeText(e.cause())
                        + (d.containsKey("recordingId") ? ": " + d.get("recordingId") : ""));
    }

    private void raise(String unitId, Alert.Type type, Alert.Severity severity, Instant time, String message) {
        Alert alert;
        synchronized (this) {
            for (Alert a : alerts.values()) {
                if (a.active() && a.unitId().equals(unitId) && a.type() == type) return;
            }
            alert = new Alert(
                    "a-" + nextId++,
                    unitId,
                    officerOf(unitId),
                    type,
                    severity,
                    time,
                    message,
                    Alert.State.OPEN,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null);
            put(alert);
            trim();
        }
        if (severity == Alert.Severity.INFO) {
            Logger.debug("Alert {}: {} on {}: {}", alert.id(), type.wire(), unitId, message);
        } else {
            Logger.info("Alert {}: {} on {}: {}", alert.id(), type.wire(), unitId, message);
        }
        notifyListeners(alert);
    }

    /** The unit ended what the alert was about: every alert of the kind for it that is not resolved yet is. */
    private void resolveByUnit(String unitId, Alert.Type type, String note) {
        List<Alert> done = new ArrayList<>();
        synchronized (this) {
            Instant now = clock.instant();
            for (Alert a : List.copyOf(alerts.values())) {
                if (a.type() == type && a.unitId().equals(unitId) && a.state() != Alert.State.RESOLVED) {
                    Alert updated = a.resolve(Alert.BY_UNIT, now, note);
                    put(updated);
                    done.add(updated);
                }
            }
        }
        for (Alert a : done) {
            Logger.info("Alert {} ({} on {}) resolved: {}", a.id(), type.wire(), unitId, note);
            notifyListeners(a);
        }
    }

    /** Stores a new or changed alert; the caller holds this board's lock, so the store sees changes in order. */
    private void put(Alert a) {
        alerts.put(a.id(), a);
        store.save(a);
        if (store.wantsCompaction()) store.compact(List.copyOf(alerts.values()));
    }

    private void trim() {
        while (alerts.size() > MAX_ALERTS) {
            // Oldest ended ones go first; an active alert is only dropped when nothing else is left.
            String victim = alerts.values().stream()
                    .filter(a -> !a.active())
                    .map(Alert::id)
                    .findFirst()
                    .orElse(alerts.keySet().iterator().next());
            alerts.remove(victim);
        }
    }

    private void notifyListeners(Alert a) {
        for (Listener l : listeners) {
            try {
                l.alertChanged(a);
            } catch (RuntimeException ex) {
                Logger.error(ex, "Alert listener {} failed", l);
            }
        }
    }

    private String officerOf(String unitId) {
        if (registry == null) return "";
        return registry.unit(unitId).map(UnitView::officerId).orElse("");
    }

    private String officerText(String unitId) {
        String officer = officerOf(unitId);
        return officer.isEmpty() ? "" : ", officer " + officer;
    }

    /** The unit's cause in words an operator reads ("sos" is the SOS button, "remote:gw-1/sam" a person). */
    private static String causeText(String cause) {
        if (cause == null || cause.isEmpty()) return "";
        if (cause.startsWith("remote:")) {
            String by = cause.substring("remote:".length());
            return " (from the monitoring room, " + by.substring(by.indexOf('/') + 1) + ")";
        }
        return switch (cause) {
            case "sos" -> " (SOS button held)";
            case "button" -> " (button on the unit)";
            case "trigger" -> " (trigger)";
            case "dock" -> " (docked)";
            default -> " (" + cause + ")";
        };
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }

    private static long numberOf(String id) {
        try {
            return Long.parseLong(id.substring(id.indexOf('-') + 1));
        } catch (RuntimeException e) {
            return 0;
        }
    }

    private static String detailText(Map<String, String> d) {
        return d.containsKey("storageFreePercent") ? ": " + d.get("storageFreePercent") + " % free" : "";
    }

    private static String seconds(String millis) {
        try {
            return String.format(Locale.ROOT, "%.1f s", Long.parseLong(millis) / 1000.0);
        } catch (NumberFormatException | NullPointerException e) {
            return "? s";
        }
    }
}
