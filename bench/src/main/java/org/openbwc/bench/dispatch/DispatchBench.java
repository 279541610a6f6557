package org.openbwc.bench.dispatch;

import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.openbwc.gateway.dispatch.Candidate;
import org.openbwc.gateway.dispatch.CandidateRanking;
import org.openbwc.gateway.dispatch.TrailSpeed;
import org.openbwc.gateway.fleet.FleetRegistry;
import org.openbwc.gateway.fleet.LocationTrails;
import org.openbwc.gateway.fleet.UnitView;
import org.openbwc.protocol.Battery;
import org.openbwc.protocol.Payload;
import org.openbwc.protocol.Storage;
import org.openbwc.protocol.UnitLocation;
import org.openbwc.protocol.UnitState;
import org.openbwc.protocol.UnitStatus;

/**
 * Dispatch ranking benchmark (issue 17): the cost of ranking 10,000 units by distance to an incident, as the gateway
 * does when an incident is placed, against sorting 10,000 doubles measured in the same run. Three measures: the pure
 * ranking ({@link CandidateRanking#rank} with the ETA from each candidate's trail), and the whole candidates step
 * ({@code registry.units()}, which builds every unit's view, then the ranking), with the registry holding 10,000
 * online units, each with a 20-point trail. Run through {@code bench/dispatch}; see {@code bench/README.md}.
 */
public final class DispatchBench {
    int units = 10_000;
    int warmup = 300;
    int runs = 500;
    int limit = 20;
    double targetMs = 50;
    long seed = 17;
    Path report;
    String machine = "?";
    String commit = "?";

