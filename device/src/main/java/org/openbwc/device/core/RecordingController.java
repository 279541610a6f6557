package org.openbwc.device.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import org.openbwc.device.core.Cause.Local;
import org.openbwc.device.core.ControllerEvent.CallRequested;
import org.openbwc.device.core.ControllerEvent.DispatchAcknowledged;
import org.openbwc.device.core.ControllerEvent.DispatchArrived;
import org.openbwc.device.core.ControllerEvent.DispatchCancelled;
import org.openbwc.device.core.ControllerEvent.DispatchReceived;
import org.openbwc.device.core.ControllerEvent.Docked;
import org.openbwc.device.core.ControllerEvent.Locating;
import org.openbwc.device.core.ControllerEvent.MarkerPlaced;
import org.openbwc.device.core.ControllerEvent.RecordingStarted;
import org.openbwc.device.core.ControllerEvent.RecordingStopped;
import org.openbwc.device.core.ControllerEvent.SosCleared;
import org.openbwc.device.core.ControllerEvent.SosRaised;
import org.openbwc.device.core.ControllerEvent.StateChanged;
import org.openbwc.device.core.ControllerEvent.StealthOff;
import org.openbwc.device.core.ControllerEvent.StealthOn;
import org.openbwc.device.core.ControllerEvent.StopArmed;
import org.openbwc.device.core.ControllerEvent.StorageReserveReached;
import org.openbwc.device.core.ControllerEvent.Undocked;
import org.openbwc.protocol.UnitState;

/**
 * The recording state machine: SLEEP, BUFFERING, RECORDING, POST_EVENT, plus the stealth and SOS flags.
 *
 * <h2>Rules</h2>
 * <ul>
 *   <li><b>Start</b>: RECORD double press, {@code record.start}, an SOS raise, or the external trigger's
 *       inactive-to-active edge. From BUFFERING the pre-event buffer becomes part of the recording; from SLEEP the
 *       camera wakes and there is no pre-event ({@code preEvent} false in {@link ControllerEvent.RecordingStarted}).
 *       In POST_EVENT a start resumes the same recording (same id, a {@link ControllerEvent.StateChanged} only). A
 *       single RECORD press while idle does nothing.</li>
 *   <li><b>Stop guard</b>: while RECORDING, a RECORD HOLD arms the stop ({@link ControllerEvent.StopArmed}) for
 *       {@code stopConfirmMillis}; a RECORD PRESS while armed confirms it. The arm expires silently. Since the
 *       release after a HOLD produces no PRESS, holding alone never stops. While an SOS is raised, the buttons cannot
 *       arm a stop at all.</li>
 *   <li><b>Stop</b>: RECORDING to POST_EVENT for {@code postEventMillis}, then BUFFERING, or SLEEP if docked;
 *       {@link ControllerEvent.RecordingStopped} is emitted when the recording really ends. With
 *       {@code postEventMillis == 0} it ends at once. {@code record.stop} stops without the guard: an operator's
 *       request is deliberate.</li>
 *   <li><b>Marker</b>: FUNCTION press or {@code marker} while RECORDING or POST_EVENT (the post-event is still
 *       evidence); otherwise ignored (button) or refused (remote).</li>
 *   <li><b>Stealth</b>: FUNCTION HOLD toggles it; {@code stealth.on/off} sets it. In stealth, locate is refused
 *       politely (nothing signals).</li>
 *   <li><b>SOS</b>: SOS HOLD raises it (and starts recording, cause {@link Cause.Local#SOS}); another SOS HOLD
 *       clears it; recording then continues until stopped normally.</li>
 *   <li><b>Dock</b>: docking while BUFFERING sleeps; docking while recording keeps recording and sleeps when it ends;
 *       undocking from SLEEP buffers.</li>
 *   <li><b>Dispatch</b>: {@code dispatch} (args checked by {@link DispatchOrder#parse}) makes the unit's one
 *       {@link ActiveDispatch}, replacing another; the same id again is a no-op (a re-sent command). A FUNCTION
 *       double press acknowledges it while it is pending. It ends when a {@link PositionFix} is within
 *       {@link #ARRIVAL_METERS} of the incident, or with {@code dispatch.cancel} naming it. A single FUNCTION press
 *       stays a marker.</li>
 *   <li>Every state change emits a {@link ControllerEvent.StateChanged} before the specific event. Each event
 *       carries the state right after it.</li>
 *   <li>Timers (post-event end, arm expiry, locate end) are checked at the start of every {@link #handle}, not only on
 *       {@link Tick}, so a late tick never lets an input act on stale state.</li>
 * </ul>
 *
 * <h2>Invariants (checked by a randomized test)</h2>
 * <ul>
 *   <li>The state is never OFFLINE; {@code recordingId != null} exactly in RECORDING and POST_EVENT.</li>
 *   <li>When not recording, the state is SLEEP exactly when docked.</li>
 *   <li>A stop is armed only in RECORDING; post-event times are set only in POST_EVENT.</li>
 *   <li>A button only ever stops a recording with a RECORD PRESS inside the confirm window of a RECORD HOLD.</li>
 *   <li>RecordingStarted and RecordingStopped alternate and carry the same, never reused, recording id.</li>
 *   <li>{@link #handle} never throws; a time earlier than one already seen counts as no time passed.</li>
 * </ul>
 * Not thread-safe: the runtime calls it from its single input loop.
 */
