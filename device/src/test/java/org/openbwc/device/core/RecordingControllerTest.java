package org.openbwc.device.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.openbwc.device.core.ButtonName.FUNCTION;
import static org.openbwc.device.core.ButtonName.RECORD;
import static org.openbwc.device.core.ButtonName.SOS;
import static org.openbwc.device.core.Gesture.DOUBLE_PRESS;
import static org.openbwc.device.core.Gesture.HOLD;
import static org.openbwc.device.core.Gesture.PRESS;
import static org.openbwc.protocol.UnitState.BUFFERING;
import static org.openbwc.protocol.UnitState.POST_EVENT;
import static org.openbwc.protocol.UnitState.RECORDING;
import static org.openbwc.protocol.UnitState.SLEEP;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.openbwc.device.core.Cause.Local;
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
import org.openbwc.protocol.RemoteCommand;
import org.openbwc.protocol.UnitState;

class RecordingControllerTest {
    static final long POST_EVENT_MILLIS = 10_000;
    static final long CONFIRM_MILLIS = 5_000;
    static final RecordingPolicy POLICY =
            new RecordingPolicy(POST_EVENT_MILLIS, 500, 1_500, CONFIRM_MILLIS, 60_000, 3_000, 2_000);

    /** A controller plus a fake monotonic clock and numbered recording ids. */
    static final class Rig {
        final RecordingController controller;
        long now = 1_000;
        int ids;

        Rig(RecordingPolicy policy, boolean docked) {
            Supplier<String> idSource = () -> "rec-" + (++ids);
            controller = new RecordingController(policy, idSource, docked, now);
        }

        Rig() {
            this(POLICY, false);
        }

        Decision at(long t, ControllerInput input) {
            now = t;
            return controller.handle(input, t);
        }

        Decision after(long ms, ControllerInput input) {
            return at(now + ms, input);
        }

        Decision gesture(ButtonName b, Gesture g) {
            return controller.handle(new ButtonGesture(b, g), now);
        }

        Decision remote(RemoteCommand c) {
            return controller.handle(new RemoteCommandInput(c, "op-7", Map.of()), now);
        }

        Decision tick(long ms) {
            return after(ms, new Tick());
        }

        UnitState state() {
            return controller.snapshot().state();
        }

        ControllerSnapshot snap() {
            return controller.snapshot();
        }

        void startByButton() {
            gesture(RECORD, PRESS);
            gesture(RECORD, DOUBLE_PRESS);
        }

        /** The stop gesture as the decoder produces it: HOLD while held, nothing on release, then a PRESS. */
        Decision stopByButton() {
            gesture(RECORD, HOLD);
            now += 800;
            return gesture(RECORD, PRESS);
        }
    }

    static final Cause.Remote OP_7 = new Cause.Remote("op-7");

    /** The kinds of the decision's events, in order. */
    static List<Class<?>> types(Decision d) {
        return d.events().stream().<Class<?>>map(Object::getClass).toList();
    }

    /** The first event of the given kind. */
    static <T extends ControllerEvent> T only(Decision d, Class<T> type) {
        return d.events().stream()
                .filter(type::isInstance)
                .map(type::cast)
                .findFirst()
                .orElseThrow();
    }

    @Nested
    class Construction {
        @Test
        void startsSleepingWhenDockedAndBufferingOtherwise() {
            assertThat(new Rig(POLICY, true).state()).isEqualTo(SLEEP);
            assertThat(new Rig(POLICY, false).state()).isEqualTo(BUFFERING);
            assertThat(new Rig().snap().recordingId()).isNull();
        }
    }

    @Nested
    class StartByButton {
        @Test
        void doublePressStartsRecordingFromBufferingWithPreEvent() {
            Rig r = new Rig();
            assertThat(r.gesture(RECORD, PRESS).events()).isEmpty();
            Decision d = r.gesture(RECORD, DOUBLE_PRESS);

            assertThat(types(d)).containsExactly(StateChanged.class, RecordingStarted.class);
            StateChanged changed = (StateChanged) d.events().get(0);
            assertThat(changed.from()).isEqualTo(BUFFERING);
            assertThat(changed.to()).isEqualTo(RECORDING);
            assertThat(changed.state()).isEqualTo(RECORDING);
            RecordingStarted started = (RecordingStarted) d.events().get(1);
            assertThat(started.cause()).isEqualTo(Local.BUTTON);
            assertThat(started.recordingId()).isEqualTo("rec-1");
            assertThat(started.preEvent()).isTrue();
            assertThat(started.atMillis()).isEqualTo(r.now);
            assertThat(d.reply()).isNull();
            assertThat(r.snap().recordingId()).isEqualTo("rec-1");
            assertThat(r.snap().recordingStartedMillis()).isEqualTo(r.now);
        }

