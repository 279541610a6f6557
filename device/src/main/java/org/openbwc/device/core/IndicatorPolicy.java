package org.openbwc.device.core;

import java.util.Objects;
import org.openbwc.protocol.UnitState;

/**
 * Decides what the green, red and amber LEDs and the vibration motor show, from the controller's snapshot, the active
 * alarms and the time. Pure: the runtime calls it every tick and drives the hardware with the frame.
 *
 * <h2>Patterns</h2>
 * Times in ms; "a/b" is on a, off b; phases are anchored where noted so a pattern always starts "on".
 * <table>
 *   <caption>Indicator patterns</caption>
 *   <tr><th>Condition</th><th>Green</th><th>Red</th><th>Amber</th><th>Haptic</th></tr>
 *   <tr><td>STEALTH (overrides everything)</td><td>off</td><td>off</td><td>off</td><td>off</td></tr>
 *   <tr><td>SLEEP</td><td>off</td><td>off</td><td>alarms / locate only</td><td>locate only</td></tr>
 *   <tr><td>BUFFERING (ready)</td><td>150/1850 (on 150 every 2 s)</td><td>off</td><td></td><td></td></tr>
 *   <tr><td>RECORDING</td><td>off</td><td>steady</td><td></td><td></td></tr>
 *   <tr><td>POST_EVENT</td><td>off</td><td>500/500 from the stop</td><td></td><td></td></tr>
 *   <tr><td>stop armed</td><td></td><td>100/100 from arming</td><td></td><td>300 at arming</td></tr>
 *   <tr><td>recording reminder</td><td></td><td></td><td></td><td>200 every reminderInterval from recording start
 *       (not at the start itself)</td></tr>
 *   <tr><td>marker placed</td><td></td><td></td><td></td><td>100 at the marker</td></tr>
 *   <tr><td>locate</td><td></td><td></td><td>200/200 from locate start</td><td>500/1500 from locate start</td></tr>
 *   <tr><td>SOS</td><td></td><td>250 on, 250 off</td><td>250 off, 250 on (alternating with red, from
 *       the raise)</td><td></td></tr>
 *   <tr><td>battery low, storage low, clock unset, camera failed</td><td></td><td></td><td>1000/1000</td><td></td></tr>
 *   <tr><td>watched live</td><td>100/400 from the start (any state)</td><td></td><td></td><td>150, 150 off, 150 at the
 *       start, then 150 every minute</td></tr>
 * </table>
 * <p>Voice call with the room (see {@link #render(ControllerSnapshot, Alarms, long, Call, long)}): haptic 200/200 three
 * times from the call's start; in stealth, where the speaker stays silent, also 100/400 (from the call's start)
 * while the room's voice arrives (within {@link #VOICE_HOLD_MILLIS} of its last frame), the only sign the officer
 * gets, and the only indicator stealth lets through.
 *
 * Precedence: red is SOS, else stop armed, else the state's pattern; amber is SOS, else locate, else alarms; haptic
 * pulses add up. Alarm and green phases follow the clock itself (all units blink together).
 */
public final class IndicatorPolicy {
    static final long READY_PERIOD_MILLIS = 2_000;
    static final long READY_ON_MILLIS = 150;
    static final long POST_EVENT_PERIOD_MILLIS = 1_000;
    static final long POST_EVENT_ON_MILLIS = 500;
    static final long ARMED_PERIOD_MILLIS = 200;
    static final long ARMED_ON_MILLIS = 100;
    static final long ARMED_HAPTIC_MILLIS = 300;
    static final long REMINDER_HAPTIC_MILLIS = 200;
    static final long MARKER_HAPTIC_MILLIS = 100;
    static final long LOCATE_BLINK_PERIOD_MILLIS = 400;
    static final long LOCATE_BLINK_ON_MILLIS = 200;
    static final long LOCATE_HAPTIC_PERIOD_MILLIS = 2_000;
    static final long LOCATE_HAPTIC_ON_MILLIS = 500;
    static final long SOS_PERIOD_MILLIS = 500;
    static final long SOS_RED_MILLIS = 250;
    static final long ALARM_PERIOD_MILLIS = 2_000;
    static final long ALARM_ON_MILLIS = 1_000;
    static final long WATCHED_PERIOD_MILLIS = 500;
    static final long WATCHED_ON_MILLIS = 100;
    static final long WATCHED_START_PULSE_MILLIS = 150;
    static final long WATCHED_REMINDER_MILLIS = 60_000;

    static final long CALL_START_PERIOD_MILLIS = 400;
    static final long CALL_START_ON_MILLIS = 200;
    static final int CALL_START_PULSES = 3;
    static final long VOICE_PERIOD_MILLIS = 500;
    static final long VOICE_ON_MILLIS = 100;
    static final long VOICE_HOLD_MILLIS = 300;

    /**
     * A voice call with the room, as the indicators need it.
     *
     * @param sinceMillis when it started (monotonic ms)
     * @param lastVoiceMillis when the room's voice last arrived (monotonic ms), or -1
     */
    public record Call(long sinceMillis, long lastVoiceMillis) {}

    private final long reminderIntervalMillis;

