package org.openbwc.device.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.openbwc.device.core.ButtonName.FUNCTION;
import static org.openbwc.device.core.ButtonName.RECORD;
import static org.openbwc.device.core.ButtonName.SOS;
import static org.openbwc.device.core.Gesture.DOUBLE_PRESS;
import static org.openbwc.device.core.Gesture.HOLD;
import static org.openbwc.device.core.Gesture.PRESS;

import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class GestureDecoderTest {
    // Distinct thresholds per button so a test notices if the wrong one is used.
    static final RecordingPolicy POLICY = new RecordingPolicy(10_000, 500, 1_500, 5_000, 0, 3_000, 2_000);

    final GestureDecoder decoder = new GestureDecoder(POLICY);

    static ButtonGesture g(ButtonName b, Gesture gesture) {
        return new ButtonGesture(b, gesture);
    }

    List<ButtonGesture> press(ButtonName b, long downAt, long upAt) {
        assertThat(decoder.onEdge(b, true, downAt)).isEmpty();
        return decoder.onEdge(b, false, upAt);
    }

    @Nested
    class Press {
        @Test
        void shortPressIsReportedOnReleaseWithoutWaitingForASecondPress() {
            assertThat(press(RECORD, 0, 100)).containsExactly(g(RECORD, PRESS));
        }

        @Test
        void ticksDuringAShortPressReportNothing() {
            decoder.onEdge(RECORD, true, 0);
            assertThat(decoder.onTick(50)).isEmpty();
            assertThat(decoder.onTick(1_499)).isEmpty();
            assertThat(decoder.onEdge(RECORD, false, 1_499)).containsExactly(g(RECORD, PRESS));
        }
    }

    @Nested
    class DoublePress {
        @Test
        void secondShortReleaseWithinWindowAddsDoublePressAfterThePress() {
            assertThat(press(RECORD, 0, 80)).containsExactly(g(RECORD, PRESS));
            assertThat(press(RECORD, 300, 380)).containsExactly(g(RECORD, PRESS), g(RECORD, DOUBLE_PRESS));
        }

        @Test
        void windowIsInclusiveAndMeasuredReleaseToRelease() {
            press(FUNCTION, 0, 100);
            assertThat(press(FUNCTION, 200, 600)).containsExactly(g(FUNCTION, PRESS), g(FUNCTION, DOUBLE_PRESS));
        }

        @Test
        void secondReleaseAfterWindowIsJustAPress() {
            press(RECORD, 0, 100);
            assertThat(press(RECORD, 500, 601)).containsExactly(g(RECORD, PRESS));
        }

        @Test
        void aLatePressStartsANewPair() {
            press(RECORD, 0, 100);
            press(RECORD, 700, 800);
            assertThat(press(RECORD, 900, 1_000)).containsExactly(g(RECORD, PRESS), g(RECORD, DOUBLE_PRESS));
        }

        @Test
        void thirdQuickPressDoesNotMakeASecondDoubleFromTheSamePair() {
            press(RECORD, 0, 50);
            assertThat(press(RECORD, 100, 150)).contains(g(RECORD, DOUBLE_PRESS));
            assertThat(press(RECORD, 200, 250)).containsExactly(g(RECORD, PRESS));
            assertThat(press(RECORD, 300, 350)).containsExactly(g(RECORD, PRESS), g(RECORD, DOUBLE_PRESS));
        }

        @Test
        void pressesOfDifferentButtonsDoNotPair() {
            press(RECORD, 0, 50);
            assertThat(press(FUNCTION, 100, 150)).containsExactly(g(FUNCTION, PRESS));
        }

        @Test
        void aHoldBetweenTwoPressesBreaksThePair() {
            press(RECORD, 0, 50);
            decoder.onEdge(RECORD, true, 60);
            assertThat(decoder.onEdge(RECORD, false, 1_600)).containsExactly(g(RECORD, HOLD));
            assertThat(press(RECORD, 1_700, 1_750)).containsExactly(g(RECORD, PRESS));
        }
    }

    @Nested
    class Hold {
        @Test
        void holdIsReportedOnceWhileHeldAndTheReleaseReportsNothing() {
            decoder.onEdge(RECORD, true, 1_000);
            assertThat(decoder.onTick(2_499)).isEmpty();
            assertThat(decoder.onTick(2_500)).containsExactly(g(RECORD, HOLD));
            assertThat(decoder.onTick(2_550)).isEmpty();
            assertThat(decoder.onTick(9_000)).isEmpty();
            assertThat(decoder.onEdge(RECORD, false, 9_050)).isEmpty();
        }

        @Test
        void eachButtonUsesItsOwnThreshold() {
            decoder.onEdge(RECORD, true, 0);
            decoder.onEdge(FUNCTION, true, 0);
            decoder.onEdge(SOS, true, 0);
            assertThat(decoder.onTick(1_500)).containsExactly(g(RECORD, HOLD));
            assertThat(decoder.onTick(2_000)).containsExactly(g(FUNCTION, HOLD));
            assertThat(decoder.onTick(2_999)).isEmpty();
            assertThat(decoder.onTick(3_000)).containsExactly(g(SOS, HOLD));
        }

        @Test
        void anotherButtonsEdgeAlsoReportsADueHold() {
            decoder.onEdge(SOS, true, 0);
            assertThat(decoder.onEdge(RECORD, true, 3_100)).containsExactly(g(SOS, HOLD));
        }

        @Test
        void releaseAfterTheThresholdWithoutATickReportsTheHoldNotAPress() {
            decoder.onEdge(RECORD, true, 0);
            assertThat(decoder.onEdge(RECORD, false, 1_500)).containsExactly(g(RECORD, HOLD));
        }

        @Test
        void aNewPressAfterAHoldCanHoldAgain() {
            decoder.onEdge(SOS, true, 0);
            assertThat(decoder.onTick(3_000)).containsExactly(g(SOS, HOLD));
            decoder.onEdge(SOS, false, 3_100);
            decoder.onEdge(SOS, true, 4_000);
            assertThat(decoder.onTick(7_000)).containsExactly(g(SOS, HOLD));
        }
    }

    @Nested
    class Defensive {
        @Test
        void releaseWithoutPressIsIgnored() {
            assertThat(decoder.onEdge(RECORD, false, 10)).isEmpty();
            assertThat(decoder.isDown(RECORD)).isFalse();
        }

        @Test
        void repeatedPressEdgeKeepsTheFirstPressTime() {
            decoder.onEdge(RECORD, true, 0);
            decoder.onEdge(RECORD, true, 1_000);
            assertThat(decoder.onTick(1_500)).containsExactly(g(RECORD, HOLD));
        }

        @Test
        void timeGoingBackwardsCountsAsNoTimePassed() {
            decoder.onEdge(RECORD, true, 1_000);
            assertThat(decoder.onEdge(RECORD, false, 400)).containsExactly(g(RECORD, PRESS));
            assertThat(decoder.onTick(-5_000)).isEmpty();
            // Release was taken at 1000; the next release at 1400 is within the 500 ms window.
            assertThat(press(RECORD, 1_300, 1_400)).containsExactly(g(RECORD, PRESS), g(RECORD, DOUBLE_PRESS));
        }

        @Test
        void nullButtonIsIgnored() {
            assertThat(decoder.onEdge(null, true, 0)).isEmpty();
            assertThat(decoder.isDown(null)).isFalse();
        }
    }
}
