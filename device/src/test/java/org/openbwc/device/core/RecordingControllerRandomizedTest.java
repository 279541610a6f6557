package org.openbwc.device.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Supplier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openbwc.device.core.ControllerEvent.RecordingStarted;
import org.openbwc.device.core.ControllerEvent.RecordingStopped;
import org.openbwc.device.core.ControllerEvent.StateChanged;
import org.openbwc.protocol.RemoteCommand;
import org.openbwc.protocol.UnitState;

/**
 * Drives the decoder and the controller with long seeded random sequences (raw edges, direct gestures, remote
 * commands, trigger, dock, ticks, time jumps and time going backwards) and checks the documented invariants after
 * every step.
 */
class RecordingControllerRandomizedTest {
    static final int STEPS = 20_000;

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 42, 1_234_567, 20_240_601})
    void invariantsHoldForRandomInputs(long seed) {
        Random random = new Random(seed);
        RecordingPolicy policy = new RecordingPolicy(
                random.nextBoolean() ? 0 : 1 + random.nextInt(8_000),
                200 + random.nextInt(400),
                800 + random.nextInt(1_500),
                1_000 + random.nextInt(4_000),
                random.nextInt(3) * 5_000L,
                1_000 + random.nextInt(3_000),
                1_000 + random.nextInt(3_000),
                1_000 + random.nextInt(5_000));
        new Run(random, policy).go();
    }

    static final class Run {
        final Random random;
        final RecordingPolicy policy;
        final GestureDecoder decoder;
        final RecordingController controller;
        final IndicatorPolicy indicators;
        int idCount;
        long now;
        /** The controller's own notion of now: the largest time it has been given. */
        long controllerNow;
        // What the invariants need to remember across steps.
        Long lastRecordHoldMillis;
        String openRecordingId;
        final Set<String> seenIds = new HashSet<>();
        int stops;

        Run(Random random, RecordingPolicy policy) {
            this.random = random;
            this.policy = policy;
            Supplier<String> ids = () -> {
                int n = ++idCount;
                if (n % 97 == 0) throw new IllegalStateException("id source failed");
                return n % 89 == 0 ? null : "rec-" + n;
            };
            now = random.nextInt(1_000_000) - 500_000;
            controllerNow = now;
            decoder = new GestureDecoder(policy);
            controller = new RecordingController(policy, ids, random.nextBoolean(), now);
            indicators = new IndicatorPolicy(policy);
        }

        void go() {
            for (int step = 0; step < STEPS; step++) {
                advanceTime();
                for (ControllerInput input : nextInputs()) apply(input);
            }
            assertThat(stops).as("the run should exercise stopping").isPositive();
        }

        void advanceTime() {
            int r = random.nextInt(100);
            if (r < 3) now -= random.nextInt(5_000); // clock glitch backwards
            else if (r < 8) now += random.nextInt(30_000); // long gap (missed ticks)
            else now += random.nextInt(120);
        }

        List<ControllerInput> nextInputs() {
            List<ControllerInput> inputs = new ArrayList<>();
            int r = random.nextInt(100);
            if (r < 45) {
                // Raw edges through the decoder, biased to RECORD so starts, arms and stops happen often.
                ButtonName b = random.nextInt(10) < 7
                        ? ButtonName.RECORD
                        : ButtonName.values()[random.nextInt(ButtonName.values().length)];
                inputs.addAll(decoder.onEdge(b, random.nextBoolean(), now));
            } else if (r < 70) {
                inputs.addAll(decoder.onTick(now));
                inputs.add(new Tick());
            } else if (r < 78) {
                ButtonName b = ButtonName.values()[random.nextInt(ButtonName.values().length)];
                Gesture g = Gesture.values()[random.nextInt(Gesture.values().length)];
                inputs.add(new ButtonGesture(b, g));
            } else if (r < 90) {
                RemoteCommand c = RemoteCommand.values()[random.nextInt(RemoteCommand.values().length)];
                inputs.add(new RemoteCommandInput(
                        c, random.nextBoolean() ? "op" : null, random.nextBoolean() ? Map.of("label", "x") : null));
            } else if (r < 95) {
                inputs.add(new TriggerSignal(random.nextBoolean()));
            } else if (r < 98) {
                inputs.add(new DockChanged(random.nextBoolean()));
            } else if (r < 99) {
                inputs.add(
                        random.nextBoolean()
                                ? new StorageState(random.nextInt(4) == 0)
                                : new RecordingLimitReached(
                                        controller.snapshot().recordingId()));
            } else {
                inputs.add(null);
            }
            return inputs;
        }

        void apply(ControllerInput input) {
            ControllerSnapshot before = controller.snapshot();
            Decision d = controller.handle(input, now);
            ControllerSnapshot after = controller.snapshot();
            controllerNow = Math.max(controllerNow, now);
            long effectiveNow = controllerNow;

            assertThat(d).isNotNull();
            assertThat(d.reply() != null).as("reply iff remote command").isEqualTo(input instanceof RemoteCommandInput);
            checkEventChain(before, after, d, effectiveNow);
            checkStopOnlyByGuard(input, d, effectiveNow);
            checkRecordingIds(d);
            checkSnapshot(after, effectiveNow);

            if (input instanceof ButtonGesture g && g.button() == ButtonName.RECORD && g.gesture() == Gesture.HOLD) {
                lastRecordHoldMillis = effectiveNow;
            }
            if (after.stealth()) {
                assertThat(indicators.render(after, new Alarms(true, true, true), effectiveNow))
                        .as("stealth is dark and silent")
                        .isEqualTo(IndicatorFrame.OFF);
            } else {
                indicators.render(after, Alarms.NONE, effectiveNow);
            }
        }

        /** STATE_CHANGED events chain from the old state to the new one; every event carries the state at its point. */
        void checkEventChain(ControllerSnapshot before, ControllerSnapshot after, Decision d, long effectiveNow) {
            UnitState current = before.state();
            for (ControllerEvent e : d.events()) {
                assertThat(e.atMillis()).isEqualTo(effectiveNow);
                if (e instanceof StateChanged changed) {
                    assertThat(changed.from()).isEqualTo(current);
                    assertThat(changed.to()).isNotEqualTo(current);
                    current = changed.to();
                }
                assertThat(e.state()).isEqualTo(current);
            }
            assertThat(current).isEqualTo(after.state());
        }

        /**
         * A button ends RECORDING only with a RECORD PRESS within the confirm window of a RECORD HOLD; otherwise only an
         * operator or full storage does.
         */
        void checkStopOnlyByGuard(ControllerInput input, Decision d, long effectiveNow) {
            boolean leftRecording = d.events().stream()
                    .anyMatch(e -> e instanceof StateChanged changed && changed.from() == UnitState.RECORDING);
            if (!leftRecording) return;
            stops++;
            if (input instanceof RemoteCommandInput c) {
                assertThat(c.command()).isEqualTo(RemoteCommand.RECORD_STOP);
                return;
            }
            if (input instanceof StorageState st) {
                assertThat(st.exhausted())
                        .as("only reaching the reserve stops a recording")
                        .isTrue();
                return;
            }
            assertThat(input)
                    .as("only a button or an operator stops a recording")
                    .isEqualTo(new ButtonGesture(ButtonName.RECORD, Gesture.PRESS));
            assertThat(lastRecordHoldMillis).isNotNull();
            assertThat(effectiveNow - lastRecordHoldMillis).isLessThan(policy.stopConfirmMillis());
        }

        /** RECORDING_STARTED and RECORDING_STOPPED alternate, match, and never reuse an id. */
        void checkRecordingIds(Decision d) {
            for (ControllerEvent e : d.events()) {
                if (e instanceof RecordingStarted started) {
                    assertThat(openRecordingId).isNull();
                    openRecordingId = started.recordingId();
                    assertThat(openRecordingId).isNotBlank();
                    assertThat(seenIds.add(openRecordingId))
                            .as("id reused: " + openRecordingId)
                            .isTrue();
                } else if (e instanceof RecordingStopped stopped) {
                    assertThat(stopped.recordingId()).isEqualTo(openRecordingId);
                    openRecordingId = null;
                }
            }
        }

        void checkSnapshot(ControllerSnapshot s, long effectiveNow) {
            assertThat(s.state()).isNotEqualTo(UnitState.OFFLINE);
            assertThat(s.recordingId() != null).as("recordingId iff recording").isEqualTo(s.isRecording());
            assertThat(s.recordingId()).isEqualTo(openRecordingId);
            if (!s.isRecording()) {
                assertThat(s.state() == UnitState.SLEEP)
                        .as("idle: SLEEP iff docked")
                        .isEqualTo(s.docked());
            }
            if (s.stopArmed()) {
                assertThat(s.state()).isEqualTo(UnitState.RECORDING);
                assertThat(s.sos()).isFalse();
                assertThat(s.stopArmedUntilMillis()).isGreaterThan(effectiveNow);
            } else {
                assertThat(s.stopArmedUntilMillis()).isZero();
            }
            if (s.state() == UnitState.POST_EVENT) {
                assertThat(policy.postEventMillis()).isPositive();
                assertThat(s.postEventUntilMillis()).isGreaterThan(effectiveNow);
            } else {
                assertThat(s.postEventUntilMillis()).isZero();
            }
            if (s.locating()) {
                assertThat(s.locateUntilMillis()).isGreaterThan(effectiveNow);
            }
            if (!s.sos()) assertThat(s.sosRaisedMillis()).isZero();
        }
    }
}
