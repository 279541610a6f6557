package org.openbwc.device.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.openbwc.protocol.UnitState;

class IndicatorPolicyTest {
    static final long REMINDER_MILLIS = 60_000;
    static final RecordingPolicy POLICY = new RecordingPolicy(10_000, 500, 1_500, 5_000, REMINDER_MILLIS, 3_000, 2_000);
    static final Alarms BATTERY_LOW = new Alarms(true, false, false);

    final IndicatorPolicy policy = new IndicatorPolicy(POLICY);

    /** A snapshot builder with everything off; tests switch on what they need. */
    static final class Snap {
        UnitState state = UnitState.BUFFERING;
        boolean stealth, sos, docked, stopArmed, locating;
        String recordingId;
        long recordingStarted,
                armedAt,
                armedUntil,
                postEventStarted,
                postEventUntil,
                locateStarted,
                locateUntil,
                sosRaised,
                lastMarker;
        int markers;

        Snap state(UnitState s) {
            state = s;
            if (s.isRecording() && recordingId == null) recordingId = "rec-1";
            return this;
        }

        ControllerSnapshot build() {
            return new ControllerSnapshot(
                    state,
                    stealth,
                    sos,
                    docked,
                    recordingId,
                    recordingStarted,
                    stopArmed,
                    armedAt,
                    armedUntil,
                    postEventStarted,
                    postEventUntil,
                    locating,
                    locateStarted,
                    locateUntil,
                    sosRaised,
                    markers,
                    lastMarker,
                    false);
        }
    }

    IndicatorFrame at(Snap s, long now) {
        return policy.render(s.build(), Alarms.NONE, now);
    }

    static IndicatorFrame frame(boolean green, boolean red, boolean amber, boolean haptic) {
        return new IndicatorFrame(green, red, amber, haptic);
    }

    @Test
    void bufferingBlinksGreen150MsEveryTwoSeconds() {
        Snap s = new Snap();
        assertThat(at(s, 10_000)).isEqualTo(frame(true, false, false, false));
        assertThat(at(s, 10_149).green()).isTrue();
        assertThat(at(s, 10_150).green()).isFalse();
        assertThat(at(s, 11_999).green()).isFalse();
        assertThat(at(s, 12_000).green()).isTrue();
    }

    @Test
    void beingWatchedLiveBlinksGreenFastAndPulsesTwiceThenEveryMinuteButNotInStealth() {
        Snap s = new Snap().state(UnitState.RECORDING);
        s.recordingStarted = 1_000;
        long since = 5_000;
        IndicatorFrame start = policy.render(s.build(), Alarms.NONE, since, since);
        assertThat(start).isEqualTo(frame(true, true, false, true));
        assertThat(policy.render(s.build(), Alarms.NONE, since, since + 150).haptic())
                .isFalse();
        assertThat(policy.render(s.build(), Alarms.NONE, since, since + 320).haptic())
                .as("second pulse")
                .isTrue();
        assertThat(policy.render(s.build(), Alarms.NONE, since, since + 450).haptic())
                .isFalse();
        assertThat(policy.render(s.build(), Alarms.NONE, since, since + 500).green())
                .as("100/400 blink")
                .isTrue();
        assertThat(policy.render(s.build(), Alarms.NONE, since, since + 250).green())
                .isFalse();
        assertThat(policy.render(s.build(), Alarms.NONE, since, since + 60_050).haptic())
                .as("minute reminder")
                .isTrue();
        assertThat(policy.render(s.build(), Alarms.NONE, -1, since).green())
                .as("not watched: recording shows no green")
                .isFalse();
        s.stealth = true;
        assertThat(policy.render(s.build(), Alarms.NONE, since, since)).isEqualTo(IndicatorFrame.OFF);
    }

    @Test
    void recordingIsSteadyRed() {
        Snap s = new Snap().state(UnitState.RECORDING);
        s.recordingStarted = 1_000;
        for (long t = 1_000; t < 5_000; t += 37) assertThat(at(s, t)).isEqualTo(frame(false, true, false, false));
    }

