package org.openbwc.bench.search;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.openbwc.store.TrackPoint;

/**
 * The search benchmark's {@code near} queries, the same for the same seed: 70 % at a real track point with a window
 * of 1 h to 1 day around its time, 25 % in an empty area (over 25 km from every city) with such a window anywhere in
 * the month, 5 % at a real track point over the whole month; radius 100 m to 5 km (log-uniform, as are the windows).
 */
final class Queries {

    /** One {@code near} call. */
    record Query(String kind, double lat, double lon, double radiusMeters, Instant from, Instant to) {
        String describe() {
            return String.format(
                    "%s: %.5f,%.5f r=%.0f m, %s .. %s (%.1f h)",
                    kind,
                    lat,
                    lon,
                    radiusMeters,
                    from,
                    to,
                    Duration.between(from, to).toSeconds() / 3600.0);
        }
    }

    static final String TRACK = "track", EMPTY = "empty", MONTH = "month";

    private Queries() {}

    static List<Query> draw(Fleet fleet, long seed, int n) {
        SplittableRandom r = new SplittableRandom(seed * 31 + 7);
        List<Query> out = new ArrayList<>(n);
        while (out.size() < n) {
            double kind = r.nextDouble();
            double radius = Math.exp(Math.log(100) + r.nextDouble() * (Math.log(5_000) - Math.log(100)));
            long window = Math.round(Math.exp(Math.log(3_600) + r.nextDouble() * (Math.log(86_400) - Math.log(3_600))));
            if (kind < 0.95) {
                if (kind < 0.70) {
                    TrackPoint p = trackPoint(fleet, r);
                    Instant from = p.at().minusSeconds((long) (r.nextDouble() * window));
                    out.add(new Query(TRACK, p.lat(), p.lon(), radius, from, from.plusSeconds(window)));
                } else {
                    double lat, lon;
                    do {
                        lat = Fleet.MIN_LAT + r.nextDouble() * (Fleet.MAX_LAT - Fleet.MIN_LAT);
                        lon = Fleet.MIN_LON + r.nextDouble() * (Fleet.MAX_LON - Fleet.MIN_LON);
                    } while (Fleet.nearestCityMeters(lat, lon) < 25_000);
                    Instant from =
                            Fleet.MONTH_START.plusSeconds((long) (r.nextDouble() * (Fleet.DAYS * 86_400L - window)));
                    out.add(new Query(EMPTY, lat, lon, radius, from, from.plusSeconds(window)));
                }
            } else {
                TrackPoint p = trackPoint(fleet, r);
                out.add(new Query(MONTH, p.lat(), p.lon(), radius, Fleet.MONTH_START, Fleet.MONTH_END));
            }
        }
        return out;
    }

    private static TrackPoint trackPoint(Fleet fleet, SplittableRandom r) {
        while (true) {
            List<Fleet.Header> hs = fleet.unit(r.nextInt(fleet.units));
            if (hs.isEmpty()) continue;
            List<TrackPoint> track =
                    fleet.recording(hs.get(r.nextInt(hs.size()))).track();
            return track.get(r.nextInt(track.size()));
        }
    }
}