public final class RecordingController {
    /** A fix this close to a dispatch's incident counts as arrived (GNSS accuracy on foot is a few meters). */
    public static final double ARRIVAL_METERS = 30;

    private final RecordingPolicy policy;
    private final Supplier<String> recordingIds;

    private UnitState state;
    private boolean stealth;
    private boolean sos;
    private long sosRaisedMillis;
    private boolean docked;
    private boolean triggerActive;

    private String recordingId;
    private long recordingStartedMillis;
    private Cause stopCause;
    private int markerCount;
    private long lastMarkerMillis;

    private boolean stopArmed;
    private long stopArmedAtMillis;
    private long stopArmedUntilMillis;
    private long postEventStartedMillis;
    private long postEventUntilMillis;

    private boolean locating;
    private long locateStartedMillis;
    private long locateUntilMillis;

    private ActiveDispatch dispatch;

    private boolean storageExhausted;
    private boolean batteryCritical;
    private long lastNowMillis;
    private int fallbackIdCount;

    /**
     * @param recordingIds source of fresh recording ids; if it fails or returns a blank id, a fallback id is made up
     *                     rather than losing the recording
     */
    public RecordingController(RecordingPolicy policy, Supplier<String> recordingIds, boolean docked, long nowMillis) {
        this.policy = Objects.requireNonNull(policy, "policy is required");
        this.recordingIds = Objects.requireNonNull(recordingIds, "recordingIds is required");
        this.docked = docked;
        this.state = docked ? UnitState.SLEEP : UnitState.BUFFERING;
        this.lastNowMillis = nowMillis;
    }

    /** Applies one input at {@code nowMillis}; returns the events to publish and, for a remote command, the reply. */
    public Decision handle(ControllerInput input, long nowMillis) {
        long now = Math.max(nowMillis, lastNowMillis);
        lastNowMillis = now;
        List<ControllerEvent> events = new ArrayList<>(3);
        expireTimers(now, events);
        CommandOutcome reply = switch (input) {
            case null -> null;
            case ButtonGesture g -> {
                onGesture(g, now, events);
                yield null;
            }
            case RemoteCommandInput c -> onRemote(c, now, events);
            case TriggerSignal t -> {
                onTrigger(t.active(), now, events);
                yield null;
            }
            case DockChanged d -> {
                onDock(d.docked(), now, events);
                yield null;
            }
            case Tick t -> null;
            case StorageState st -> {
                onStorage(st.exhausted(), now, events);
                yield null;
            }
            case BatteryState b -> {
                onBattery(b.critical(), now, events);
                yield null;
            }
            case RecordingLimitReached l -> {
                onLimit(l.recordingId(), now, events);
                yield null;
            }
            case RecordingFailed f -> {
                onFailed(f.recordingId(), now, events);
                yield null;
            }
            case PositionFix p -> {
                onPosition(p, now, events);
                yield null;
            }
        };
        return events.isEmpty() && reply == null ? Decision.NONE : new Decision(events, reply);
    }

