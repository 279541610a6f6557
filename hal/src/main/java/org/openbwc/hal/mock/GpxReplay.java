package org.openbwc.hal.mock;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.openbwc.hal.Gnss;
import org.openbwc.hal.GnssFix;

/**
 * A {@link Gnss} that replays a {@link GpxTrack} in real time times a speed factor, starting at the first point when
 * created and looping at the end. Positions are interpolated between points; speed and course come from the
 * segment being travelled, so they change point by point like a real receiver's. Fix times are the replay clock's
 * current time, not the track's, so a replayed unit looks live.
 */
public final class GpxReplay implements Gnss {
    private static final double EARTH_RADIUS_METERS = 6_371_008.8;
    /** Below this a segment counts as standing still: no course, as receivers report when stationary. */
    private static final double STANDING_METERS = 0.5;

    private final GpxTrack track;
    private final double speedFactor;
    private final InstantSource time;
    private final Instant start;
    private final List<GpxTrack.Point> points;
    private final long[] offsetsMillis;
    private final long lengthMillis;

    GpxReplay(GpxTrack track, double speedFactor, InstantSource time) {
        if (!(speedFactor > 0) || Double.isInfinite(speedFactor)) {
            throw new IllegalArgumentException("GPX speed factor " + speedFactor + " must be > 0");
        }
        this.track = track;
        this.speedFactor = speedFactor;
        this.time = time;
        this.start = time.instant();
        this.points = track.points();
        Instant first = points.getFirst().time();
        this.offsetsMillis = points.stream()
                .mapToLong(p -> Duration.between(first, p.time()).toMillis())
                .toArray();
        this.lengthMillis = offsetsMillis[offsetsMillis.length - 1];
    }

    /** Replays from now on the system clock; {@code speedFactor} 2 moves twice as fast as recorded. */
    public static GpxReplay start(GpxTrack track, double speedFactor) {
        return new GpxReplay(track, speedFactor, InstantSource.system());
    }

    public GpxTrack track() {
        return track;
    }

    @Override
    public Optional<GnssFix> latestFix() {
        return Optional.of(fixAt(time.instant()));
    }

    GnssFix fixAt(Instant now) {
        long realMillis = Duration.between(start, now).toMillis();
        long trackMillis = Math.floorMod((long) (realMillis * speedFactor), lengthMillis);
        int index = Arrays.binarySearch(offsetsMillis, trackMillis);
        // Exact hit: travel the segment starting there; otherwise the segment whose start precedes trackMillis.
        int from = index >= 0 ? index : -index - 2;
        from = Math.min(from, points.size() - 2);
        GpxTrack.Point a = points.get(from);
        GpxTrack.Point b = points.get(from + 1);
        long segmentMillis = offsetsMillis[from + 1] - offsetsMillis[from];
        double f = (trackMillis - offsetsMillis[from]) / (double) segmentMillis;

        double lat = a.lat() + f * (b.lat() - a.lat());
        double lon = a.lon() + f * (b.lon() - a.lon());
        Double elevation = interpolate(a.elevationMeters(), b.elevationMeters(), f);
        double meters = distanceMeters(a.lat(), a.lon(), b.lat(), b.lon());
        double speed = meters / (segmentMillis / 1000.0) * speedFactor;
        Double course = meters < STANDING_METERS ? null : bearingDegrees(a.lat(), a.lon(), b.lat(), b.lon());
        // Smoothly wandering 3..8 m, like a consumer receiver under an open sky with some buildings around.
        double accuracy = 5.5 + 2.5 * Math.sin(realMillis / 23_000.0);
        return new GnssFix(lat, lon, accuracy, elevation, speed, course, now.truncatedTo(ChronoUnit.MILLIS));
    }

    /** Interpolates when both ends have a value; otherwise the end that has one, or null. */
    private static Double interpolate(Double from, Double to, double f) {
        if (from == null) return to;
        if (to == null) return from;
        return from + f * (to - from);
    }

    /** Great-circle (haversine) distance. */
    static double distanceMeters(double lat1, double lon1, double lat2, double lon2) {
        double p1 = Math.toRadians(lat1);
        double p2 = Math.toRadians(lat2);
        double dp = p2 - p1;
        double dl = Math.toRadians(lon2 - lon1);
        double h =
                Math.sin(dp / 2) * Math.sin(dp / 2) + Math.cos(p1) * Math.cos(p2) * Math.sin(dl / 2) * Math.sin(dl / 2);
        return 2 * EARTH_RADIUS_METERS * Math.asin(Math.min(1, Math.sqrt(h)));
    }

    /** Initial bearing from the first point to the second, 0..360 clockwise from true north. */
    static double bearingDegrees(double lat1, double lon1, double lat2, double lon2) {
        double p1 = Math.toRadians(lat1);
        double p2 = Math.toRadians(lat2);
        double dl = Math.toRadians(lon2 - lon1);
        double y = Math.sin(dl) * Math.cos(p2);
        double x = Math.cos(p1) * Math.sin(p2) - Math.sin(p1) * Math.cos(p2) * Math.cos(dl);
        return (Math.toDegrees(Math.atan2(y, x)) + 360) % 360;
    }
}