        @Test
        void doublePressFromSleepWakesTheCameraWithoutPreEvent() {
            Rig r = new Rig(POLICY, true);
            Decision d = r.gesture(RECORD, DOUBLE_PRESS);
            assertThat(only(d, StateChanged.class).from()).isEqualTo(SLEEP);
            assertThat(only(d, RecordingStarted.class).preEvent()).isFalse();
            assertThat(r.state()).isEqualTo(RECORDING);
        }

        @Test
        void singlePressWhileIdleDoesNothing() {
            Rig r = new Rig();
            assertThat(r.gesture(RECORD, PRESS)).isEqualTo(Decision.NONE);
            assertThat(r.state()).isEqualTo(BUFFERING);
        }

        @Test
        void doublePressWhileRecordingDoesNothing() {
            Rig r = new Rig();
            r.startByButton();
            assertThat(r.gesture(RECORD, DOUBLE_PRESS).events()).isEmpty();
            assertThat(r.snap().recordingId()).isEqualTo("rec-1");
        }
    }

    @Nested
    class StopGuard {
        @Test
        void holdArmsAndAPressWhileArmedStops() {
            Rig r = new Rig();
            r.startByButton();
            Decision armed = r.gesture(RECORD, HOLD);
            assertThat(types(armed)).containsExactly(StopArmed.class);
            assertThat(armed.events().get(0).state()).isEqualTo(RECORDING);
            assertThat(r.snap().stopArmed()).isTrue();
            assertThat(r.snap().stopArmedAtMillis()).isEqualTo(r.now);
            assertThat(r.snap().stopArmedUntilMillis()).isEqualTo(r.now + CONFIRM_MILLIS);

            r.now += 1_000;
            Decision stopped = r.gesture(RECORD, PRESS);
            assertThat(types(stopped)).containsExactly(StateChanged.class);
            assertThat(only(stopped, StateChanged.class).to()).isEqualTo(POST_EVENT);
            assertThat(r.state()).isEqualTo(POST_EVENT);
            assertThat(r.snap().stopArmed()).isFalse();
            assertThat(r.snap().stopArmedUntilMillis()).isZero();
        }

        @Test
        void holdAloneNeverStopsEvenRepeated() {
            Rig r = new Rig();
            r.startByButton();
            for (int i = 0; i < 20; i++) {
                r.gesture(RECORD, HOLD);
                r.tick(700);
            }
            assertThat(r.state()).isEqualTo(RECORDING);
        }

        @Test
        void pressWithoutArmingDoesNothing() {
            Rig r = new Rig();
            r.startByButton();
            assertThat(r.gesture(RECORD, PRESS).events()).isEmpty();
            assertThat(r.state()).isEqualTo(RECORDING);
        }

        @Test
        void armExpiresSilentlyAndALatePressDoesNothing() {
            Rig r = new Rig();
            r.startByButton();
            r.gesture(RECORD, HOLD);
            assertThat(r.tick(CONFIRM_MILLIS).events()).isEmpty();
            assertThat(r.snap().stopArmed()).isFalse();
            assertThat(r.gesture(RECORD, PRESS).events()).isEmpty();
            assertThat(r.state()).isEqualTo(RECORDING);
        }

        @Test
        void armExpiresEvenWithoutATickBeforeThePress() {
            Rig r = new Rig();
            r.startByButton();
            r.gesture(RECORD, HOLD);
            assertThat(r.after(CONFIRM_MILLIS, new ButtonGesture(RECORD, PRESS)).events())
                    .isEmpty();
            assertThat(r.state()).isEqualTo(RECORDING);
        }

        @Test
        void holdWhileIdleDoesNotArm() {
            Rig r = new Rig();
            assertThat(r.gesture(RECORD, HOLD).events()).isEmpty();
            r.startByButton();
            assertThat(r.snap().stopArmed()).isFalse();
            assertThat(r.gesture(RECORD, PRESS).events()).isEmpty();
        }

        @Test
        void holdWhileSosIsRaisedDoesNotArm() {
            Rig r = new Rig();
            r.gesture(SOS, HOLD);
            assertThat(r.gesture(RECORD, HOLD).events()).isEmpty();
            assertThat(r.gesture(RECORD, PRESS).events()).isEmpty();
            assertThat(r.state()).isEqualTo(RECORDING);
        }