    @Test
    void postEventBlinksRed500On500OffFromTheStop() {
        Snap s = new Snap().state(UnitState.POST_EVENT);
        s.postEventStarted = 3_300;
        s.postEventUntil = 13_300;
        assertThat(at(s, 3_300).red()).isTrue();
        assertThat(at(s, 3_799).red()).isTrue();
        assertThat(at(s, 3_800).red()).isFalse();
        assertThat(at(s, 4_299).red()).isFalse();
        assertThat(at(s, 4_300).red()).isTrue();
        assertThat(at(s, 4_300).green()).isFalse();
    }

    @Test
    void sleepIsDarkButStillShowsAlarms() {
        Snap s = new Snap().state(UnitState.SLEEP);
        assertThat(at(s, 0)).isEqualTo(IndicatorFrame.OFF);
        assertThat(at(s, 500)).isEqualTo(IndicatorFrame.OFF);
        assertThat(policy.render(s.build(), BATTERY_LOW, 500)).isEqualTo(frame(false, false, true, false));
    }

    @Test
    void alarmsBlinkAmberOneSecondOnOneSecondOff() {
        Snap s = new Snap().state(UnitState.RECORDING);
        for (Alarms a : new Alarms[] {BATTERY_LOW, new Alarms(false, true, false), new Alarms(false, false, true)}) {
            assertThat(policy.render(s.build(), a, 4_000).amber()).isTrue();
            assertThat(policy.render(s.build(), a, 4_999).amber()).isTrue();
            assertThat(policy.render(s.build(), a, 5_000).amber()).isFalse();
            assertThat(policy.render(s.build(), a, 5_999).amber()).isFalse();
        }
        assertThat(policy.render(s.build(), null, 4_000).amber()).isFalse();
    }

    @Nested
    class StopArmed {
        final Snap s = new Snap().state(UnitState.RECORDING);

        StopArmed() {
            s.stopArmed = true;
            s.armedAt = 7_000;
            s.armedUntil = 12_000;
        }

        @Test
        void redBlinksFast100On100Off() {
            assertThat(at(s, 7_000).red()).isTrue();
            assertThat(at(s, 7_099).red()).isTrue();
            assertThat(at(s, 7_100).red()).isFalse();
            assertThat(at(s, 7_200).red()).isTrue();
            assertThat(at(s, 11_950).red()).isFalse();
        }

        @Test
        void hapticPulses300MsAtArming() {
            assertThat(at(s, 7_000).haptic()).isTrue();
            assertThat(at(s, 7_299).haptic()).isTrue();
            assertThat(at(s, 7_300).haptic()).isFalse();
        }

        @Test
        void afterTheWindowRedIsSteadyAgainEvenBeforeATick() {
            assertThat(at(s, 12_000)).isEqualTo(frame(false, true, false, false));
            assertThat(at(s, 12_150)).isEqualTo(frame(false, true, false, false));
        }
    }

    @Nested
    class Reminder {
        final Snap s = new Snap().state(UnitState.RECORDING);

        Reminder() {
            s.recordingStarted = 500;
        }

        @Test
        void pulses200MsEveryIntervalFromRecordingStartButNotAtStart() {
            assertThat(at(s, 500).haptic()).isFalse();
            assertThat(at(s, 500 + REMINDER_MILLIS - 1).haptic()).isFalse();
            assertThat(at(s, 500 + REMINDER_MILLIS).haptic()).isTrue();
            assertThat(at(s, 500 + REMINDER_MILLIS + 199).haptic()).isTrue();
            assertThat(at(s, 500 + REMINDER_MILLIS + 200).haptic()).isFalse();
            assertThat(at(s, 500 + 3 * REMINDER_MILLIS + 100).haptic()).isTrue();
        }

        @Test
        void zeroIntervalTurnsItOff() {
            IndicatorPolicy silent =
                    new IndicatorPolicy(new RecordingPolicy(10_000, 500, 1_500, 5_000, 0, 3_000, 2_000));
            assertThat(silent.render(s.build(), Alarms.NONE, 500 + REMINDER_MILLIS)
                            .haptic())
                    .isFalse();
        }

        @Test
        void notWhileBuffering() {
            Snap idle = new Snap();
            assertThat(at(idle, REMINDER_MILLIS).haptic()).isFalse();
        }
    }

