package org.openbwc.hal.mock;

import java.util.OptionalInt;
import org.openbwc.hal.Gnss;
import org.openbwc.hal.GnssFix;
import org.openbwc.hal.RadioLink;

/**
 * LTE signal that rises and falls as a simulated unit moves: strong near a few virtual masts, weak between them,
 * so the monitoring room's signal column changes along a patrol like a real one does.
 */
final class SimulatedRadio implements RadioLink {

    /** Virtual masts, about 1.5 km apart, on a grid; the signal falls off over this distance in degrees. */
    static final double MAST_SPACING_DEGREES = 0.015;

    private final Gnss gnss;

    SimulatedRadio(Gnss gnss) {
        this.gnss = gnss;
    }

    @Override
    public OptionalInt signalPercent() {
        return gnss.latestFix()
                .map(SimulatedRadio::signalAt)
                .map(OptionalInt::of)
                .orElse(OptionalInt.empty());
    }

    static int signalAt(GnssFix fix) {
        double dLat = distanceToGrid(fix.lat());
        double dLon = distanceToGrid(fix.lon());
        double fromMast = Math.hypot(dLat, dLon) / (MAST_SPACING_DEGREES / Math.sqrt(2));
        return (int) Math.round(Math.clamp(95 - 75 * fromMast, 15, 95));
    }

    private static double distanceToGrid(double degrees) {
        double r = Math.IEEEremainder(degrees, MAST_SPACING_DEGREES);
        return Math.abs(r);
    }
}
