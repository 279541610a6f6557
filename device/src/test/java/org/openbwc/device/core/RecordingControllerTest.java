package org.openbwc.device.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.openbwc.device.core.ButtonName.FUNCTION;
import static org.openbwc.device.core.ButtonName.RECORD;
import static org.openbwc.device.core.ButtonName.SOS;
import static org.openbwc.device.core.Gesture.DOUBLE_PRESS;
import static org.openbwc.device.core.Gesture.HOLD;
import static org.openbwc.device.core.Gesture.PRESS;
import static org.openbwc.protocol.EventType.DOCKED;
import static org.openbwc.protocol.EventType.LOCATE;
import static org.openbwc.protocol.EventType.MARKER;
import static org.openbwc.protocol.EventType.RECORDING_STARTED;
import static org.openbwc.protocol.EventType.RECORDING_STOPPED;
import static org.openbwc.protocol.EventType.SOS_CLEARED;
import static org.openbwc.protocol.EventType.SOS_RAISED;
import static org.openbwc.protocol.EventType.STATE_CHANGED;
import static org.openbwc.protocol.EventType.STEALTH_OFF;
import static org.openbwc.protocol.EventType.STEALTH_ON;
import static org.openbwc.protocol.EventType.STOP_ARMED;
import static org.openbwc.protocol.EventType.UNDOCKED;
import static org.openbwc.protocol.UnitState.BUFFERING;
import static org.openbwc.protocol.UnitState.POST_EVENT;
import static org.openbwc.protocol.UnitState.RECORDING;
import static org.openbwc.protocol.UnitState.SLEEP;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.openbwc.protocol.EventType;
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

    static List<EventType> types(Decision d) {
        return d.events().stream().map(ControllerEvent::type).toList();
    }

    static ControllerEvent only(Decision d, EventType type) {
        return d.events().stream().filter(e -> e.type() == type).findFirst().orElseThrow();
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

            assertThat(types(d)).containsExactly(STATE_CHANGED, RECORDING_STARTED);
            ControllerEvent changed = d.events().get(0);
            assertThat(changed.details()).containsEntry("from", "BUFFERING").containsEntry("to", "RECORDING");
            assertThat(changed.state()).isEqualTo(RECORDING);
            ControllerEvent started = d.events().get(1);
            assertThat(started.cause()).isEqualTo("button");
            assertThat(started.details()).containsEntry("recordingId", "rec-1").containsEntry("preEvent", "true");
            assertThat(started.atMillis()).isEqualTo(r.now);
            assertThat(d.reply()).isNull();
            assertThat(r.snap().recordingId()).isEqualTo("rec-1");
            assertThat(r.snap().recordingStartedMillis()).isEqualTo(r.now);
        }

        @Test
        void doublePressFromSleepWakesTheCameraWithoutPreEvent() {
            Rig r = new Rig(POLICY, true);
            Decision d = r.gesture(RECORD, DOUBLE_PRESS);
            assertThat(only(d, STATE_CHANGED).details()).containsEntry("from", "SLEEP");
            assertThat(only(d, RECORDING_STARTED).details()).containsEntry("preEvent", "false");
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
            assertThat(types(armed)).containsExactly(STOP_ARMED);
            assertThat(armed.events().get(0).state()).isEqualTo(RECORDING);
            assertThat(r.snap().stopArmed()).isTrue();
            assertThat(r.snap().stopArmedAtMillis()).isEqualTo(r.now);
            assertThat(r.snap().stopArmedUntilMillis()).isEqualTo(r.now + CONFIRM_MILLIS);

            r.now += 1_000;
            Decision stopped = r.gesture(RECORD, PRESS);
            assertThat(types(stopped)).containsExactly(STATE_CHANGED);
            assertThat(stopped.events().get(0).details()).containsEntry("to", "POST_EVENT");
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

            assertThat(types(end)).containsExactly(STATE_CHANGED, RECORDING_STOPPED);
            assertThat(end.events().get(0).details())
                    .containsEntry("from", "POST_EVENT")
                    .containsEntry("to", "BUFFERING");
            ControllerEvent stopped = end.events().get(1);
            assertThat(stopped.details()).containsEntry("recordingId", "rec-1");
            assertThat(stopped.cause()).isEqualTo("button");
            assertThat(stopped.state()).isEqualTo(BUFFERING);
            assertThat(r.snap().recordingId()).isNull();
            assertThat(r.snap().postEventUntilMillis()).isZero();
        }

        @Test
        void zeroPostEventEndsAtOnce() {
            Rig r = new Rig(new RecordingPolicy(0, 500, 1_500, CONFIRM_MILLIS, 0, 3_000, 2_000), false);
            r.startByButton();
            Decision d = r.stopByButton();
            assertThat(types(d)).containsExactly(STATE_CHANGED, RECORDING_STOPPED);
            assertThat(only(d, STATE_CHANGED).details())
                    .containsEntry("from", "RECORDING")
                    .containsEntry("to", "BUFFERING");
            assertThat(r.state()).isEqualTo(BUFFERING);
        }

        @Test
        void doublePressDuringPostEventResumesTheSameRecording() {
            Rig r = new Rig();
            r.startByButton();
            r.stopByButton();
            r.now += 2_000;
            Decision d = r.gesture(RECORD, DOUBLE_PRESS);
            assertThat(types(d)).containsExactly(STATE_CHANGED);
            assertThat(d.events().get(0).cause()).isEqualTo("button");
            assertThat(d.events().get(0).details())
                    .containsEntry("from", "POST_EVENT")
                    .containsEntry("to", "RECORDING");
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
            assertThat(only(r.gesture(RECORD, DOUBLE_PRESS), STATE_CHANGED).cause())
                    .isEqualTo("button");
            r.stopByButton();
            Decision byTrigger = r.controller.handle(new TriggerSignal(true), r.now);
            assertThat(types(byTrigger)).containsExactly(STATE_CHANGED);
            assertThat(byTrigger.events().get(0).cause()).isEqualTo("trigger");
            r.stopByButton();
            Decision byRemote = r.remote(RemoteCommand.RECORD_START);
            assertThat(types(byRemote)).containsExactly(STATE_CHANGED);
            assertThat(byRemote.reply()).isEqualTo(new CommandOutcome(true, "recording resumed (was in post-event)"));
            assertThat(r.snap().recordingId()).isEqualTo("rec-1");
        }

        @Test
        void aStartArrivingAfterTheDeadlineButBeforeTheTickMakesANewRecording() {
            Rig r = new Rig();
            r.startByButton();
            r.stopByButton();
            Decision d = r.after(POST_EVENT_MILLIS, new ButtonGesture(RECORD, DOUBLE_PRESS));
            assertThat(types(d)).containsExactly(STATE_CHANGED, RECORDING_STOPPED, STATE_CHANGED, RECORDING_STARTED);
            assertThat(only(d, RECORDING_STOPPED).details()).containsEntry("recordingId", "rec-1");
            assertThat(only(d, RECORDING_STARTED).details()).containsEntry("recordingId", "rec-2");
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
            assertThat(types(first)).containsExactly(MARKER);
            assertThat(first.events().get(0).details())
                    .containsEntry("recordingId", "rec-1")
                    .containsEntry("markerIndex", "1");
            r.now += 100;
            Decision second = r.gesture(FUNCTION, PRESS);
            assertThat(second.events().get(0).details()).containsEntry("markerIndex", "2");
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
            assertThat(only(r.gesture(FUNCTION, PRESS), MARKER).details()).containsEntry("markerIndex", "2");
            assertThat(only(r.tick(POST_EVENT_MILLIS), RECORDING_STOPPED).details())
                    .containsEntry("markers", "2");
            r.startByButton();
            assertThat(only(r.gesture(FUNCTION, PRESS), MARKER).details())
                    .containsEntry("markerIndex", "1")
                    .containsEntry("recordingId", "rec-2");
        }
    }

    @Nested
    class Stealth {
        @Test
        void functionHoldTogglesStealth() {
            Rig r = new Rig();
            Decision on = r.gesture(FUNCTION, HOLD);
            assertThat(types(on)).containsExactly(STEALTH_ON);
            assertThat(on.events().get(0).cause()).isEqualTo("button");
            assertThat(r.snap().stealth()).isTrue();
            assertThat(types(r.gesture(FUNCTION, HOLD))).containsExactly(STEALTH_OFF);
            assertThat(r.snap().stealth()).isFalse();
        }

        @Test
        void functionDoublePressIsNotAGestureOfItsOwn() {
            Rig r = new Rig();
            assertThat(r.gesture(FUNCTION, DOUBLE_PRESS).events()).isEmpty();
        }
    }

    @Nested
    class Sos {
        @Test
        void sosHoldRaisesAndStartsRecording() {
            Rig r = new Rig();
            Decision d = r.gesture(SOS, HOLD);
            assertThat(types(d)).containsExactly(STATE_CHANGED, RECORDING_STARTED, SOS_RAISED);
            assertThat(d.events()).allSatisfy(e -> assertThat(e.cause()).isEqualTo("sos"));
            assertThat(only(d, SOS_RAISED).state()).isEqualTo(RECORDING);
            assertThat(r.snap().sos()).isTrue();
            assertThat(r.snap().sosRaisedMillis()).isEqualTo(r.now);
        }

        @Test
        void sosWhileRecordingKeepsTheRecording() {
            Rig r = new Rig();
            r.startByButton();
            assertThat(types(r.gesture(SOS, HOLD))).containsExactly(SOS_RAISED);
            assertThat(r.snap().recordingId()).isEqualTo("rec-1");
        }

        @Test
        void secondSosHoldClearsAndRecordingContinuesUntilStoppedNormally() {
            Rig r = new Rig();
            r.gesture(SOS, HOLD);
            r.now += 60_000;
            Decision cleared = r.gesture(SOS, HOLD);
            assertThat(types(cleared)).containsExactly(SOS_CLEARED);
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
            assertThat(types(d)).containsExactly(STATE_CHANGED, RECORDING_STARTED);
            assertThat(only(d, RECORDING_STARTED).cause()).isEqualTo("trigger");
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
                    .contains(RECORDING_STARTED);
        }
    }

    @Nested
    class Dock {
        @Test
        void dockingWhileBufferingSleepsAndUndockingWakes() {
            Rig r = new Rig();
            Decision docked = r.controller.handle(new DockChanged(true), r.now);
            assertThat(types(docked)).containsExactly(STATE_CHANGED, DOCKED);
            assertThat(docked.events().get(1).state()).isEqualTo(SLEEP);
            assertThat(r.snap().docked()).isTrue();
            Decision undocked = r.controller.handle(new DockChanged(false), r.now);
            assertThat(types(undocked)).containsExactly(STATE_CHANGED, UNDOCKED);
            assertThat(r.state()).isEqualTo(BUFFERING);
        }

        @Test
        void dockingWhileRecordingKeepsRecordingAndSleepsWhenItEnds() {
            Rig r = new Rig();
            r.startByButton();
            assertThat(types(r.controller.handle(new DockChanged(true), r.now))).containsExactly(DOCKED);
            assertThat(r.state()).isEqualTo(RECORDING);
            r.stopByButton();
            Decision end = r.tick(POST_EVENT_MILLIS);
            assertThat(only(end, STATE_CHANGED).details()).containsEntry("to", "SLEEP");
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
            assertThat(only(d, RECORDING_STARTED).cause()).isEqualTo("remote:op-7");
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
            assertThat(only(r.tick(POST_EVENT_MILLIS), RECORDING_STOPPED).cause())
                    .isEqualTo("remote:op-7");
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
            assertThat(only(placed, MARKER).details())
                    .containsEntry("label", "suspect left")
                    .containsEntry("markerIndex", "1");
            assertThat(only(placed, MARKER).cause()).isEqualTo("remote:op-7");
        }

        @Test
        void locateSignalsForLocateMillisThenExpires() {
            Rig r = new Rig();
            Decision d = r.remote(RemoteCommand.LOCATE);
            assertThat(d.reply().ok()).isTrue();
            assertThat(types(d)).containsExactly(LOCATE);
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
            assertThat(only(on, STEALTH_ON).cause()).isEqualTo("remote:op-7");
            Decision again = r.remote(RemoteCommand.STEALTH_ON);
            assertThat(again.reply()).isEqualTo(new CommandOutcome(true, "already on"));
            assertThat(again.events()).isEmpty();
            assertThat(types(r.remote(RemoteCommand.STEALTH_OFF))).containsExactly(STEALTH_OFF);
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
            assertThat(only(d, RECORDING_STARTED).cause()).isEqualTo("remote:unknown");
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
            assertThat(only(d, RECORDING_STARTED).details().get("recordingId")).startsWith("unnamed-42");
            RecordingController blank = new RecordingController(POLICY, () -> " ", false, 0);
            blank.handle(new TriggerSignal(true), 7);
            assertThat(blank.snapshot().recordingId()).startsWith("unnamed-7");
        }

        @Test
        void everyStateChangeCarriesFromAndToAndTheStateAfter() {
            Rig r = new Rig();
            Decision d = r.gesture(SOS, HOLD);
            ControllerEvent changed = only(d, STATE_CHANGED);
            assertThat(changed.details()).containsOnlyKeys("from", "to");
            assertThat(changed.state().name()).isEqualTo(changed.details().get("to"));
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
            assertThat(types(d)).containsExactly(STATE_CHANGED, RECORDING_STOPPED, EventType.STORAGE_RESERVE);
            assertThat(r.state()).isEqualTo(BUFFERING);
            assertThat(only(d, RECORDING_STOPPED).cause()).isEqualTo("storage-reserve");

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
            assertThat(types(r.after(10, new StorageState(true)))).containsExactly(EventType.STORAGE_RESERVE);
            assertThat(r.after(10, new StorageState(true)).events()).isEmpty();
            assertThat(r.after(10, new StorageState(false)).events()).isEmpty();
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
            assertThat(types(d)).containsExactly(RECORDING_STOPPED, RECORDING_STARTED);
            assertThat(only(d, RECORDING_STOPPED).details()).containsEntry("recordingId", first);
            String second = only(d, RECORDING_STARTED).details().get("recordingId");
            assertThat(second).isNotEqualTo(first);
            assertThat(only(d, RECORDING_STARTED).details()).containsEntry("continues", first);
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
