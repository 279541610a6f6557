package org.openbwc.bench.search;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.openbwc.store.DatabaseConfig;
import org.openbwc.store.EvidenceDatabase;
import org.openbwc.store.Recording;
import org.openbwc.store.RecordingCatalog;
import org.openbwc.store.TrackCells;

/**
 * Evidence-search benchmark (issue 15): loads a deterministic synthetic month of 1,000 units' recordings and GNSS tracks
 * into the evidence index on PostgreSQL and on the embedded H2, then times {@link RecordingCatalog#near} against a
 * {@code SELECT 1} round trip and a primary-key lookup on the same database, and prints the percentiles, the targets
 * and PostgreSQL's plan. Run through {@code bench/search}; see {@code bench/README.md}.
 */
public final class SearchBench {

    // ---- options ---------------------------------------------------------------------------------------------------
    long points = 10_000_000, seed = 15;
    int units = 1_000, queries = 200, warmup = 20, addEvery = 100;
    String db = "both", pgUrl = "jdbc:postgresql://127.0.0.1:5432/test", pgUser = "postgres", schema = "bench_search";
    boolean keep, reuse;
    double pgTargetMs = 200, h2TargetMs = 1_000;
    Path work = Path.of("bench/.work/search"), report;
    String machine = "?", commit = "?";

    private final StringBuilder out = new StringBuilder();

    public static void main(String[] args) throws Exception {
        SearchBench b = new SearchBench();
        try {
            b.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("bench/search: " + e.getMessage());
            System.exit(2);
        }
        int rc;
        try {
            b.run();
            rc = 0;
        } catch (Exception e) {
            System.err.println("bench/search: " + e);
            e.printStackTrace();
            rc = 3;
        }
        System.exit(rc);
    }

    void parse(String[] a) {
        for (int i = 0; i < a.length; i++) {
            String k = a[i];
            if (k.equals("--keep")) {
                keep = true;
                continue;
            }
            if (k.equals("--reuse")) {
                reuse = true;
                keep = true;
                continue;
            }
            if (i + 1 >= a.length) throw new IllegalArgumentException(k + " needs a value");
            String v = a[++i];
            switch (k) {
                case "--points" -> points = Long.parseLong(v.replace("_", "").replace(",", ""));
                case "--units" -> units = Integer.parseInt(v);
                case "--queries" -> queries = Integer.parseInt(v);
                case "--warmup" -> warmup = Integer.parseInt(v);
                case "--seed" -> seed = Long.parseLong(v);
                case "--add-every" -> addEvery = Integer.parseInt(v);
                case "--db" -> {
                    if (!List.of("postgres", "h2", "both").contains(v)) {
                        throw new IllegalArgumentException("--db is postgres, h2 or both, not " + v);
                    }
                    db = v;
                }
                case "--pg-url" -> pgUrl = v;
                case "--pg-user" -> pgUser = v;
                case "--schema" -> {
                    if (!v.matches("[a-z_][a-z0-9_]{0,62}")) throw new IllegalArgumentException("bad --schema " + v);
                    schema = v;
                }
                case "--pg-target-ms" -> pgTargetMs = Double.parseDouble(v);
                case "--h2-target-ms" -> h2TargetMs = Double.parseDouble(v);
                case "--work" -> work = Path.of(v);
                case "--report" -> report = Path.of(v);
                case "--machine" -> machine = v;
                case "--commit" -> commit = v;
                default -> throw new IllegalArgumentException("unknown option " + k);
            }
        }
        if (points < units) throw new IllegalArgumentException("--points must be at least --units");
    }