        @Test
        void raisingSosDisarmsAPendingStop() {
            Rig r = new Rig();
            r.startByButton();
            r.gesture(RECORD, HOLD);
            r.gesture(SOS, HOLD);
            assertThat(r.snap().stopArmed()).isFalse();
            assertThat(r.gesture(RECORD, PRESS).events()).isEmpty();
        }
    }

    @Nested
    class PostEvent {
        @Test
        void recordingReallyEndsAfterPostEventOnATick() {
            Rig r = new Rig();
            r.startByButton();
            long stopAt = r.now + 800;
            r.stopByButton();
            assertThat(r.snap().postEventStartedMillis()).isEqualTo(stopAt);
            assertThat(r.snap().postEventUntilMillis()).isEqualTo(stopAt + POST_EVENT_MILLIS);
            assertThat(r.snap().recordingId()).isEqualTo("rec-1");

            assertThat(r.at(stopAt + POST_EVENT_MILLIS - 1, new Tick()).events())
                    .isEmpty();
            Decision end = r.at(stopAt + POST_EVENT_MILLIS, new Tick());

            assertThat(types(end)).containsExactly(StateChanged.class, RecordingStopped.class);
            StateChanged changed = (StateChanged) end.events().get(0);
            assertThat(changed.from()).isEqualTo(POST_EVENT);
            assertThat(changed.to()).isEqualTo(BUFFERING);
            RecordingStopped stopped = (RecordingStopped) end.events().get(1);
            assertThat(stopped.recordingId()).isEqualTo("rec-1");
            assertThat(stopped.cause()).isEqualTo(Local.BUTTON);
            assertThat(stopped.state()).isEqualTo(BUFFERING);
            assertThat(r.snap().recordingId()).isNull();
            assertThat(r.snap().postEventUntilMillis()).isZero();
        }

        @Test
        void zeroPostEventEndsAtOnce() {
            Rig r = new Rig(new RecordingPolicy(0, 500, 1_500, CONFIRM_MILLIS, 0, 3_000, 2_000), false);
            r.startByButton();
            Decision d = r.stopByButton();
            assertThat(types(d)).containsExactly(StateChanged.class, RecordingStopped.class);
            assertThat(only(d, StateChanged.class).from()).isEqualTo(RECORDING);
            assertThat(only(d, StateChanged.class).to()).isEqualTo(BUFFERING);
            assertThat(r.state()).isEqualTo(BUFFERING);
        }

        @Test
        void doublePressDuringPostEventResumesTheSameRecording() {
            Rig r = new Rig();
            r.startByButton();
            r.stopByButton();
            r.now += 2_000;
            Decision d = r.gesture(RECORD, DOUBLE_PRESS);
            assertThat(types(d)).containsExactly(StateChanged.class);
            assertThat(d.events().get(0).cause()).isEqualTo(Local.BUTTON);
            assertThat(only(d, StateChanged.class).from()).isEqualTo(POST_EVENT);
            assertThat(only(d, StateChanged.class).to()).isEqualTo(RECORDING);
            assertThat(r.snap().recordingId()).isEqualTo("rec-1");
            assertThat(r.snap().postEventUntilMillis()).isZero();
            // The old post-event deadline must not end the resumed recording.
            assertThat(r.tick(POST_EVENT_MILLIS * 2).events()).isEmpty();
            assertThat(r.state()).isEqualTo(RECORDING);
        }

        @Test
        void triggerAndRemoteStartAlsoResume() {
            Rig r = new Rig();
            r.startByButton();
            r.stopByButton();
            assertThat(only(r.gesture(RECORD, DOUBLE_PRESS), StateChanged.class).cause())
                    .isEqualTo(Local.BUTTON);
            r.stopByButton();
            Decision byTrigger = r.controller.handle(new TriggerSignal(true), r.now);
            assertThat(types(byTrigger)).containsExactly(StateChanged.class);
            assertThat(byTrigger.events().get(0).cause()).isEqualTo(Local.TRIGGER);
            r.stopByButton();
            Decision byRemote = r.remote(RemoteCommand.RECORD_START);
            assertThat(types(byRemote)).containsExactly(StateChanged.class);
            assertThat(byRemote.reply()).isEqualTo(new CommandOutcome(true, "recording resumed (was in post-event)"));
            assertThat(r.snap().recordingId()).isEqualTo("rec-1");
        }