    /** The current state, for status publishing and the indicators. */
    public ControllerSnapshot snapshot() {
        return new ControllerSnapshot(
                state,
                stealth,
                sos,
                docked,
                recordingId,
                recordingStartedMillis,
                stopArmed,
                stopArmedAtMillis,
                stopArmedUntilMillis,
                postEventStartedMillis,
                postEventUntilMillis,
                locating,
                locateStartedMillis,
                locateUntilMillis,
                sosRaisedMillis,
                markerCount,
                lastMarkerMillis,
                triggerActive);
    }

    public UnitState state() {
        return state;
    }

    /** The dispatch the unit is on (until arrival or cancellation), if any. */
    public Optional<ActiveDispatch> dispatch() {
        return Optional.ofNullable(dispatch);
    }

    /** True while storage is at its reserve: recordings are refused. */
    public boolean storageExhausted() {
        return storageExhausted;
    }

    /** True while the battery is at its critical level (the last {@link BatteryState}). */
    public boolean batteryCritical() {
        return batteryCritical;
    }

    // ---- inputs

    private void onGesture(ButtonGesture g, long now, List<ControllerEvent> events) {
        switch (g.button()) {
            case RECORD -> {
                switch (g.gesture()) {
                    case DOUBLE_PRESS -> start(Local.BUTTON, now, events);
                    case PRESS -> {
                        if (state == UnitState.RECORDING && stopArmed) stop(Local.BUTTON, now, events);
                    }
                    case HOLD -> {
                        // Under SOS the officer may be in a struggle: nothing on the record button may end evidence.
                        if (state == UnitState.RECORDING && !sos) armStop(now, events);
                    }
                }
            }
            case FUNCTION -> {
                switch (g.gesture()) {
                    case PRESS -> {
                        if (state.isRecording()) placeMarker(Local.BUTTON, null, now, events);
                    }
                    case HOLD -> setStealth(!stealth, Local.BUTTON, now, events);
                    case DOUBLE_PRESS -> {
                        if (dispatch != null && dispatch.pending()) {
                            acknowledgeDispatch(now, events);
                        } else {
                            requestCall(now, events);
                        }
                    }
                }
            }
            case SOS -> {
                if (g.gesture() == Gesture.HOLD) {
                    if (sos) clearSos(now, events);
                    else raiseSos(now, events);
                }
            }
        }
    }

