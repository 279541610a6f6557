package org.openbwc.gateway.dispatch;

import java.time.Duration;
import java.util.List;
import org.openbwc.gateway.fleet.LocationTrails;
import org.openbwc.gateway.fleet.UnitView;

/**
 * A unit's recent speed from its trail: the path covered over its last positions within {@link #WINDOW}, over the time
 * it took; else the speed its last fix reported; else unknown (NaN).
 */
public final class TrailSpeed implements CandidateRanking.RecentSpeed {
    /** Positions older than this before the newest do not count: the officer may have stopped since. */
    static final Duration WINDOW = Duration.ofMinutes(2);

    static final int POINTS = 20;

    private final LocationTrails trails;

    public TrailSpeed(LocationTrails trails) {
        this.trails = trails;
    }

    @Override
    public double of(UnitView unit) {
        List<LocationTrails.Point> t = trails.trail(unit.id(), POINTS);
        if (t.size() >= 2) {
            LocationTrails.Point last = t.get(t.size() - 1);
            double meters = 0;
            LocationTrails.Point first = last;
            for (int i = t.size() - 1; i > 0; i--) {
                LocationTrails.Point before = t.get(i - 1);
                if (Duration.between(before.time(), last.time()).compareTo(WINDOW) > 0) break;
                meters += CandidateRanking.meters(
                        before.lat(), before.lon(), t.get(i).lat(), t.get(i).lon());
                first = before;
            }
            double seconds = Duration.between(first.time(), last.time()).toMillis() / 1000.0;
            if (seconds >= 1) return meters / seconds;
        }
        Double reported = unit.location() == null ? null : unit.location().speedMps();
        return reported == null ? Double.NaN : reported;
    }
}