        @Test
        void aStartArrivingAfterTheDeadlineButBeforeTheTickMakesANewRecording() {
            Rig r = new Rig();
            r.startByButton();
            r.stopByButton();
            Decision d = r.after(POST_EVENT_MILLIS, new ButtonGesture(RECORD, DOUBLE_PRESS));
            assertThat(types(d))
                    .containsExactly(
                            StateChanged.class, RecordingStopped.class, StateChanged.class, RecordingStarted.class);
            assertThat(only(d, RecordingStopped.class).recordingId()).isEqualTo("rec-1");
            assertThat(only(d, RecordingStarted.class).recordingId()).isEqualTo("rec-2");
        }

        @Test
        void recordButtonHoldDuringPostEventDoesNotArm() {
            Rig r = new Rig();
            r.startByButton();
            r.stopByButton();
            assertThat(r.gesture(RECORD, HOLD).events()).isEmpty();
            assertThat(r.snap().stopArmed()).isFalse();
        }
    }

    @Nested
    class Markers {
        @Test
        void functionPressWhileRecordingPlacesNumberedMarkers() {
            Rig r = new Rig();
            r.startByButton();
            Decision first = r.gesture(FUNCTION, PRESS);
            assertThat(types(first)).containsExactly(MarkerPlaced.class);
            MarkerPlaced marker = (MarkerPlaced) first.events().get(0);
            assertThat(marker.recordingId()).isEqualTo("rec-1");
            assertThat(marker.markerIndex()).isEqualTo(1);
            r.now += 100;
            Decision second = r.gesture(FUNCTION, PRESS);
            assertThat(only(second, MarkerPlaced.class).markerIndex()).isEqualTo(2);
            assertThat(r.snap().markerCount()).isEqualTo(2);
            assertThat(r.snap().lastMarkerMillis()).isEqualTo(r.now);
        }

        @Test
        void functionPressWhileIdleIsIgnored() {
            Rig r = new Rig();
            assertThat(r.gesture(FUNCTION, PRESS).events()).isEmpty();
        }

        @Test
        void markersAreAllowedDuringPostEventAndRestartAtOneForTheNextRecording() {
            Rig r = new Rig();
            r.startByButton();
            r.gesture(FUNCTION, PRESS);
            r.stopByButton();
            assertThat(only(r.gesture(FUNCTION, PRESS), MarkerPlaced.class).markerIndex())
                    .isEqualTo(2);
            assertThat(only(r.tick(POST_EVENT_MILLIS), RecordingStopped.class).markers())
                    .isEqualTo(2);
            r.startByButton();
            MarkerPlaced next = only(r.gesture(FUNCTION, PRESS), MarkerPlaced.class);
            assertThat(next.markerIndex()).isEqualTo(1);
            assertThat(next.recordingId()).isEqualTo("rec-2");
        }
    }

    @Nested
    class Stealth {
        @Test
        void functionHoldTogglesStealth() {
            Rig r = new Rig();
            Decision on = r.gesture(FUNCTION, HOLD);
            assertThat(types(on)).containsExactly(StealthOn.class);
            assertThat(on.events().get(0).cause()).isEqualTo(Local.BUTTON);
            assertThat(r.snap().stealth()).isTrue();
            assertThat(types(r.gesture(FUNCTION, HOLD))).containsExactly(StealthOff.class);
            assertThat(r.snap().stealth()).isFalse();
        }

        @Test
        void functionDoublePressAsksTheRoomToCallWithoutChangingAnything() {
            Rig r = new Rig();
            ControllerSnapshot before = r.snap();
            Decision d = r.gesture(FUNCTION, DOUBLE_PRESS);
            assertThat(types(d)).containsExactly(ControllerEvent.CallRequested.class);
            assertThat(d.events().get(0).cause()).isEqualTo(Local.BUTTON);
            assertThat(r.snap()).isEqualTo(before);
        }
    }

    @Nested
    class Sos {
        @Test
        void sosHoldRaisesAndStartsRecording() {
            Rig r = new Rig();
            Decision d = r.gesture(SOS, HOLD);
            assertThat(types(d)).containsExactly(StateChanged.class, RecordingStarted.class, SosRaised.class);
            assertThat(d.events()).allSatisfy(e -> assertThat(e.cause()).isEqualTo(Local.SOS));
            assertThat(only(d, SosRaised.class).state()).isEqualTo(RECORDING);
            assertThat(r.snap().sos()).isTrue();
            assertThat(r.snap().sosRaisedMillis()).isEqualTo(r.now);
        }