    private CommandOutcome onRemote(RemoteCommandInput c, long now, List<ControllerEvent> events) {
        Cause.Remote cause = new Cause.Remote(c.requestedBy());
        return switch (c.command()) {
            case RECORD_START ->
                switch (start(cause, now, events)) {
                    case REFUSED ->
                        CommandOutcome.refused(
                                "storage is at its reserve: no recording is possible until evidence is offloaded");
                    case STARTED -> CommandOutcome.ok("recording started");
                    case RESUMED -> CommandOutcome.ok("recording resumed (was in post-event)");
                    case ALREADY -> CommandOutcome.ok("already recording");
                };
            case RECORD_STOP ->
                switch (state) {
                    case RECORDING -> {
                        stop(cause, now, events);
                        yield CommandOutcome.ok(
                                state == UnitState.POST_EVENT
                                        ? "recording stopped; post-event continues for "
                                                + seconds(policy.postEventMillis())
                                        : "recording stopped");
                    }
                    case POST_EVENT ->
                        CommandOutcome.ok(
                                "already stopping: post-event ends in " + seconds(postEventUntilMillis - now));
                    default -> CommandOutcome.ok("not recording");
                };
            case MARKER -> {
                if (!state.isRecording()) yield CommandOutcome.refused("not recording: a marker needs a recording");
                placeMarker(cause, c.args().get("label"), now, events);
                yield CommandOutcome.ok("marker " + markerCount + " placed");
            }
            case LOCATE -> {
                if (stealth) yield CommandOutcome.ok("stealth: locate signals suppressed");
                locating = true;
                locateStartedMillis = now;
                locateUntilMillis = now + policy.locateMillis();
                events.add(new Locating(policy.locateMillis(), state, cause, now));
                yield CommandOutcome.ok("locating for " + seconds(policy.locateMillis()));
            }
            case STEALTH_ON ->
                stealth
                        ? CommandOutcome.ok("already on")
                        : okAfter(() -> setStealth(true, cause, now, events), "stealth on");
            case STEALTH_OFF ->
                !stealth
                        ? CommandOutcome.ok("already off")
                        : okAfter(() -> setStealth(false, cause, now, events), "stealth off");
            case PING -> CommandOutcome.ok("pong");
            // The runtime handles the live stream itself; it never hands these to the controller.
            case LIVE_START, LIVE_STOP, TALK_START, TALK_STOP ->
                CommandOutcome.refused(c.command().wire() + " is not a recording command");
            // handled by the runtime's officer assignment, never by the controller
            case OFFICER_ASSIGN -> CommandOutcome.refused(c.command().wire() + " is not a recording command");
            case DISPATCH -> onDispatch(c, cause, now, events);
            case DISPATCH_CANCEL -> onDispatchCancel(c, cause, now, events);
        };
    }

    private CommandOutcome onDispatch(
            RemoteCommandInput c, Cause.Remote cause, long now, List<ControllerEvent> events) {
        return switch (DispatchOrder.parse(c.args())) {
            case DispatchOrder.Refused r -> CommandOutcome.refused(r.reason());
            case DispatchOrder.Valid v -> {
                if (dispatch != null && dispatch.order().id().equals(v.order().id())) {
                    yield CommandOutcome.ok("dispatch " + v.order().id() + " already delivered");
                }
                String replaced = dispatch == null ? null : dispatch.order().id();
                dispatch = new ActiveDispatch(v.order(), now, false, 0);
                events.add(new DispatchReceived(v.order(), replaced, state, cause, now));
                yield CommandOutcome.ok("dispatch " + v.order().id() + " delivered"
                        + (replaced == null ? "" : "; it replaces dispatch " + replaced)
                        + (stealth ? " (stealth: haptic only)" : ""));
            }
        };
    }

    private CommandOutcome onDispatchCancel(
            RemoteCommandInput c, Cause.Remote cause, long now, List<ControllerEvent> events) {
        String id = c.args().get("id");
        if (id == null || id.isBlank()) return CommandOutcome.refused("dispatch.cancel needs the dispatch's id");
        if (dispatch == null || !dispatch.order().id().equals(id)) {
            return CommandOutcome.ok("dispatch " + id + " is not active on this unit");
        }
        dispatch = null;
        events.add(new DispatchCancelled(id, state, cause, now));
        return CommandOutcome.ok("dispatch " + id + " cancelled");
    }

    private void acknowledgeDispatch(long now, List<ControllerEvent> events) {
        dispatch = dispatch.acknowledgedAt(now);
        events.add(new DispatchAcknowledged(dispatch.order().id(), state, now));
    }

    /** The officer's "call me" gesture: the room sees a call request it can answer with Talk. */
    private void requestCall(long now, List<ControllerEvent> events) {
        events.add(new CallRequested(state, now));
    }

    private void onPosition(PositionFix p, long now, List<ControllerEvent> events) {
        if (dispatch == null) return;
        double meters = dispatch.order().metersFrom(p.lat(), p.lon());
        if (!(meters <= ARRIVAL_METERS)) return;
        String id = dispatch.order().id();
        dispatch = null;
        events.add(new DispatchArrived(id, meters, state, now));
    }