    public static void main(String[] args) throws Exception {
        DispatchBench b = new DispatchBench();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--units" -> b.units = Integer.parseInt(args[++i]);
                case "--runs" -> b.runs = Integer.parseInt(args[++i]);
                case "--warmup" -> b.warmup = Integer.parseInt(args[++i]);
                case "--report" -> b.report = Path.of(args[++i]);
                case "--machine" -> b.machine = args[++i];
                case "--commit" -> b.commit = args[++i];
                default -> {
                    System.err.println("bench/dispatch: unknown option " + args[i]);
                    System.exit(2);
                }
            }
        }
        String text = b.run();
        System.out.print(text);
        if (b.report != null) Files.writeString(b.report, text);
    }

    String run() throws Exception {
        SplittableRandom random = new SplittableRandom(seed);
        FleetRegistry registry = new FleetRegistry();
        LocationTrails trails = new LocationTrails(20);
        registry.listen(trails);
        // The registry's update path is package-private (the MQTT ingest feeds it): called reflectively here, so the
        // views and their cost are exactly the gateway's.
        Method applyStatus = FleetRegistry.class.getDeclaredMethod("applyStatus", UnitStatus.class, boolean.class);
        Method applyLocation =
                FleetRegistry.class.getDeclaredMethod("applyLocation", UnitLocation.class, boolean.class);
        applyStatus.setAccessible(true);
        applyLocation.setAccessible(true);
        Instant t0 = Instant.now().minusSeconds(60);
        for (int u = 0; u < units; u++) {
            String id = String.format(Locale.ROOT, "bwc-%05d", u);
            applyStatus.invoke(registry, status(id, u, t0), false);
            // Spread over ~40 km around Berlin; each unit walks or drives for 20 fixes.
            double lat = 52.52 + (random.nextDouble() - 0.5) * 0.36;
            double lon = 13.405 + (random.nextDouble() - 0.5) * 0.6;
            double step = (random.nextBoolean() ? 1.4 : 11.0) / 111_195;
            for (int p = 0; p < 20; p++) {
                applyLocation.invoke(
                        registry,
                        new UnitLocation(
                                Payload.VERSION,
                                id,
                                lat + p * step,
                                lon,
                                5.0,
                                null,
                                null,
                                null,
                                t0.plusSeconds(p * 3L),
                                p + 1),
                        false);
            }
        }
        List<UnitView> views = registry.units();
        CandidateRanking ranking = new CandidateRanking(CandidateRanking.WALKING_MPS, new TrailSpeed(trails));
        double[] doubles = new double[units];
        for (int i = 0; i < units; i++) doubles[i] = random.nextDouble();

        long[] sink = new long[1];
        Supplier<double[]> incident = () ->
                new double[] {52.52 + (random.nextDouble() - 0.5) * 0.3, 13.405 + (random.nextDouble() - 0.5) * 0.5};
        Runnable reference = () -> {
            double[] copy = doubles.clone();
            Arrays.sort(copy);
            sink[0] += Double.doubleToRawLongBits(copy[units / 2]);
        };
        Runnable rank = () -> {
            double[] at = incident.get();
            List<Candidate> c = ranking.rank(views, at[0], at[1], limit);
            sink[0] += c.size();
        };
        Runnable candidates = () -> {
            double[] at = incident.get();
            List<Candidate> c = ranking.rank(registry.units(), at[0], at[1], limit);
            sink[0] += c.size();
        };
        // Interleaved, so the machine's drift touches all three alike.
        long[][] ns = new long[3][runs];
        Runnable[] work = {reference, rank, candidates};
        for (int i = 0; i < warmup; i++) for (Runnable w : work) w.run();
        for (int i = 0; i < runs; i++) {
            for (int k = 0; k < 3; k++) {
                long s = System.nanoTime();
                work[k].run();
                ns[k][i] = System.nanoTime() - s;
            }
        }
        StringBuilder out = new StringBuilder();
        out.append("# bench/dispatch: ranking ").append(units).append(" units\n\n");
        out.append("- machine: ").append(machine).append('\n');
        out.append("- commit: ").append(commit).append('\n');
        out.append("- ")
                .append(runs)
                .append(" timed runs after ")
                .append(warmup)
                .append(" warm-up runs, interleaved; ")
                .append(limit)
                .append(" candidates kept; ")
                .append(views.size())
                .append(" units online with a 20-point trail\n\n");
        out.append("| measure | p50 ms | p95 ms | max ms | p50 / reference |\n|---|---|---|---|---|\n");
        String[] names = {
            "reference: sort " + units + " doubles",
            "CandidateRanking.rank (pure, ETA from trails)",
            "candidates step: registry.units() + rank"
        };
        double refP50 = percentile(ns[0], 50);
        for (int k = 0; k < 3; k++) {
            out.append(String.format(
                    Locale.ROOT,
                    "| %s | %.3f | %.3f | %.3f | %.1fx |%n",
                    names[k],
                    percentile(ns[k], 50) / 1e6,
                    percentile(ns[k], 95) / 1e6,
                    max(ns[k]) / 1e6,
                    percentile(ns[k], 50) / refP50));
        }
        double p95 = percentile(ns[2], 95) / 1e6;
        out.append(String.format(
                Locale.ROOT,
                "%nTarget: ranking %d units in at most %.0f ms: candidates step p95 %.3f ms:" + " %s%n",
                units,
                targetMs,
                p95,
                p95 <= targetMs ? "met" : "MISSED"));
        out.append("(checksum ").append(sink[0]).append(")\n");
        return out.toString();
    }

    static UnitStatus status(String id, int u, Instant at) {
        return new UnitStatus(
                Payload.VERSION,
                id,
                u % 7 == 0 ? UnitState.RECORDING : UnitState.BUFFERING,
                true,
                u % 50 == 0,
                false,
                "o-" + u,
                new Battery(20 + u % 80, false, false),
                new Storage(10, 100),
                u % 7 == 0 ? id + "-rec" : null,
                null,
                false,
                true,
                "1.0.0",
                1,
                at);
    }

    static double percentile(long[] values, double p) {
        long[] s = values.clone();
        Arrays.sort(s);
        int i = (int) Math.min(s.length - 1, Math.max(0, Math.ceil(p / 100 * s.length) - 1));
        return s[i];
    }

    static long max(long[] values) {
        long m = Long.MIN_VALUE;
        for (long v : values) m = Math.max(m, v);
        return m;
    }
}