        @Test
        void sosWhileRecordingKeepsTheRecording() {
            Rig r = new Rig();
            r.startByButton();
            assertThat(types(r.gesture(SOS, HOLD))).containsExactly(SosRaised.class);
            assertThat(r.snap().recordingId()).isEqualTo("rec-1");
        }

        @Test
        void secondSosHoldClearsAndRecordingContinuesUntilStoppedNormally() {
            Rig r = new Rig();
            r.gesture(SOS, HOLD);
            r.now += 60_000;
            Decision cleared = r.gesture(SOS, HOLD);
            assertThat(types(cleared)).containsExactly(SosCleared.class);
            assertThat(r.snap().sos()).isFalse();
            assertThat(r.state()).isEqualTo(RECORDING);
            r.stopByButton();
            assertThat(r.state()).isEqualTo(POST_EVENT);
        }

        @Test
        void sosPressesAreIgnored() {
            Rig r = new Rig();
            assertThat(r.gesture(SOS, PRESS).events()).isEmpty();
            assertThat(r.gesture(SOS, DOUBLE_PRESS).events()).isEmpty();
            assertThat(r.snap().sos()).isFalse();
        }
    }

    @Nested
    class Trigger {
        @Test
        void activeEdgeStartsAndInactiveEdgeDoesNothing() {
            Rig r = new Rig();
            Decision d = r.controller.handle(new TriggerSignal(true), r.now);
            assertThat(types(d)).containsExactly(StateChanged.class, RecordingStarted.class);
            assertThat(only(d, RecordingStarted.class).cause()).isEqualTo(Local.TRIGGER);
            assertThat(r.controller.handle(new TriggerSignal(false), r.now).events())
                    .isEmpty();
            assertThat(r.state()).isEqualTo(RECORDING);
        }

        @Test
        void aLevelThatStaysActiveDoesNotRestartAStoppedRecording() {
            Rig r = new Rig(new RecordingPolicy(0, 500, 1_500, CONFIRM_MILLIS, 0, 3_000, 2_000), false);
            r.controller.handle(new TriggerSignal(true), r.now);
            r.stopByButton();
            assertThat(r.controller.handle(new TriggerSignal(true), r.now).events())
                    .isEmpty();
            assertThat(r.state()).isEqualTo(BUFFERING);
            r.controller.handle(new TriggerSignal(false), r.now);
            assertThat(types(r.controller.handle(new TriggerSignal(true), r.now)))
                    .contains(RecordingStarted.class);
        }
    }

    @Nested
    class Dock {
        @Test
        void dockingWhileBufferingSleepsAndUndockingWakes() {
            Rig r = new Rig();
            Decision docked = r.controller.handle(new DockChanged(true), r.now);
            assertThat(types(docked)).containsExactly(StateChanged.class, Docked.class);
            assertThat(docked.events().get(1).state()).isEqualTo(SLEEP);
            assertThat(r.snap().docked()).isTrue();
            Decision undocked = r.controller.handle(new DockChanged(false), r.now);
            assertThat(types(undocked)).containsExactly(StateChanged.class, Undocked.class);
            assertThat(r.state()).isEqualTo(BUFFERING);
        }

        @Test
        void dockingWhileRecordingKeepsRecordingAndSleepsWhenItEnds() {
            Rig r = new Rig();
            r.startByButton();
            assertThat(types(r.controller.handle(new DockChanged(true), r.now))).containsExactly(Docked.class);
            assertThat(r.state()).isEqualTo(RECORDING);
            r.stopByButton();
            Decision end = r.tick(POST_EVENT_MILLIS);
            assertThat(only(end, StateChanged.class).to()).isEqualTo(SLEEP);
            assertThat(r.state()).isEqualTo(SLEEP);
        }

        @Test
        void repeatedDockSignalIsIgnored() {
            Rig r = new Rig(POLICY, true);
            assertThat(r.controller.handle(new DockChanged(true), r.now).events())
                    .isEmpty();
        }
    }

    @Nested
    class Remote {
        @Test
        void recordStartStartsWithRemoteCause() {
            Rig r = new Rig();
            Decision d = r.remote(RemoteCommand.RECORD_START);
            assertThat(d.reply()).isEqualTo(new CommandOutcome(true, "recording started"));
            assertThat(only(d, RecordingStarted.class).cause()).isEqualTo(OP_7);
            assertThat(r.remote(RemoteCommand.RECORD_START).reply())
                    .isEqualTo(new CommandOutcome(true, "already recording"));
        }