    void run() throws Exception {
        Files.createDirectories(work);
        long g0 = System.nanoTime();
        Fleet fleet = new Fleet(units, seed, points);
        line("# Evidence search benchmark (issue 15)");
        line("");
        line("- run: %s UTC, commit %s", Instant.now().toString().substring(0, 19), commit);
        line("- machine: %s", machine);
        line(
                "- fleet (seed %d): %,d units, %s .. %s, %,d recordings (%,.0f recorded hours), %,d track points"
                        + " (one every %.2f s), made in %.1f s",
                seed,
                units,
                Fleet.MONTH_START,
                Fleet.MONTH_END,
                fleet.recordings(),
                fleet.recordedSeconds() / 3600.0,
                fleet.points(),
                fleet.pointInterval,
                (System.nanoTime() - g0) / 1e9);
        List<Queries.Query> all = Queries.draw(fleet, seed, warmup + queries);
        line(
                "- queries: %d after a warm-up of %d; %d at track points (1 h .. 1 day), %d in empty areas,"
                        + " %d month-wide; radius 100 m .. 5 km",
                queries,
                warmup,
                count(all.subList(warmup, all.size()), Queries.TRACK),
                count(all.subList(warmup, all.size()), Queries.EMPTY),
                count(all.subList(warmup, all.size()), Queries.MONTH));
        line("");
        if (!db.equals("h2")) measure("PostgreSQL", fleet, all, pgTargetMs);
        if (!db.equals("postgres")) measure("H2 (embedded default)", fleet, all, h2TargetMs);
        if (report != null) Files.writeString(report, out.toString(), StandardCharsets.UTF_8);
    }

    private void measure(String label, Fleet fleet, List<Queries.Query> all, double targetMs) throws Exception {
        boolean postgres = label.startsWith("PostgreSQL");
        DatabaseConfig config;
        Path h2Dir = work.resolve("h2");
        boolean existing;
        String where;
        if (postgres) {
            try (Connection admin = DriverManager.getConnection(pgUrl, pgUser, null);
                    Statement s = admin.createStatement()) {
                try (ResultSet rs = s.executeQuery(
                        "SELECT COUNT(*) FROM information_schema.schemata WHERE schema_name = '" + schema + "'")) {
                    rs.next();
                    existing = rs.getLong(1) > 0;
                }
                if (existing && !reuse) {
                    throw new IllegalStateException("schema " + schema + " exists: --reuse to query what it holds, or"
                            + " drop it (DROP SCHEMA " + schema + " CASCADE)");
                }
                if (!existing) s.execute("CREATE SCHEMA " + schema);
            }
            String url = pgUrl + (pgUrl.contains("?") ? "&" : "?") + "currentSchema=" + schema;
            config = new DatabaseConfig(url, pgUser, null, 10);
            where = "schema " + schema + " at " + pgUrl;
        } else {
            existing = Files.exists(h2Dir.resolve("db"));
            if (existing && !reuse) {
                throw new IllegalStateException(h2Dir + " exists: --reuse to query what it holds, or delete it");
            }
            config = DatabaseConfig.embedded(h2Dir);
            where = h2Dir.toAbsolutePath().normalize().toString();
        }
        System.err.printf("bench/search: %s: %s%n", label, where);
        line("## %s", label);
        line("");
        line("- database: %s", where);
        long m0 = System.nanoTime();
        try (EvidenceDatabase database = EvidenceDatabase.open(config);
                Connection bulk = DriverManager.getConnection(config.url(), config.user(), null);
                HikariDataSource refPool = pool(config)) {
            line("- opened and migrated in %.2f s", (System.nanoTime() - m0) / 1e9);
            RecordingCatalog catalog = database.catalog();
            Loader loader =
                    new Loader(fleet, catalog, bulk, postgres, addEvery, m -> System.err.println("bench/search: " + m));
            if (existing) {
                var rows = loader.rowCounts();
                if (rows.get("track_points") != fleet.points() || rows.get("recordings") != fleet.recordings()) {
                    throw new IllegalStateException(where + " holds " + rows + ", not this fleet (--points " + points
                            + ", --units " + units + ", --seed " + seed + ")");
                }
                long a0 = System.nanoTime();
                loader.analyze();
                line(
                        "- load: reused from an earlier run (%s); %d recordings read back equal; analyze %.1f s",
                        rows, loader.readBack(label, 25), (System.nanoTime() - a0) / 1e9);
            } else {
                System.err.printf("bench/search: %s: loading %,d points...%n", label, fleet.points());
                Loader.Loaded l = loader.load(label);
                line(
                        "- load: %,d recordings and %,d track points in %.1f s (%,.0f points/s): %,d through"
                                + " `RecordingCatalog.add` (%.1f ms each), the rest %s; then %s in %.1f s",
                        l.recordings(),
                        l.points(),
                        l.loadSeconds(),
                        l.points() / l.loadSeconds(),
                        l.added(),
                        l.addMillisPerRecording(),
                        postgres
                                ? "by `COPY` into the same tables and columns"
                                : "by batched `INSERT`s of add's own statements",
                        postgres ? "`VACUUM ANALYZE`" : "`ANALYZE`",
                        l.analyzeSeconds());
                line(
                        "- rows: %s, equal to the fleet's; %d bulk-loaded recordings read back with `find` equal to"
                                + " what was made",
                        l.rows(), l.readBack());
            }
            line("- size: %s", size(postgres, bulk, h2Dir));
            System.err.printf("bench/search: %s: %d warm-up and %d measured queries...%n", label, warmup, queries);
            Runs runs = new Runs(catalog, refPool, fleet, all, warmup);
            runs.go();
            report(runs, targetMs, postgres ? "PostgreSQL" : "H2");
            explain(postgres, bulk, runs);
        } finally {
            if (!keep) {
                if (postgres) {
                    try (Connection admin = DriverManager.getConnection(pgUrl, pgUser, null);
                            Statement s = admin.createStatement()) {
                        s.execute("DROP SCHEMA " + schema + " CASCADE");
                    }
                } else {
                    deleteTree(h2Dir);
                }
            } else {
                System.err.printf("bench/search: %s: kept %s (--reuse to query it again)%n", label, where);
            }
        }
        line("");
    }

