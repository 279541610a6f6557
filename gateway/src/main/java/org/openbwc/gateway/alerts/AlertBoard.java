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
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.openbwc.gateway.fleet.FleetRegistry;
import org.openbwc.gateway.fleet.UnitView;
import org.openbwc.protocol.UnitEvent;
import org.tinylog.Logger;

/**
 * Turns what the fleet publishes into alerts for the monitoring room and keeps them until an operator acknowledges
 * them. An open alert of the same kind for the same unit is not raised twice. An SOS known only from a unit's retained
 * status (say, the gateway restarted during it) is raised too, so an emergency is never lost to a restart.
 */
public final class AlertBoard implements FleetRegistry.Listener {

    /** Told about every new or changed alert; must return quickly (it runs on the MQTT thread). */
    public interface Listener {
        void alertChanged(Alert alert);
    }

    static final int MAX_ALERTS = 500;

    private final Clock clock;
    private final Map<String, Alert> alerts = new LinkedHashMap<>();
    private final Map<String, Boolean> online = new HashMap<>();
    private final Map<String, Boolean> sos = new HashMap<>();
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private long nextId = 1;

    public AlertBoard(Clock clock) {
        this.clock = clock;
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
        return alerts.values().stream().filter(a -> !a.acknowledged()).count();
    }

    public synchronized Optional<Alert> find(String id) {
        return Optional.ofNullable(alerts.get(id));
    }

    /** Acknowledges an alert; acknowledging it again changes nothing and returns it as it is. */
    public Optional<Alert> acknowledge(String id, String by) {
        Alert updated;
        synchronized (this) {
            Alert a = alerts.get(id);
            if (a == null) return Optional.empty();
            if (a.acknowledged()) return Optional.of(a);
            updated = a.acknowledge(by, clock.instant());
            alerts.put(id, updated);
        }
        Logger.info("Alert {} ({} on {}) acknowledged by {}", id, updated.type().wire(), updated.unitId(), by);
        notifyListeners(updated);
        return Optional.of(updated);
    }

    @Override
    public void unitEvent(UnitEvent e) {
        Map<String, String> d = e.details();
        switch (e.type()) {
            case SOS_RAISED -> {
                synchronized (this) {
                    sos.put(e.unitId(), true);
                }
                raise(
                        e.unitId(),
                        Alert.Type.SOS,
                        Alert.Severity.CRITICAL,
                        e.time(),
                        "SOS raised on " + e.unitId() + " (" + e.cause() + ")");
            }
            case SOS_CLEARED -> {
                synchronized (this) {
                    sos.put(e.unitId(), false);
                }
            }
            case RECORDING_STARTED ->
                raise(
                        e.unitId(),
                        Alert.Type.RECORDING_STARTED,
                        Alert.Severity.INFO,
                        e.time(),
                        "recording started (" + e.cause() + ")"
                                + (d.containsKey("recordingId") ? ": " + d.get("recordingId") : ""));
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
        synchronized (this) {
            wasOnline = Boolean.TRUE.equals(online.put(u.id(), u.online()));
            Boolean before = sos.put(u.id(), u.sos());
            sosRises = u.sos() && !Boolean.TRUE.equals(before);
        }
        if (sosRises) {
            raise(
                    u.id(),
                    Alert.Type.SOS,
                    Alert.Severity.CRITICAL,
                    u.lastStatusTime() == null ? clock.instant() : u.lastStatusTime(),
                    "SOS active on " + u.id());
        }
        if (wasOnline && !u.online()) {
            raise(
                    u.id(),
                    Alert.Type.UNIT_OFFLINE,
                    Alert.Severity.WARNING,
                    clock.instant(),
                    "unit went offline (last seen " + (u.lastSeen() == null ? "never" : u.lastSeen()) + ")");
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

    private void raise(String unitId, Alert.Type type, Alert.Severity severity, Instant time, String message) {
        Alert alert;
        synchronized (this) {
            for (Alert a : alerts.values()) {
                if (!a.acknowledged() && a.unitId().equals(unitId) && a.type() == type) return;
            }
            alert = new Alert("a-" + nextId++, unitId, type, severity, time, message, false, null, null);
            alerts.put(alert.id(), alert);
            trim();
        }
        if (severity == Alert.Severity.INFO) {
            Logger.debug("Alert {}: {} on {}: {}", alert.id(), type.wire(), unitId, message);
        } else {
            Logger.info("Alert {}: {} on {}: {}", alert.id(), type.wire(), unitId, message);
        }
        notifyListeners(alert);
    }

    private void trim() {
        if (alerts.size() <= MAX_ALERTS) return;
        // Oldest acknowledged ones go first; open alerts are only dropped when nothing else is left.
        String victim = alerts.values().stream()
                .filter(Alert::acknowledged)
                .map(Alert::id)
                .findFirst()
                .orElse(alerts.keySet().iterator().next());
        alerts.remove(victim);
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