        @Test
        void recordStopStopsImmediatelyWithoutTheGuard() {
            Rig r = new Rig();
            r.startByButton();
            Decision d = r.remote(RemoteCommand.RECORD_STOP);
            assertThat(d.reply().ok()).isTrue();
            assertThat(d.reply().reason()).isEqualTo("recording stopped; post-event continues for 10 s");
            assertThat(r.state()).isEqualTo(POST_EVENT);
            assertThat(only(r.tick(POST_EVENT_MILLIS), RecordingStopped.class).cause())
                    .isEqualTo(OP_7);
        }

        @Test
        void recordStopWorksEvenDuringSos() {
            Rig r = new Rig();
            r.gesture(SOS, HOLD);
            assertThat(r.remote(RemoteCommand.RECORD_STOP).reply().ok()).isTrue();
            assertThat(r.state()).isEqualTo(POST_EVENT);
            assertThat(r.snap().sos()).isTrue();
        }

        @Test
        void recordStopWhenNotRecordingOrAlreadyStopping() {
            Rig r = new Rig();
            assertThat(r.remote(RemoteCommand.RECORD_STOP).reply())
                    .isEqualTo(new CommandOutcome(true, "not recording"));
            r.startByButton();
            r.stopByButton();
            Decision again = r.remote(RemoteCommand.RECORD_STOP);
            assertThat(again.reply().ok()).isTrue();
            assertThat(again.reply().reason()).startsWith("already stopping");
            assertThat(again.events()).isEmpty();
        }

        @Test
        void markerNeedsARecording() {
            Rig r = new Rig();
            Decision refused = r.remote(RemoteCommand.MARKER);
            assertThat(refused.reply())
                    .isEqualTo(new CommandOutcome(false, "not recording: a marker needs a recording"));
            assertThat(refused.events()).isEmpty();
            r.startByButton();
            Decision placed = r.controller.handle(
                    new RemoteCommandInput(RemoteCommand.MARKER, "op-7", Map.of("label", "suspect left")), r.now);
            assertThat(placed.reply()).isEqualTo(new CommandOutcome(true, "marker 1 placed"));
            assertThat(only(placed, MarkerPlaced.class).label()).isEqualTo("suspect left");
            assertThat(only(placed, MarkerPlaced.class).markerIndex()).isEqualTo(1);
            assertThat(only(placed, MarkerPlaced.class).cause()).isEqualTo(OP_7);
        }

        @Test
        void locateSignalsForLocateMillisThenExpires() {
            Rig r = new Rig();
            Decision d = r.remote(RemoteCommand.LOCATE);
            assertThat(d.reply().ok()).isTrue();
            assertThat(types(d)).containsExactly(Locating.class);
            assertThat(r.snap().locating()).isTrue();
            assertThat(r.snap().locateUntilMillis()).isEqualTo(r.now + RecordingPolicy.DEFAULT_LOCATE_MILLIS);
            r.tick(RecordingPolicy.DEFAULT_LOCATE_MILLIS);
            assertThat(r.snap().locating()).isFalse();
        }

        @Test
        void locateInStealthIsSuppressed() {
            Rig r = new Rig();
            r.remote(RemoteCommand.STEALTH_ON);
            Decision d = r.remote(RemoteCommand.LOCATE);
            assertThat(d.reply()).isEqualTo(new CommandOutcome(true, "stealth: locate signals suppressed"));
            assertThat(d.events()).isEmpty();
            assertThat(r.snap().locating()).isFalse();
        }

        @Test
        void stealthCommandsAreIdempotent() {
            Rig r = new Rig();
            Decision on = r.remote(RemoteCommand.STEALTH_ON);
            assertThat(on.reply().ok()).isTrue();
            assertThat(only(on, StealthOn.class).cause()).isEqualTo(OP_7);
            Decision again = r.remote(RemoteCommand.STEALTH_ON);
            assertThat(again.reply()).isEqualTo(new CommandOutcome(true, "already on"));
            assertThat(again.events()).isEmpty();
            assertThat(types(r.remote(RemoteCommand.STEALTH_OFF))).containsExactly(StealthOff.class);
            assertThat(r.remote(RemoteCommand.STEALTH_OFF).reply()).isEqualTo(new CommandOutcome(true, "already off"));
        }

        @Test
        void pingAnswersPongWithoutEvents() {
            Decision d = new Rig().remote(RemoteCommand.PING);
            assertThat(d.reply()).isEqualTo(new CommandOutcome(true, "pong"));
            assertThat(d.events()).isEmpty();
        }