    private static HikariDataSource pool(DatabaseConfig config) {
        HikariConfig h = new HikariConfig();
        h.setPoolName("search-bench-reference");
        h.setJdbcUrl(config.url());
        if (config.user() != null) h.setUsername(config.user());
        h.setMaximumPoolSize(2);
        h.setMinimumIdle(1);
        return new HikariDataSource(h);
    }

    // ---- the timed part --------------------------------------------------------------------------------------------

    /** One timed {@code near} and the reference calls made right after it. */
    record Timed(Queries.Query q, double ms, int found, double selectOneMs, double pkMs) {}

    /** The warm-up and the measured queries on one database, with the references interleaved. */
    static final class Runs {
        final List<Timed> timed = new ArrayList<>();
        private final RecordingCatalog catalog;
        private final HikariDataSource refPool;
        private final Fleet fleet;
        private final List<Queries.Query> all;
        private final int warmup;
        private final SplittableRandom ids;

        Runs(RecordingCatalog catalog, HikariDataSource refPool, Fleet fleet, List<Queries.Query> all, int warmup) {
            this.catalog = catalog;
            this.refPool = refPool;
            this.fleet = fleet;
            this.all = all;
            this.warmup = warmup;
            this.ids = new SplittableRandom(fleet.seed + 5);
        }

        void go() throws SQLException {
            for (int i = 0; i < all.size(); i++) {
                Queries.Query q = all.get(i);
                long t0 = System.nanoTime();
                List<Recording> found = catalog.near(q.lat(), q.lon(), q.radiusMeters(), q.from(), q.to());
                double ms = (System.nanoTime() - t0) / 1e6;
                double one = selectOne();
                double pk = primaryKey();
                if (i >= warmup) timed.add(new Timed(q, ms, found.size(), one, pk));
            }
        }

        private double selectOne() throws SQLException {
            long t0 = System.nanoTime();
            try (Connection c = refPool.getConnection();
                    Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT 1")) {
                rs.next();
            }
            return (System.nanoTime() - t0) / 1e6;
        }

        /** A recording's row by its id, as {@code find} reads it first. */
        private double primaryKey() throws SQLException {
            List<Fleet.Header> hs;
            do hs = fleet.unit(ids.nextInt(fleet.units));
            while (hs.isEmpty());
            String id = hs.get(ids.nextInt(hs.size())).id();
            long t0 = System.nanoTime();
            try (Connection c = refPool.getConnection();
                    PreparedStatement s = c.prepareStatement("SELECT id, unit_id, officer_id, started_at, ended_at,"
                            + " duration_micros, end_reason, category, legal_hold, offload_state, manifest_signature,"
                            + " key_fingerprint, verified, verification_problem, bytes FROM recordings WHERE id = ?")) {
                s.setString(1, id);
                try (ResultSet rs = s.executeQuery()) {
                    if (!rs.next()) throw new IllegalStateException("no recording " + id);
                }
            }
            return (System.nanoTime() - t0) / 1e6;
        }
    }