    private void onTrigger(boolean active, long now, List<ControllerEvent> events) {
        boolean risingEdge = active && !triggerActive;
        triggerActive = active;
        if (risingEdge) start(Local.TRIGGER, now, events);
    }

    private void onDock(boolean nowDocked, long now, List<ControllerEvent> events) {
        if (nowDocked == docked) return;
        docked = nowDocked;
        if (nowDocked && state == UnitState.BUFFERING) transition(UnitState.SLEEP, Local.DOCK, now, events);
        if (!nowDocked && state == UnitState.SLEEP) transition(UnitState.BUFFERING, Local.DOCK, now, events);
        events.add(nowDocked ? new Docked(state, now) : new Undocked(state, now));
    }

    // ---- actions

    private void onStorage(boolean exhausted, long now, List<ControllerEvent> events) {
        if (exhausted == storageExhausted) return;
        storageExhausted = exhausted;
        if (!exhausted) return;
        if (state.isRecording()) {
            disarmStop();
            stopCause = Local.STORAGE_RESERVE;
            endRecording(Local.STORAGE_RESERVE, now, events);
        }
        events.add(new StorageReserveReached(state, now));
    }

    /** Only reaching the critical level stops a recording; one started while it lasts runs on (see BatteryState). */
    private void onBattery(boolean critical, long now, List<ControllerEvent> events) {
        if (critical == batteryCritical) return;
        batteryCritical = critical;
        if (!critical || !state.isRecording()) return;
        disarmStop();
        stopCause = Local.BATTERY_CRITICAL;
        endRecording(Local.BATTERY_CRITICAL, now, events);
    }

    /** The writer gave the recording up: end it here too, at once (there is nothing to post-record into). */
    private void onFailed(String failedId, long now, List<ControllerEvent> events) {
        if (!state.isRecording() || !Objects.equals(failedId, recordingId)) return;
        disarmStop();
        stopCause = Local.WRITE_FAILED;
        endRecording(Local.WRITE_FAILED, now, events);
    }

    private void onLimit(String sealedId, long now, List<ControllerEvent> events) {
        if (!state.isRecording() || !Objects.equals(sealedId, recordingId)) return;
        boolean wasPostEvent = state == UnitState.POST_EVENT;
        long postEventLeft = wasPostEvent ? postEventUntilMillis - now : 0;
        String endedId = recordingId;
        int markers = markerCount;
        Cause cause = stopCause;
        disarmStop();
        recordingId = nextRecordingId(now);
        recordingStartedMillis = now;
        markerCount = 0;
        lastMarkerMillis = 0;
        events.add(new RecordingStopped(endedId, markers, state, Local.LIMIT, now));
        events.add(new RecordingStarted(recordingId, false, endedId, state, Local.LIMIT, now));
        // A post-event in progress carries on in the new recording, with the original stop cause.
        if (wasPostEvent) {
            postEventUntilMillis = now + postEventLeft;
            stopCause = cause;
        }
    }

    private enum StartResult {
        STARTED,
        RESUMED,
        ALREADY,
        REFUSED
    }

    private StartResult start(Cause cause, long now, List<ControllerEvent> events) {
        if (storageExhausted && !state.isRecording()) return StartResult.REFUSED;
        switch (state) {
            case RECORDING -> {
                return StartResult.ALREADY;
            }
            case POST_EVENT -> {
                postEventStartedMillis = 0;
                postEventUntilMillis = 0;
                stopCause = null;
                transition(UnitState.RECORDING, cause, now, events);
                return StartResult.RESUMED;
            }
            default -> {
                boolean preEvent = state == UnitState.BUFFERING;
                recordingId = nextRecordingId(now);
                recordingStartedMillis = now;
                markerCount = 0;
                lastMarkerMillis = 0;
                transition(UnitState.RECORDING, cause, now, events);
                events.add(new RecordingStarted(recordingId, preEvent, null, state, cause, now));
                return StartResult.STARTED;
            }
        }
    }