        @Test
        void missingRequesterBecomesUnknown() {
            Rig r = new Rig();
            Decision d = r.controller.handle(new RemoteCommandInput(RemoteCommand.RECORD_START, null, null), r.now);
            assertThat(only(d, RecordingStarted.class).cause()).isEqualTo(new Cause.Remote("unknown"));
        }
    }

    @Nested
    class Robustness {
        @Test
        void nullInputIsIgnored() {
            assertThat(new Rig().controller.handle(null, 5_000)).isEqualTo(Decision.NONE);
        }

        @Test
        void timeGoingBackwardsCountsAsNoTimePassed() {
            Rig r = new Rig();
            r.startByButton();
            r.stopByButton();
            long stoppedAt = r.now;
            Decision d = r.at(stoppedAt - 100_000, new Tick());
            assertThat(d.events()).isEmpty();
            assertThat(r.state()).isEqualTo(POST_EVENT);
            Decision marker = r.controller.handle(new ButtonGesture(FUNCTION, PRESS), 0);
            assertThat(marker.events().get(0).atMillis()).isEqualTo(stoppedAt);
        }

        @Test
        void failingIdSourceStillRecordsUnderAFallbackId() {
            RecordingController c = new RecordingController(
                    POLICY,
                    () -> {
                        throw new IllegalStateException("disk");
                    },
                    false,
                    0);
            Decision d = c.handle(new TriggerSignal(true), 42);
            assertThat(only(d, RecordingStarted.class).recordingId()).startsWith("unnamed-42");
            RecordingController blank = new RecordingController(POLICY, () -> " ", false, 0);
            blank.handle(new TriggerSignal(true), 7);
            assertThat(blank.snapshot().recordingId()).startsWith("unnamed-7");
        }

        @Test
        void everyStateChangeCarriesFromAndToAndTheStateAfter() {
            Rig r = new Rig();
            Decision d = r.gesture(SOS, HOLD);
            StateChanged changed = only(d, StateChanged.class);
            assertThat(changed.from()).isEqualTo(BUFFERING);
            assertThat(changed.state()).isEqualTo(changed.to());
        }
    }

    @Nested
    class EndToEndWithDecoder {
        final Rig rig = new Rig();
        final GestureDecoder decoder = new GestureDecoder(POLICY);

        void edge(ButtonName b, boolean pressed, long t) {
            rig.now = t;
            for (ButtonGesture g : decoder.onEdge(b, pressed, t)) rig.controller.handle(g, t);
        }

        void tickUntil(long until) {
            while (rig.now < until) {
                rig.now += 50;
                for (ButtonGesture g : decoder.onTick(rig.now)) rig.controller.handle(g, rig.now);
                rig.controller.handle(new Tick(), rig.now);
            }
        }

        @Test
        void rawEdgesStartHoldAloneDoesNotStopAndHoldThenPressStops() {
            edge(RECORD, true, 2_000);
            edge(RECORD, false, 2_100);
            edge(RECORD, true, 2_300);
            edge(RECORD, false, 2_400);
            assertThat(rig.state()).isEqualTo(RECORDING);

            edge(RECORD, true, 3_000);
            tickUntil(6_000);
            edge(RECORD, false, 6_000);
            assertThat(rig.snap().stopArmed()).isTrue();
            assertThat(rig.state()).isEqualTo(RECORDING);

            edge(RECORD, true, 6_500);
            edge(RECORD, false, 6_600);
            assertThat(rig.state()).isEqualTo(POST_EVENT);
            tickUntil(6_600 + POST_EVENT_MILLIS);
            assertThat(rig.state()).isEqualTo(BUFFERING);
        }
    }

    @Nested
    class StorageReserve {
        @Test
        void reachingTheReserveStopsAtOnceWithoutPostEventAndRefusesNewRecordings() {
            Rig r = new Rig();
            r.startByButton();
            assertThat(r.state()).isEqualTo(RECORDING);
            Decision d = r.after(100, new StorageState(true));
            assertThat(types(d))
                    .containsExactly(StateChanged.class, RecordingStopped.class, StorageReserveReached.class);
            assertThat(r.state()).isEqualTo(BUFFERING);
            assertThat(only(d, RecordingStopped.class).cause()).isEqualTo(Local.STORAGE_RESERVE);

            assertThat(types(r.gesture(RECORD, DOUBLE_PRESS))).isEmpty();
            Decision remote = r.remote(RemoteCommand.RECORD_START);
            assertThat(remote.reply().ok()).isFalse();
            assertThat(remote.reply().reason()).contains("reserve");
            assertThat(r.state()).isEqualTo(BUFFERING);

            r.after(100, new StorageState(false));
            r.gesture(RECORD, DOUBLE_PRESS);
            assertThat(r.state()).isEqualTo(RECORDING);
        }