    private void report(Runs runs, double targetMs, String name) {
        List<Timed> t = runs.timed;
        double[] near = t.stream().mapToDouble(Timed::ms).toArray();
        double[] one = t.stream().mapToDouble(Timed::selectOneMs).toArray();
        double[] pk = t.stream().mapToDouble(Timed::pkMs).toArray();
        line("");
        line("| calls (ms) | n | p50 | p95 | p99 | max | results: median / max / none |");
        line("|---|---:|---:|---:|---:|---:|---|");
        row("`near`, all", t);
        for (String kind : List.of(Queries.TRACK, Queries.EMPTY, Queries.MONTH)) {
            List<Timed> k = t.stream().filter(x -> x.q().kind().equals(kind)).toList();
            if (!k.isEmpty()) row("`near`, " + kind, k);
        }
        line(
                "| reference: `SELECT 1` | %d | %.3f | %.3f | %.3f | %.3f | |",
                one.length, pct(one, 50), pct(one, 95), pct(one, 99), pct(one, 100));
        line(
                "| reference: a recording by primary key | %d | %.3f | %.3f | %.3f | %.3f | |",
                pk.length, pct(pk, 50), pct(pk, 95), pct(pk, 99), pct(pk, 100));
        line("");
        line(
                "- `near` against the references: p50 %.0fx / p95 %.0fx `SELECT 1`; p50 %.0fx / p95 %.0fx the primary-key"
                        + " lookup",
                pct(near, 50) / pct(one, 50),
                pct(near, 95) / pct(one, 95),
                pct(near, 50) / pct(pk, 50),
                pct(near, 95) / pct(pk, 95));
        double p95 = pct(near, 95);
        line(
                "- **target (%s, p95 <= %.0f ms): p95 %.1f ms, %s**",
                name, targetMs, p95, p95 <= targetMs ? "PASS" : "FAIL");
        List<Timed> slow = t.stream()
                .sorted(Comparator.comparingDouble(Timed::ms).reversed())
                .limit(5)
                .toList();
        line("- slowest:");
        for (Timed s : slow) {
            line(
                    "  - %.1f ms, %d found, %d cells: %s",
                    s.ms(), s.found(), cells(s.q()).size(), s.q().describe());
        }
    }

    private void row(String label, List<Timed> t) {
        double[] ms = t.stream().mapToDouble(Timed::ms).toArray();
        int[] found = t.stream().mapToInt(Timed::found).sorted().toArray();
        long none = Arrays.stream(found).filter(f -> f == 0).count();
        line(
                "| %s | %d | %.1f | %.1f | %.1f | %.1f | %d / %d / %d |",
                label,
                ms.length,
                pct(ms, 50),
                pct(ms, 95),
                pct(ms, 99),
                pct(ms, 100),
                found[found.length / 2],
                found[found.length - 1],
                none);
    }

    /** The grid cells near reads for the query (TrackCells: 0.01 by 0.02 degree); empty beyond 1,000. */
    static List<Long> cells(Queries.Query q) {
        double[] b = box(q.lat(), q.lon(), q.radiusMeters());
        long row0 = (long) Math.floor(b[0] * 100), row1 = (long) Math.floor(b[1] * 100);
        long col0 = (long) Math.floor((b[2] + 180) * 50), col1 = (long) Math.floor((b[3] + 180) * 50);
        List<Long> cells = new ArrayList<>();
        if ((row1 - row0 + 1) * (col1 - col0 + 1) > 1_000) return cells;
        for (long row = row0; row <= row1; row++) {
            for (long col = col0; col <= col1; col++) cells.add(row * 100_000 + col);
        }
        return cells;
    }

