package org.openbwc.gateway.dispatch;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.openbwc.gateway.fleet.UnitView;

/**
 * Ranks units by their distance to an incident, nearest first: only online units with a known position. Pure and
 * allocation-light, so that 10,000 units rank well within 50 ms (bench/dispatch measures it): one haversine per unit,
 * then a sort of primitive keys.
 */
public final class CandidateRanking {
    static final double EARTH_RADIUS_METERS = 6_371_008.8;
    /** A brisk walk: what an ETA assumes for an officer whose recent speed is unknown or slower. */
    public static final double WALKING_MPS = 1.4;

    /** A unit's recent speed, in m/s; NaN when it is not known. */
    @FunctionalInterface
    public interface RecentSpeed {
        double of(UnitView unit);
    }

    private final double defaultSpeedMps;
    private final RecentSpeed recentSpeed;

    /**
     * @param defaultSpeedMps the speed an ETA assumes for a unit whose recent speed is unknown or slower (1.4 m/s is a
     *     walk): a standing officer still walks there
     */
    public CandidateRanking(double defaultSpeedMps, RecentSpeed recentSpeed) {
        if (!(defaultSpeedMps > 0 && defaultSpeedMps < 100)) {
            throw new IllegalArgumentException(
                    "default dispatch speed " + defaultSpeedMps + " m/s must be above 0 and below 100");
        }
        this.defaultSpeedMps = defaultSpeedMps;
        this.recentSpeed = recentSpeed;
    }

    /** The {@code limit} online units nearest to {@code (lat, lon)}, nearest first (ties by unit id). */
    public List<Candidate> rank(List<UnitView> units, double lat, double lon, int limit) {
        int n = units.size();
        double[] distance = new double[n];
        long[] keys = new long[n];
        int kept = 0;
        double p2 = Math.toRadians(lat);
        double cosP2 = Math.cos(p2);
        for (int i = 0; i < n; i++) {
            UnitView u = units.get(i);
            if (!u.online() || u.location() == null) continue;
            double p1 = Math.toRadians(u.location().lat());
            double dp = p2 - p1;
            double dl = Math.toRadians(lon - u.location().lon());
            double sp = Math.sin(dp / 2);
            double sl = Math.sin(dl / 2);
            double a = sp * sp + Math.cos(p1) * cosP2 * sl * sl;
            distance[i] = 2 * EARTH_RADIUS_METERS * Math.asin(Math.min(1, Math.sqrt(a)));
            // Whole centimetres in the high bits, the index in the low 24: one primitive sort orders them.
            keys[kept++] = (Math.round(distance[i] * 100) << 24) | i;
        }
        Arrays.sort(keys, 0, kept);
        // Equal distances keep the registry's order, which is by unit id.
        int take = Math.min(kept, Math.max(0, limit));
        List<Candidate> out = new ArrayList<>(take);
        for (int k = 0; k < take; k++) {
            int i = (int) (keys[k] & 0xFF_FFFF);
            UnitView u = units.get(i);
            double recent = recentSpeed == null ? Double.NaN : recentSpeed.of(u);
            double speed = Double.isNaN(recent) || recent < defaultSpeedMps ? defaultSpeedMps : recent;
            out.add(new Candidate(
                    u.id(),
                    u.officerId(),
                    distance[i],
                    Math.round(distance[i] / speed),
                    speed,
                    u.state(),
                    u.battery() == null ? null : u.battery().percent(),
                    u.recordingId() != null,
                    u.stealth()));
        }
        return out;
    }

    /** Great-circle distance in meters (haversine on the mean sphere). */
    public static double meters(double lat1, double lon1, double lat2, double lon2) {
        double p1 = Math.toRadians(lat1);
        double p2 = Math.toRadians(lat2);
        double dp = p2 - p1;
        double dl = Math.toRadians(lon2 - lon1);
        double a =
                Math.sin(dp / 2) * Math.sin(dp / 2) + Math.cos(p1) * Math.cos(p2) * Math.sin(dl / 2) * Math.sin(dl / 2);
        return 2 * EARTH_RADIUS_METERS * Math.asin(Math.min(1, Math.sqrt(a)));
    }
}