    @Test
    void markerIsAcknowledgedWith100MsHaptic() {
        Snap s = new Snap().state(UnitState.RECORDING);
        s.markers = 1;
        s.lastMarker = 9_000;
        assertThat(at(s, 9_000).haptic()).isTrue();
        assertThat(at(s, 9_099).haptic()).isTrue();
        assertThat(at(s, 9_100).haptic()).isFalse();
    }

    @Nested
    class Locate {
        final Snap s = new Snap().state(UnitState.SLEEP);

        Locate() {
            s.locating = true;
            s.locateStarted = 20_000;
            s.locateUntil = 35_000;
        }

        @Test
        void amberBlinksFast200On200Off() {
            assertThat(at(s, 20_000).amber()).isTrue();
            assertThat(at(s, 20_199).amber()).isTrue();
            assertThat(at(s, 20_200).amber()).isFalse();
            assertThat(at(s, 20_400).amber()).isTrue();
        }

        @Test
        void hapticBuzzes500MsEveryTwoSeconds() {
            assertThat(at(s, 20_000).haptic()).isTrue();
            assertThat(at(s, 20_499).haptic()).isTrue();
            assertThat(at(s, 20_500).haptic()).isFalse();
            assertThat(at(s, 21_999).haptic()).isFalse();
            assertThat(at(s, 22_000).haptic()).isTrue();
        }

        @Test
        void stopsAtLocateUntil() {
            assertThat(at(s, 35_000)).isEqualTo(IndicatorFrame.OFF);
        }

        @Test
        void overridesTheAlarmBlink() {
            assertThat(policy.render(s.build(), BATTERY_LOW, 20_200).amber()).isFalse();
        }
    }

    @Test
    void sosAlternatesRedAndAmberEvery250Ms() {
        Snap s = new Snap().state(UnitState.RECORDING);
        s.sos = true;
        s.sosRaised = 1_000;
        s.stopArmed = true;
        s.armedAt = 1_000;
        s.armedUntil = 6_000;
        assertThat(policy.render(s.build(), BATTERY_LOW, 1_000))
                .extracting(IndicatorFrame::red, IndicatorFrame::amber)
                .containsExactly(true, false);
        assertThat(at(s, 1_249))
                .extracting(IndicatorFrame::red, IndicatorFrame::amber)
                .containsExactly(true, false);
        assertThat(at(s, 1_250))
                .extracting(IndicatorFrame::red, IndicatorFrame::amber)
                .containsExactly(false, true);
        assertThat(at(s, 1_499))
                .extracting(IndicatorFrame::red, IndicatorFrame::amber)
                .containsExactly(false, true);
        assertThat(at(s, 1_500))
                .extracting(IndicatorFrame::red, IndicatorFrame::amber)
                .containsExactly(true, false);
    }

    @Test
    void stealthIsDarkAndSilentWhateverElseIsGoingOn() {
        Snap s = new Snap().state(UnitState.RECORDING);
        s.stealth = true;
        s.sos = true;
        s.stopArmed = true;
        s.armedAt = 0;
        s.armedUntil = 5_000;
        s.locating = true;
        s.locateUntil = 15_000;
        s.markers = 1;
        Alarms all = new Alarms(true, true, true);
        for (long t = 0; t < 130_000; t += 10) {
            assertThat(policy.render(s.build(), all, t)).isEqualTo(IndicatorFrame.OFF);
        }
        s.state = UnitState.BUFFERING;
        s.recordingId = null;
        for (long t = 0; t < 4_000; t += 10)
            assertThat(policy.render(s.build(), all, t)).isEqualTo(IndicatorFrame.OFF);
    }

    @Test
    void missingSnapshotRendersOff() {
        assertThat(policy.render(null, BATTERY_LOW, 0)).isEqualTo(IndicatorFrame.OFF);
    }

    @Test
    void rendersTheControllersRealSnapshot() {
        RecordingController c = new RecordingController(POLICY, () -> "rec-1", false, 0);
        c.handle(new ButtonGesture(ButtonName.RECORD, Gesture.DOUBLE_PRESS), 100);
        c.handle(new ButtonGesture(ButtonName.RECORD, Gesture.HOLD), 2_000);
        IndicatorFrame armed = policy.render(c.snapshot(), Alarms.NONE, 2_100);
        assertThat(armed).isEqualTo(frame(false, false, false, true));
    }
}
