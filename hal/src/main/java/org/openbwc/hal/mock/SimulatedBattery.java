package org.openbwc.hal.mock;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import org.openbwc.hal.Battery;
import org.openbwc.hal.BatteryReading;

/**
 * A Li-ion cell for the emulator. The state is the charge (0..1 of capacity), drained linearly at the configured
 * rate, as coulomb counting at a constant load would see it. The reported percent follows a fuel-gauge-like curve
 * of that charge: it drops fast in the top and bottom tenths and slowly across the middle plateau, averaging the
 * configured rate over a full discharge. Voltage follows a typical open-circuit-voltage curve, 4.2 V full to
 * 3.3 V empty. While docked the cell does not drain; it charges at ~60 %/h (constant current) up to 80 % and then
 * slows down exponentially (constant voltage), as a real charger does.
 *
 * <p>Time comes from an {@link InstantSource}, and the state is advanced lazily on each read, so tests can step a
 * fake clock.
 */
final class SimulatedBattery implements Battery {
    /** How far the percent curve bends away from linear: slope 1.5x at the ends, 0.5x on the plateau. */
    static final double CURVE_BEND = 0.5;

    static final double CHARGE_PER_HOUR = 0.60;
    static final double TAPER_FROM = 0.80;
    /** Constant-voltage phase: what is left to fill shrinks with this rate (1/h), matching the CC rate at 80 %. */
    private static final double TAPER_RATE_PER_HOUR = CHARGE_PER_HOUR / (1 - TAPER_FROM);
    /** Charger lifts the terminal voltage above open circuit while current flows. */
    private static final double CHARGING_LIFT_VOLTS = 0.08;

    private static final double[] OCV_PERCENT = {0, 5, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100};
    private static final double[] OCV_VOLTS = {3.30, 3.55, 3.68, 3.74, 3.78, 3.81, 3.84, 3.88, 3.94, 4.00, 4.08, 4.20};
    static final double MIN_VOLTS = OCV_VOLTS[0];
    static final double MAX_VOLTS = OCV_VOLTS[OCV_VOLTS.length - 1];

    private final double drainPerHour;
    private final InstantSource time;
    private double charge;
    private boolean docked;
    private Instant last;

    SimulatedBattery(double startPercent, double drainPercentPerHour, InstantSource time) {
        if (!(drainPercentPerHour >= 0)) {
            throw new IllegalArgumentException("battery drain " + drainPercentPerHour + " %/h must be >= 0");
        }
        this.drainPerHour = drainPercentPerHour / 100.0;
        this.time = time;
        this.last = time.instant();
        this.charge = chargeOfPercent(checkPercent(startPercent));
    }

    @Override
    public synchronized BatteryReading read() {
        advance();
        double percent = percentOfCharge(charge);
        int whole = (int) Math.round(percent);
        boolean charging = docked && whole < 100;
        double volts = openCircuitVolts(percent) + (charging ? CHARGING_LIFT_VOLTS : 0);
        // Charge drains linearly, so time to empty is exact here; a real gauge estimates it from its trend.
        Integer minutesLeft =
                charging || docked || drainPerHour == 0 ? null : (int) Math.round(charge / drainPerHour * 60);
        return new BatteryReading(whole, Math.min(MAX_VOLTS, volts), charging, minutesLeft);
    }

    synchronized void setDocked(boolean docked) {
        advance();
        this.docked = docked;
    }

    synchronized boolean isDocked() {
        return docked;
    }

    /** Jumps to a given reported percent, e.g. to demonstrate a low-battery alert. */
    synchronized void setPercent(double percent) {
        advance();
        charge = chargeOfPercent(checkPercent(percent));
    }

    private void advance() {
        Instant now = time.instant();
        double hours = Duration.between(last, now).toNanos() / 3.6e12;
        last = now;
        if (hours <= 0) return;
        if (docked) charge = charged(charge, hours);
        else charge = Math.max(0, charge - drainPerHour * hours);
    }

    static double charged(double charge, double hours) {
        if (charge < TAPER_FROM) {
            double untilTaper = (TAPER_FROM - charge) / CHARGE_PER_HOUR;
            if (hours <= untilTaper) return charge + CHARGE_PER_HOUR * hours;
            charge = TAPER_FROM;
            hours -= untilTaper;
        }
        return 1 - (1 - charge) * Math.exp(-TAPER_RATE_PER_HOUR * hours);
    }

    /** Reported percent for a charge 0..1: monotonic, 0 at 0, 100 at 1, steep at the ends, flat in the middle. */
    static double percentOfCharge(double charge) {
        double c = Math.clamp(charge, 0, 1);
        return 100 * (c + CURVE_BEND * Math.sin(2 * Math.PI * c) / (2 * Math.PI));
    }

    static double chargeOfPercent(double percent) {
        double lo = 0;
        double hi = 1;
        for (int i = 0; i < 50; i++) {
            double mid = (lo + hi) / 2;
            if (percentOfCharge(mid) < percent) lo = mid;
            else hi = mid;
        }
        return (lo + hi) / 2;
    }

    /** Open-circuit voltage at a percent, interpolated in a typical Li-ion (NMC) table. */
    static double openCircuitVolts(double percent) {
        double p = Math.clamp(percent, 0, 100);
        for (int i = 1; i < OCV_PERCENT.length; i++) {
            if (p <= OCV_PERCENT[i]) {
                double f = (p - OCV_PERCENT[i - 1]) / (OCV_PERCENT[i] - OCV_PERCENT[i - 1]);
                return OCV_VOLTS[i - 1] + f * (OCV_VOLTS[i] - OCV_VOLTS[i - 1]);
            }
        }
        return MAX_VOLTS;
    }

    private static double checkPercent(double percent) {
        if (!(percent >= 0 && percent <= 100))
            throw new IllegalArgumentException("battery percent " + percent + " is out of range 0..100");
        return percent;
    }
}