    private void armStop(long now, List<ControllerEvent> events) {
        stopArmed = true;
        stopArmedAtMillis = now;
        stopArmedUntilMillis = now + policy.stopConfirmMillis();
        events.add(new StopArmed(recordingId, policy.stopConfirmMillis(), state, now));
    }

    private void stop(Cause cause, long now, List<ControllerEvent> events) {
        disarmStop();
        stopCause = cause;
        if (policy.postEventMillis() > 0) {
            postEventStartedMillis = now;
            postEventUntilMillis = now + policy.postEventMillis();
            transition(UnitState.POST_EVENT, cause, now, events);
        } else {
            endRecording(cause, now, events);
        }
    }

    /** The recording really ends here: after the post-event, or at the stop when there is none. */
    private void endRecording(Cause stateCause, long now, List<ControllerEvent> events) {
        String endedId = recordingId;
        int markers = markerCount;
        // stop() and onStorage() set the stop cause before a recording can end; the state's cause is a fallback only
        Cause cause = Objects.requireNonNullElse(stopCause, stateCause);
        recordingId = null;
        recordingStartedMillis = 0;
        markerCount = 0;
        lastMarkerMillis = 0;
        postEventStartedMillis = 0;
        postEventUntilMillis = 0;
        stopCause = null;
        disarmStop();
        transition(docked ? UnitState.SLEEP : UnitState.BUFFERING, stateCause, now, events);
        events.add(new RecordingStopped(endedId, markers, state, cause, now));
    }

    /** @param label the operator's label, or null */
    private void placeMarker(Cause cause, String label, long now, List<ControllerEvent> events) {
        markerCount++;
        lastMarkerMillis = now;
        events.add(new MarkerPlaced(recordingId, markerCount, label, state, cause, now));
    }

    private void setStealth(boolean on, Cause cause, long now, List<ControllerEvent> events) {
        stealth = on;
        events.add(on ? new StealthOn(state, cause, now) : new StealthOff(state, cause, now));
    }

    private void raiseSos(long now, List<ControllerEvent> events) {
        sos = true;
        sosRaisedMillis = now;
        // An SOS must not be stoppable by a hold already in progress.
        disarmStop();
        start(Local.SOS, now, events);
        events.add(new SosRaised(recordingId, state, now));
    }

    private void clearSos(long now, List<ControllerEvent> events) {
        sos = false;
        sosRaisedMillis = 0;
        events.add(new SosCleared(recordingId, state, now));
    }

    private void expireTimers(long now, List<ControllerEvent> events) {
        if (stopArmed && now >= stopArmedUntilMillis) disarmStop();
        if (state == UnitState.POST_EVENT && now >= postEventUntilMillis) endRecording(Local.POST_EVENT, now, events);
        if (locating && now >= locateUntilMillis) {
            locating = false;
            locateStartedMillis = 0;
            locateUntilMillis = 0;
        }
    }

    private void disarmStop() {
        stopArmed = false;
        stopArmedAtMillis = 0;
        stopArmedUntilMillis = 0;
    }

    // ---- plumbing

    private void transition(UnitState to, Cause cause, long now, List<ControllerEvent> events) {
        if (to == state) return;
        UnitState from = state;
        state = to;
        events.add(new StateChanged(from, to, cause, now));
    }

    private String nextRecordingId(long now) {
        String id;
        try {
            id = recordingIds.get();
        } catch (RuntimeException e) {
            id = null;
        }
        // Losing evidence because an id could not be made is worse than an unusual id; the writer can rename.
        return id == null || id.isBlank() ? "unnamed-" + now + "-" + (++fallbackIdCount) : id;
    }

    private static CommandOutcome okAfter(Runnable action, String reason) {
        action.run();
        return CommandOutcome.ok(reason);
    }

    private static String seconds(long millis) {
        long s = Math.max(0, (millis + 999) / 1000);
        return s + " s";
    }
}
