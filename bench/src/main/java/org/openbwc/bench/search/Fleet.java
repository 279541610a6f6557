package org.openbwc.bench.search;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import org.openbwc.store.IndexedRecording;
import org.openbwc.store.Marker;
import org.openbwc.store.OffloadState;
import org.openbwc.store.Recording;
import org.openbwc.store.Segment;
import org.openbwc.store.TrackPoint;

/**
 * The search benchmark's synthetic fleet, the same for the same seed: units policing cities of southern Norway for a
 * month, a few recordings of 10-20 minutes per shift, each with its segments, an occasional marker and a GNSS track
 * that walks or drives around the unit's district. Any recording can be made again on its own ({@link #recording}), so
 * the queries can be drawn from real track locations without keeping 10 million points in memory.
 */
final class Fleet {

    /** A city the units patrol: centre, and its share of the units. */
    record City(String name, double lat, double lon, int weight) {}

    /** Southern Norway: ~600 km from Kristiansand to Trondheim, ~330 km from Bergen to Fredrikstad. */
    static final List<City> CITIES = List.of(
            new City("Oslo", 59.9139, 10.7522, 30),
            new City("Bergen", 60.3913, 5.3221, 14),
            new City("Trondheim", 63.4305, 10.3951, 10),
            new City("Stavanger", 58.9700, 5.7331, 10),
            new City("Kristiansand", 58.1467, 7.9956, 6),
            new City("Drammen", 59.7440, 10.2045, 5),
            new City("Fredrikstad", 59.2181, 10.9298, 5),
            new City("Alesund", 62.4722, 6.1495, 4),
            new City("Skien", 59.2096, 9.6090, 3),
            new City("Haugesund", 59.4138, 5.2680, 3),
            new City("Hamar", 60.7945, 11.0680, 3),
            new City("Lillehammer", 61.1153, 10.4662, 3),
            new City("Tonsberg", 59.2675, 10.4076, 3));

    /** The region the "empty area" queries are drawn from (points farther than 25 km from every city). */
    static final double MIN_LAT = 58.0, MAX_LAT = 63.6, MIN_LON = 5.0, MAX_LON = 11.5;

    static final Instant MONTH_START = Instant.parse("2026-11-01T00:00:00Z");
    static final int DAYS = 30;
    static final Instant MONTH_END = MONTH_START.plus(Duration.ofDays(DAYS));

    private static final double M_PER_DEG_LAT = 111_195.0;
    private static final DateTimeFormatter ID_TIME =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    private static final int SEGMENT_SECONDS = 300;

    /** One recording's place in the fleet: enough to make it again, with its track, from the seed. */
    record Header(int unit, int index, String id, Instant startedAt, int seconds, long seed) {}

    final int units;
    final long seed;
    private final List<List<Header>> byUnit = new ArrayList<>();
    private final long recordedSeconds;
    /** Seconds between a track's points, chosen so that the fleet has the points asked for. */
    final double pointInterval;

    Fleet(int units, long seed, long points) {
        this.units = units;
        this.seed = seed;
        long seconds = 0;
        for (int u = 0; u < units; u++) {
            List<Header> hs = headers(u);
            byUnit.add(hs);
            for (Header h : hs) seconds += h.seconds();
        }
        this.recordedSeconds = seconds;
        // points of a recording = floor(seconds / interval) + 1; solve for the total, then correct by one pass
        double interval = (double) seconds / Math.max(1, points - recordings());
        long total = countPoints(interval);
        for (int i = 0; i < 30 && total != points; i++) {
            interval *= (double) total / points;
            total = countPoints(interval);
        }
        this.pointInterval = interval;
    }

    long recordings() {
        long n = 0;
        for (List<Header> hs : byUnit) n += hs.size();
        return n;
    }

    long recordedSeconds() {
        return recordedSeconds;
    }

    long points() {
        return countPoints(pointInterval);
    }

    private long countPoints(double interval) {
        long n = 0;
        for (List<Header> hs : byUnit) for (Header h : hs) n += pointsOf(h.seconds(), interval);
        return n;
    }

    private static int pointsOf(int seconds, double interval) {
        return (int) Math.floor(seconds / interval) + 1;
    }

    List<Header> unit(int u) {
        return byUnit.get(u);
    }

    static String unitId(int u) {
        return String.format("bwc-%04d", u + 1);
    }

    /** The unit's city (by weight) and its district's centre there. */
    double[] district(int u) {
        SplittableRandom r = new SplittableRandom(seed * 1_000_003L + u);
        int total = CITIES.stream().mapToInt(City::weight).sum();
        int pick = r.nextInt(total);
        City city = CITIES.getLast();
        for (City c : CITIES) {
            if (pick < c.weight()) {
                city = c;
                break;
            }
            pick -= c.weight();
        }
        // districts within ~3 km of the centre (sd), larger cities' units spread a little wider
        double sd = 1_500 + 100 * city.weight();
        return offset(city.lat(), city.lon(), r.nextGaussian() * sd, r.nextGaussian() * sd);
    }