    public IndicatorPolicy(RecordingPolicy policy) {
        this.reminderIntervalMillis =
                Objects.requireNonNull(policy, "policy is required").reminderIntervalMillis();
    }

    /** The frame to show at {@code nowMillis} for a unit nobody watches live. */
    public IndicatorFrame render(ControllerSnapshot s, Alarms alarms, long nowMillis) {
        return render(s, alarms, -1, nowMillis);
    }

    /**
     * The frame to show at {@code nowMillis}; all off in stealth or for a missing snapshot.
     *
     * @param watchedSinceMillis since when a supervisor watches the unit live, or -1: the officer must know
     */
    public IndicatorFrame render(ControllerSnapshot s, Alarms alarms, long watchedSinceMillis, long nowMillis) {
        if (s == null || s.stealth()) return IndicatorFrame.OFF;
        Alarms a = alarms == null ? Alarms.NONE : alarms;
        long now = nowMillis;

        boolean green = s.state() == UnitState.BUFFERING && on(now, 0, READY_PERIOD_MILLIS, READY_ON_MILLIS);
        boolean watched = watchedSinceMillis >= 0 && now >= watchedSinceMillis;
        if (watched) green = on(now, watchedSinceMillis, WATCHED_PERIOD_MILLIS, WATCHED_ON_MILLIS);

        boolean red = switch (s.state()) {
            case RECORDING -> true;
            case POST_EVENT -> on(now, s.postEventStartedMillis(), POST_EVENT_PERIOD_MILLIS, POST_EVENT_ON_MILLIS);
            default -> false;
        };
        boolean haptic = false;
        if (watched) {
            // Two short pulses when watching starts, then one every minute while it lasts.
            long since = now - watchedSinceMillis;
            haptic = since < WATCHED_START_PULSE_MILLIS
                    || since >= 2 * WATCHED_START_PULSE_MILLIS && since < 3 * WATCHED_START_PULSE_MILLIS
                    || since >= WATCHED_REMINDER_MILLIS && since % WATCHED_REMINDER_MILLIS < WATCHED_START_PULSE_MILLIS;
        }
        if (s.state() == UnitState.RECORDING && s.stopArmedAt(now)) {
            red = on(now, s.stopArmedAtMillis(), ARMED_PERIOD_MILLIS, ARMED_ON_MILLIS);
            haptic |= within(now, s.stopArmedAtMillis(), ARMED_HAPTIC_MILLIS);
        }

        boolean amber = a.any() && on(now, 0, ALARM_PERIOD_MILLIS, ALARM_ON_MILLIS);
        if (s.locatingAt(now)) {
            amber = on(now, s.locateStartedMillis(), LOCATE_BLINK_PERIOD_MILLIS, LOCATE_BLINK_ON_MILLIS);
            haptic |= on(now, s.locateStartedMillis(), LOCATE_HAPTIC_PERIOD_MILLIS, LOCATE_HAPTIC_ON_MILLIS);
        }

        if (s.sos()) {
            boolean redTurn = on(now, s.sosRaisedMillis(), SOS_PERIOD_MILLIS, SOS_RED_MILLIS);
            red = redTurn;
            amber = !redTurn;
        }

        if (s.isRecording()) {
            long sinceStart = now - s.recordingStartedMillis();
            if (reminderIntervalMillis > 0
                    && sinceStart >= reminderIntervalMillis
                    && sinceStart % reminderIntervalMillis < REMINDER_HAPTIC_MILLIS) {
                haptic = true;
            }
            if (s.markerCount() > 0) haptic |= within(now, s.lastMarkerMillis(), MARKER_HAPTIC_MILLIS);
        }
        return new IndicatorFrame(green, red, amber, haptic);
    }

    /** The frame to show at {@code nowMillis} with a voice call open ({@code call} null when none is). */
    public IndicatorFrame render(
            ControllerSnapshot s, Alarms alarms, long watchedSinceMillis, Call call, long nowMillis) {
        IndicatorFrame frame = render(s, alarms, watchedSinceMillis, nowMillis);
        if (call == null || s == null) return frame;
        long since = nowMillis - call.sinceMillis();
        boolean haptic = since >= 0
                && since < CALL_START_PULSES * CALL_START_PERIOD_MILLIS
                && on(nowMillis, call.sinceMillis(), CALL_START_PERIOD_MILLIS, CALL_START_ON_MILLIS);
        if (s.stealth() && call.lastVoiceMillis() >= 0 && nowMillis - call.lastVoiceMillis() < VOICE_HOLD_MILLIS) {
            haptic |= on(nowMillis, call.sinceMillis(), VOICE_PERIOD_MILLIS, VOICE_ON_MILLIS);
        }
        return haptic ? new IndicatorFrame(frame.green(), frame.red(), frame.amber(), true) : frame;
    }

    /** Whether a blink of {@code onMillis} every {@code periodMillis}, started "on" at {@code anchor}, is lit. */
    private static boolean on(long now, long anchor, long periodMillis, long onMillis) {
        return Math.floorMod(now - anchor, periodMillis) < onMillis;
    }

    private static boolean within(long now, long since, long durationMillis) {
        long elapsed = now - since;
        return elapsed >= 0 && elapsed < durationMillis;
    }
}