    /**
     * The plan of the statement {@code RecordingCatalog.near} runs (keep in step with it): on PostgreSQL one statement
     * for all the cells; on H2 one per cell, of which the one holding the query's centre is shown.
     */
    private void explain(boolean postgres, Connection c, Runs runs) throws SQLException {
        List<Timed> track = runs.timed.stream()
                .filter(x -> x.q().kind().equals(Queries.TRACK))
                .sorted(Comparator.comparingDouble(Timed::ms))
                .toList();
        Timed median = track.isEmpty() ? runs.timed.getFirst() : track.get(track.size() / 2);
        Timed slowest =
                runs.timed.stream().max(Comparator.comparingDouble(Timed::ms)).orElseThrow();
        for (Timed t : List.of(median, slowest)) {
            List<Long> cells = cells(t.q());
            List<Long> bound = cells.isEmpty() || postgres ? cells : List.of(TrackCells.of(t.q().lat(), t.q().lon()));
            line("");
            line(
                    "%s plan of the %s (%.1f ms in the run, %d found; %d cells%s): %s",
                    postgres ? "`EXPLAIN (ANALYZE, BUFFERS)`" : "`EXPLAIN ANALYZE`",
                    t == median ? "median track query" : "slowest query",
                    t.ms(),
                    t.found(),
                    cells.size(),
                    postgres ? "" : ", one statement each: the centre's",
                    t.q().describe());
            line("");
            line("```");
            double[] box = box(t.q().lat(), t.q().lon(), t.q().radiusMeters());
            String sql = "SELECT recording_id, lat, lon FROM track_points WHERE "
                    + (bound.isEmpty()
                            ? ""
                            : "cell IN (" + String.join(", ", Collections.nCopies(bound.size(), "?")) + ") AND ")
                    + "at BETWEEN ? AND ? AND lat BETWEEN ? AND ? AND lon BETWEEN ? AND ?";
            try (PreparedStatement s =
                    c.prepareStatement((postgres ? "EXPLAIN (ANALYZE, BUFFERS) " : "EXPLAIN ANALYZE ") + sql)) {
                int p = 1;
                for (long cell : bound) s.setLong(p++, cell);
                s.setObject(p++, OffsetDateTime.ofInstant(t.q().from(), ZoneOffset.UTC));
                s.setObject(p++, OffsetDateTime.ofInstant(t.q().to(), ZoneOffset.UTC));
                for (int i = 0; i < 4; i++) s.setDouble(p++, box[i]);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) line("%s", rs.getString(1));
                }
            }
            line("```");
            if (median == slowest) break;
        }
    }

    private static String size(boolean postgres, Connection c, Path h2Dir) throws SQLException, IOException {
        if (!postgres) {
            long bytes = 0;
            try (Stream<Path> files = Files.walk(h2Dir)) {
                for (Path p : files.filter(Files::isRegularFile).toList()) bytes += Files.size(p);
            }
            return String.format("%.0f MiB on disk (the H2 file)", bytes / 1048576.0);
        }
        StringBuilder b = new StringBuilder();
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT pg_total_relation_size('track_points'),"
                        + " pg_relation_size('track_points'), pg_indexes_size('track_points'),"
                        + " pg_total_relation_size('recordings')")) {
            rs.next();
            b.append(String.format(
                    "track_points %.0f MiB (table %.0f, indexes %.0f), recordings %.0f MiB",
                    rs.getLong(1) / 1048576.0,
                    rs.getLong(2) / 1048576.0,
                    rs.getLong(3) / 1048576.0,
                    rs.getLong(4) / 1048576.0));
        }
        return b.toString();
    }

    static double pct(double[] values, double p) {
        double[] v = values.clone();
        Arrays.sort(v);
        if (v.length == 0) return Double.NaN;
        int rank = (int) Math.ceil(p / 100 * v.length);
        return v[Math.max(0, Math.min(v.length - 1, rank - 1))];
    }

    private static long count(List<Queries.Query> qs, String kind) {
        return qs.stream().filter(q -> q.kind().equals(kind)).count();
    }

    private void line(String format, Object... args) {
        out.append(String.format(Locale.ROOT, format, args)).append('\n');
        System.out.println(String.format(Locale.ROOT, format, args));
        System.out.flush();
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }

    /**
     * The bounding box {@code near} asks the database for (min lat, max lat, min lon, max lon): the store's
     * GreatCircle.around, which is package-private there, for a box away from the poles and the antimeridian.
     */
    static double[] box(double lat, double lon, double radiusMeters) {
        double r = 6_371_008.8;
        double dLat = Math.toDegrees(radiusMeters / r);
        double dLon = Math.toDegrees(Math.asin(Math.sin(radiusMeters / r) / Math.cos(Math.toRadians(lat))));
        return new double[] {lat - dLat, lat + dLat, lon - dLon, lon + dLon};
    }
}
