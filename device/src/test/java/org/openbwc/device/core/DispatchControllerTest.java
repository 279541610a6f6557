package org.openbwc.device.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openbwc.device.core.ControllerEvent.DispatchAcknowledged;
import org.openbwc.device.core.ControllerEvent.DispatchArrived;
import org.openbwc.device.core.ControllerEvent.DispatchCancelled;
import org.openbwc.device.core.ControllerEvent.DispatchReceived;
import org.openbwc.device.core.ControllerEvent.MarkerPlaced;
import org.openbwc.protocol.RemoteCommand;

/** Dispatch on the unit: delivery, the double press that acknowledges it, arrival, cancellation and the alert. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class DispatchControllerTest {
    static final double LAT = 52.5200;
    static final double LON = 13.4050;

    final RecordingControllerTest.Rig rig = new RecordingControllerTest.Rig();

    static Map<String, String> args(String id) {
        Map<String, String> a = new LinkedHashMap<>();
        a.put("id", id);
        a.put("lat", Double.toString(LAT));
        a.put("lon", Double.toString(LON));
        a.put("note", "shop alarm, Alexanderplatz");
        a.put("priority", "urgent");
        return a;
    }

    Decision dispatch(Map<String, String> args) {
        return rig.after(10, new RemoteCommandInput(RemoteCommand.DISPATCH, "gw-1/sue", args));
    }

    @Test
    void aDispatchIsDeliveredAndPendingUntilTheFunctionDoublePress() {
        Decision d = dispatch(args("d-1"));

        assertThat(d.reply()).isEqualTo(CommandOutcome.ok("dispatch d-1 delivered"));
        assertThat(d.events()).singleElement().isInstanceOfSatisfying(DispatchReceived.class, r -> {
            assertThat(r.order().note()).isEqualTo("shop alarm, Alexanderplatz");
            assertThat(r.replaced()).isNull();
        });
        assertThat(rig.controller.dispatch())
                .hasValueSatisfying(a -> assertThat(a.pending()).isTrue());

        Decision ack = rig.after(1_000, new ButtonGesture(ButtonName.FUNCTION, Gesture.DOUBLE_PRESS));

        assertThat(ack.events())
                .singleElement()
                .isInstanceOfSatisfying(
                        DispatchAcknowledged.class,
                        a -> assertThat(a.dispatchId()).isEqualTo("d-1"));
        assertThat(rig.controller.dispatch())
                .hasValueSatisfying(a -> assertThat(a.pending()).isFalse());
        // A second double press acknowledges nothing more: with no dispatch pending it asks the room to call.
        assertThat(rig.after(1_000, new ButtonGesture(ButtonName.FUNCTION, Gesture.DOUBLE_PRESS))
                        .events())
                .singleElement()
                .isInstanceOf(ControllerEvent.CallRequested.class);
    }

    @Test
    void aSinglePressStaysAMarkerWhileADispatchIsPending() {
        rig.after(10, new RemoteCommandInput(RemoteCommand.RECORD_START, "gw-1/sue"));
        dispatch(args("d-1"));

        Decision press = rig.after(100, new ButtonGesture(ButtonName.FUNCTION, Gesture.PRESS));

        assertThat(press.events()).singleElement().isInstanceOf(MarkerPlaced.class);
        assertThat(rig.controller.dispatch())
                .hasValueSatisfying(a -> assertThat(a.pending()).isTrue());
    }

    @Test
    void withoutADispatchTheDoublePressIsACallRequest() {
        assertThat(rig.after(10, new ButtonGesture(ButtonName.FUNCTION, Gesture.DOUBLE_PRESS))
                        .events())
                .singleElement()
                .isInstanceOf(ControllerEvent.CallRequested.class);
    }

    @Test
    void theSameDispatchAgainIsANoOpAndAnotherOneReplacesIt() {
        dispatch(args("d-1"));

        Decision again = dispatch(args("d-1"));
        Decision other = dispatch(args("d-2"));

        assertThat(again.events()).isEmpty();
        assertThat(again.reply().ok()).isTrue();
        assertThat(other.events())
                .singleElement()
                .isInstanceOfSatisfying(
                        DispatchReceived.class, r -> assertThat(r.replaced()).isEqualTo("d-1"));
        assertThat(other.reply().reason()).contains("replaces dispatch d-1");
    }

    @Test
    void badArgumentsAreRefusedWithTheReason() {
        Map<String, String> badLat = args("d-1");
        badLat.put("lat", "91");
        Map<String, String> badPriority = args("d-1");
        badPriority.put("priority", "asap");
        Map<String, String> longNote = args("d-1");
        longNote.put("note", "x".repeat(201));
        Map<String, String> badId = args("d 1");
        Map<String, String> notANumber = args("d-1");
        notANumber.put("lon", "east");

        assertThat(dispatch(badLat).reply())
                .isEqualTo(CommandOutcome.refused("dispatch lat 91.0 is out of range -90..90"));
        assertThat(dispatch(badPriority).reply().reason())
                .isEqualTo("dispatch priority 'asap' is not one of routine, urgent, emergency");
        assertThat(dispatch(longNote).reply().reason()).isEqualTo("dispatch note is 201 characters; at most 200");
        assertThat(dispatch(badId).reply().ok()).isFalse();
        assertThat(dispatch(notANumber).reply().reason()).contains("must be decimal degrees");
        assertThat(rig.controller.dispatch()).isEmpty();
    }

    @Test
    void aFixWithin30MetersOfTheIncidentIsArrival() {
        dispatch(args("d-1"));

        // ~111 m north, then ~22 m north
        assertThat(rig.after(1_000, new PositionFix(LAT + 0.001, LON)).events()).isEmpty();
        Decision near = rig.after(1_000, new PositionFix(LAT + 0.0002, LON));

        assertThat(near.events()).singleElement().isInstanceOfSatisfying(DispatchArrived.class, a -> {
            assertThat(a.dispatchId()).isEqualTo("d-1");
            assertThat(a.distanceMeters()).isBetween(20.0, 24.0);
        });
        assertThat(rig.controller.dispatch()).isEmpty();
    }

    @Test
    void cancelEndsOnlyTheDispatchItNames() {
        dispatch(args("d-1"));

        Decision other =
                rig.after(10, new RemoteCommandInput(RemoteCommand.DISPATCH_CANCEL, "gw-1/sue", Map.of("id", "d-9")));
        Decision cancel =
                rig.after(10, new RemoteCommandInput(RemoteCommand.DISPATCH_CANCEL, "gw-1/sue", Map.of("id", "d-1")));

        assertThat(other.events()).isEmpty();
        assertThat(other.reply().reason()).isEqualTo("dispatch d-9 is not active on this unit");
        assertThat(cancel.events()).singleElement().isInstanceOf(DispatchCancelled.class);
        assertThat(rig.controller.dispatch()).isEmpty();
    }

    @Test
    void thePendingAlertBlinksGreenAndAmberAndPulsesUntilAcknowledged() {
        ActiveDispatch pending = new ActiveDispatch(order(), 1_000, false, 0);
        IndicatorFrame base = new IndicatorFrame(false, true, false, false);

        IndicatorFrame first = DispatchIndicator.overlay(base, pending, false, 1_000);
        IndicatorFrame second = DispatchIndicator.overlay(base, pending, false, 1_260);
        IndicatorFrame between = DispatchIndicator.overlay(base, pending, false, 1_000 + 2_000);
        IndicatorFrame repeated =
                DispatchIndicator.overlay(base, pending, false, 1_000 + DispatchIndicator.REPEAT_MILLIS);

        assertThat(first).isEqualTo(new IndicatorFrame(true, true, false, true));
        assertThat(second).isEqualTo(new IndicatorFrame(false, true, true, false));
        assertThat(between.haptic()).isFalse();
        assertThat(repeated.haptic()).isTrue();
        assertThat(DispatchIndicator.overlay(base, pending.acknowledgedAt(1_500), false, 6_000))
                .isEqualTo(base);
        assertThat(DispatchIndicator.overlay(base, pending, false, 1_000 + DispatchIndicator.MAX_ALERT_MILLIS))
                .isEqualTo(base);
    }

    @Test
    void inStealthTheAlertIsHapticOnly() {
        ActiveDispatch pending = new ActiveDispatch(order(), 1_000, false, 0);

        IndicatorFrame frame = DispatchIndicator.overlay(IndicatorFrame.OFF, pending, true, 1_000);
        IndicatorFrame amberTurn = DispatchIndicator.overlay(IndicatorFrame.OFF, pending, true, 1_260);

        assertThat(frame).isEqualTo(new IndicatorFrame(false, false, false, true));
        assertThat(amberTurn).isEqualTo(IndicatorFrame.OFF);
    }

    @Test
    void inStealthDeliveryIsStillOkAndSaysSo() {
        rig.after(10, new RemoteCommandInput(RemoteCommand.STEALTH_ON, "gw-1/sue"));

        assertThat(dispatch(args("d-1")).reply().reason()).isEqualTo("dispatch d-1 delivered (stealth: haptic only)");
    }

    static DispatchOrder order() {
        return ((DispatchOrder.Valid) DispatchOrder.parse(args("d-1"))).order();
    }
}