    /** The unit's shifts and recordings: a shift on ~2 days in 3, at one of three hours, 1-4 recordings a shift. */
    private List<Header> headers(int u) {
        SplittableRandom r = new SplittableRandom(seed * 7_000_003L + 31L * u + 1);
        int[] shiftHours = {7, 15, 23};
        int shiftHour = shiftHours[r.nextInt(3)];
        List<Header> out = new ArrayList<>();
        String unitId = unitId(u);
        for (int day = 0; day < DAYS; day++) {
            if (r.nextInt(3) == 0) continue;
            Instant shiftStart =
                    MONTH_START.plus(Duration.ofDays(day)).plusSeconds(shiftHour * 3600L + r.nextInt(1800));
            int n = 1 + r.nextInt(4);
            int slot = 8 * 3600 / n;
            for (int k = 0; k < n; k++) {
                int seconds = 600 + r.nextInt(601);
                int at = k * slot + r.nextInt(Math.max(1, slot - seconds));
                Instant start = shiftStart.plusSeconds(at).plusMillis(r.nextInt(1000));
                if (start.plusSeconds(seconds).isAfter(MONTH_END)) continue;
                String id = unitId + "-" + ID_TIME.format(start);
                out.add(new Header(u, out.size(), id, start, seconds, r.nextLong()));
            }
        }
        return out;
    }

    /** The recording as the gateway would index it once stored and verified: row, segments, markers and track. */
    IndexedRecording recording(Header h) {
        SplittableRandom r = new SplittableRandom(h.seed());
        Instant end = h.startedAt().plusSeconds(h.seconds());
        long bytes = 0;
        List<Segment> segments = new ArrayList<>();
        byte[] digest = new byte[32];
        for (int s = 0, left = h.seconds(); left > 0; s++, left -= SEGMENT_SECONDS) {
            long b = Math.min(left, SEGMENT_SECONDS) * 312_500L + r.nextInt(100_000);
            for (int i = 0; i < digest.length; i++) digest[i] = (byte) r.nextInt(256);
            segments.add(new Segment(
                    String.format("seg-%06d.mp4", s + 1), b, HexFormat.of().formatHex(digest)));
            bytes += b;
        }
        List<Marker> markers = new ArrayList<>();
        if (r.nextInt(4) == 0) markers.add(new Marker(h.startedAt().plusSeconds(r.nextInt(h.seconds())), "marked"));
        Recording rec = new Recording(
                h.id(),
                unitId(h.unit()),
                String.format("officer-%04d", h.unit() + 1),
                h.startedAt(),
                end,
                h.seconds() * 1_000_000L,
                "stopped",
                null,
                false,
                OffloadState.STORED,
                "c2lnbmF0dXJl" + Long.toHexString(h.seed()),
                "sha256:" + Long.toHexString(h.seed() ^ 0x5DEECE66DL),
                Boolean.TRUE,
                null,
                bytes);
        return new IndexedRecording(rec, segments, markers, track(h, r));
    }

    /** A walk (60 %) or a drive around the unit's district, one fix every {@link #pointInterval} seconds. */
    private List<TrackPoint> track(Header h, SplittableRandom r) {
        double[] home = district(h.unit());
        double[] p = offset(home[0], home[1], r.nextGaussian() * 1_500, r.nextGaussian() * 1_500);
        boolean driving = r.nextInt(10) < 4;
        double speed = driving ? 6 + r.nextDouble() * 8 : 1.0 + r.nextDouble() * 0.8;
        double heading = r.nextDouble() * 2 * Math.PI;
        int n = pointsOf(h.seconds(), pointInterval);
        List<TrackPoint> out = new ArrayList<>(n);
        long startMicros =
                h.startedAt().getEpochSecond() * 1_000_000L + h.startedAt().getNano() / 1_000;
        for (int i = 0; i < n; i++) {
            long micros = startMicros + Math.round(i * pointInterval * 1_000_000);
            Instant at =
                    Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000);
            out.add(new TrackPoint(at, p[0], p[1], 3.0 + r.nextInt(120) / 10.0));
            // turn a little each step; head back towards the district when more than 4 km out
            heading += r.nextGaussian() * (driving ? 0.25 : 0.5);
            double north = (home[0] - p[0]) * M_PER_DEG_LAT;
            double east = (home[1] - p[1]) * M_PER_DEG_LAT * Math.cos(Math.toRadians(p[0]));
            if (Math.hypot(north, east) > 4_000) heading = Math.atan2(east, north) + r.nextGaussian() * 0.3;
            double step = speed * pointInterval * (0.5 + r.nextDouble());
            p = offset(p[0], p[1], Math.cos(heading) * step, Math.sin(heading) * step);
        }
        return out;
    }

    /** The point {@code north} and {@code east} meters from (lat, lon). */
    static double[] offset(double lat, double lon, double north, double east) {
        double la = lat + north / M_PER_DEG_LAT;
        double lo = lon + east / (M_PER_DEG_LAT * Math.cos(Math.toRadians(lat)));
        return new double[] {la, lo};
    }

    /** Meters from (lat, lon) to the nearest city centre, roughly (equirectangular). */
    static double nearestCityMeters(double lat, double lon) {
        double best = Double.MAX_VALUE;
        for (City c : CITIES) {
            double n = (c.lat() - lat) * M_PER_DEG_LAT;
            double e = (c.lon() - lon) * M_PER_DEG_LAT * Math.cos(Math.toRadians(lat));
            best = Math.min(best, Math.hypot(n, e));
        }
        return best;
    }
}