        @Test
        void repeatedReportsOfTheSameStorageStateDoNothing() {
            Rig r = new Rig();
            assertThat(types(r.after(10, new StorageState(true)))).containsExactly(StorageReserveReached.class);
            assertThat(r.after(10, new StorageState(true)).events()).isEmpty();
            assertThat(r.after(10, new StorageState(false)).events()).isEmpty();
        }
    }

    @Nested
    class BatteryCritical {
        @Test
        void reachingTheCriticalLevelStopsAtOnceWithoutPostEventButAllowsANewRecording() {
            Rig r = new Rig();
            r.startByButton();
            Decision d = r.after(100, new BatteryState(true));
            assertThat(types(d)).containsExactly(StateChanged.class, RecordingStopped.class);
            assertThat(only(d, RecordingStopped.class).cause()).isEqualTo(Local.BATTERY_CRITICAL);
            assertThat(r.state()).isEqualTo(BUFFERING);
            assertThat(r.controller.batteryCritical()).isTrue();

            r.gesture(RECORD, DOUBLE_PRESS);
            assertThat(r.state()).as("the officer's choice wins").isEqualTo(RECORDING);
            assertThat(r.after(100, new BatteryState(true)).events())
                    .as("only reaching the level stops")
                    .isEmpty();
            assertThat(r.state()).isEqualTo(RECORDING);
        }

        @Test
        void aCriticalBatteryWhileNotRecordingOnlyRemembersIt() {
            Rig r = new Rig();
            assertThat(r.after(10, new BatteryState(true)).events()).isEmpty();
            assertThat(r.controller.batteryCritical()).isTrue();
            assertThat(r.after(10, new BatteryState(false)).events()).isEmpty();
            assertThat(BatteryState.isCritical(3, false)).isTrue();
            assertThat(BatteryState.isCritical(3, true)).as("charging").isFalse();
            assertThat(BatteryState.isCritical(4, false)).isFalse();
        }
    }

    @Nested
    class WriteFailure {
        @Test
        void aRecordingTheWriterGaveUpEndsAtOnceAndALateReportForAnotherIsIgnored() {
            Rig r = new Rig();
            r.startByButton();
            String id = r.snap().recordingId();
            assertThat(r.after(10, new RecordingFailed("someone-else")).events())
                    .isEmpty();
            assertThat(r.state()).isEqualTo(RECORDING);

            Decision d = r.after(10, new RecordingFailed(id));
            assertThat(types(d)).containsExactly(StateChanged.class, RecordingStopped.class);
            assertThat(only(d, RecordingStopped.class).cause()).isEqualTo(Local.WRITE_FAILED);
            assertThat(only(d, RecordingStopped.class).recordingId()).isEqualTo(id);
            assertThat(r.state()).isEqualTo(BUFFERING);
            assertThat(r.after(10, new RecordingFailed(id)).events())
                    .as("reported twice")
                    .isEmpty();
        }
    }

    @Nested
    class RecordingLimit {
        @Test
        void theWriterSealingAtTheLimitStartsTheNextRecordingAtOnce() {
            Rig r = new Rig();
            r.startByButton();
            String first = r.snap().recordingId();
            Decision d = r.after(100, new RecordingLimitReached(first));
            assertThat(types(d)).containsExactly(RecordingStopped.class, RecordingStarted.class);
            assertThat(only(d, RecordingStopped.class).recordingId()).isEqualTo(first);
            String second = only(d, RecordingStarted.class).recordingId();
            assertThat(second).isNotEqualTo(first);
            assertThat(only(d, RecordingStarted.class).continues()).isEqualTo(first);
            assertThat(r.state()).isEqualTo(RECORDING);
            assertThat(r.snap().recordingId()).isEqualTo(second);
        }

        @Test
        void aLateReportForAnotherRecordingIsIgnored() {
            Rig r = new Rig();
            r.startByButton();
            assertThat(r.after(100, new RecordingLimitReached("rec-old")).events())
                    .isEmpty();
            r.remote(RemoteCommand.RECORD_STOP);
            r.tick(POST_EVENT_MILLIS + 1);
            assertThat(r.after(100, new RecordingLimitReached("rec-1")).events())
                    .isEmpty();
            assertThat(r.state()).isEqualTo(BUFFERING);
        }
    }
}
