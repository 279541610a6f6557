package org.openbwc.device.core;

/**
 * The dispatch alert on the LEDs and the vibration motor, laid over the {@link IndicatorPolicy}'s frame while a
 * dispatch waits for the officer's acknowledgement. Pure, like the policy.
 *
 * <h2>Pattern</h2>
 * From receipt, until acknowledged, for at most {@link #MAX_ALERT_MILLIS}: green and amber alternate every 250 ms
 * (no other condition shows both in turn), and the motor gives three 200 ms pulses 150 ms apart, repeated every
 * {@link #REPEAT_MILLIS}. In stealth only the motor pulses: no LED, as with every other signal in stealth. Once
 * acknowledged nothing is added. (The tone is played once at receipt by the runtime; none in stealth.)
 */
public final class DispatchIndicator {
    /** The alert repeats this often until acknowledged. */
    public static final long REPEAT_MILLIS = 5_000;
    /** An unacknowledged alert stops signalling after this long; the dispatch stays pending and can be acknowledged. */
    public static final long MAX_ALERT_MILLIS = 10 * 60_000;

    static final long BLINK_MILLIS = 250;
    static final long PULSE_ON_MILLIS = 200;
    static final long PULSE_PERIOD_MILLIS = 350;
    static final int PULSES = 3;

    private DispatchIndicator() {}

    /**
     * {@code base} with the alert of {@code dispatch} added at {@code nowMillis}; {@code base} itself when there is no
     * dispatch waiting for acknowledgement.
     *
     * @param stealth whether the unit is in stealth (then {@code base} is all off and only the motor is added)
     */
    public static IndicatorFrame overlay(
            IndicatorFrame base, ActiveDispatch dispatch, boolean stealth, long nowMillis) {
        if (dispatch == null || !dispatch.pending()) return base;
        long since = nowMillis - dispatch.receivedAtMillis();
        if (since < 0 || since >= MAX_ALERT_MILLIS) return base;
        long inCycle = since % REPEAT_MILLIS;
        boolean pulse = inCycle < PULSES * PULSE_PERIOD_MILLIS && inCycle % PULSE_PERIOD_MILLIS < PULSE_ON_MILLIS;
        if (stealth) return new IndicatorFrame(false, false, false, pulse);
        boolean greenTurn = (since / BLINK_MILLIS) % 2 == 0;
        return new IndicatorFrame(greenTurn, base.red(), !greenTurn, base.haptic() || pulse);
    }
}
