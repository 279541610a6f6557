package org.openbwc.bench.soak;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The soak's report: the figures at the end of the warm-up and at the end, their growth (point to point, and between
 * the means of the first and the last recording cycle after the warm-up, which the verdict uses since a unit's
 * recording state moves the figures within a cycle), the slope after the warm-up, a time line, and what the demo, its
 * recordings and the snapshots showed.
 */
final class SoakReport {
    private final SoakBench b;

    SoakReport(SoakBench b) {
        this.b = b;
    }

    /** One figure over the run. */
    private record Figure(String name, String unit, double scale, ToDoubleFunction<ProcSample> value, boolean judged) {}

    private static final double MIB = 1024.0;

    String report(
            String startedAt,
            String endedAt,
            List<ProcSample> samples,
            UnitCycler.Counts counts,
            LiveViews.Summary live,
            Demo.Exit exit,
            Demo.LogScan log,
            Evidence.Result evidence,
            Snapshots snapshots) {
        StringBuilder r = new StringBuilder();
        r.append("# Soak benchmark: `bwc demo`, ").append(b.units).append(" units recording on and off\n\n");
        r.append("- Run: ").append(startedAt).append(" to ").append(endedAt).append('\n');
        r.append("- Machine: ").append(b.machine).append('\n');
        r.append("- App: ").append(b.appInfo).append('\n');
        r.append("- Demo: `demo-command.txt` in the run folder (the JVM options and malloc settings of `./bwc demo`,"
                        + " from `./bwc jvm-options demo`")
                .append(b.nmt ? ", plus -XX:NativeMemoryTracking=summary" : "")
                .append(")\n");
        r.append(String.format(
                Locale.ROOT,
                "- Load: each unit records %d s, pauses %d s (a double press starts, a hold and a press stop, then"
                        + " the 10 s post-event tail), unit i starting 5 + i × %d s after the units came online; %s\n",
                b.onSeconds,
                b.offSeconds,
                b.staggerSeconds,
                b.liveEverySeconds > 0
                        ? "a live view of " + b.liveSeconds + " s every " + b.liveEverySeconds + " s, units in turn"
                        : "no live views"));
        r.append(String.format(
                Locale.ROOT,
                "- Measured: %s min after the units came online, warm-up %s min; a sample every %d s; %s\n",
                SoakBench.fmt(b.minutes),
                SoakBench.fmt(b.warmupMinutes),
                b.intervalSeconds,
                b.heapEverySeconds > 0
                        ? "heap used after a full collection (jcmd GC.run, GC.heap_info) every " + b.heapEverySeconds
                                + " s"
                        : "no heap probes"));
        r.append("- Run folder: ").append(b.work).append(" (samples.csv, demo.log, snapshots)\n\n");

        if (samples.isEmpty()) {
            r.append("**No samples: the demo ended before the first one.**\n");
            return r.toString();
        }
        double w = b.warmupMinutes * 60;
        ProcSample last = samples.get(samples.size() - 1);
        ProcSample atWarmup =
                samples.stream().filter(s -> s.t() >= w).findFirst().orElse(last);
        double end = last.t();
        double window = Math.min(b.cycleSeconds(), Math.max(b.intervalSeconds, (end - w) / 2));
        List<ProcSample> first =
                samples.stream().filter(s -> s.t() >= w && s.t() < w + window).toList();
        List<ProcSample> lastWindow =
                samples.stream().filter(s -> s.t() > end - window).toList();
        List<ProcSample> after = samples.stream().filter(s -> s.t() >= w).toList();
        List<ProcSample> heapSamples =
                samples.stream().filter(s -> s.heapUsedKib() >= 0).toList();

        List<Figure> figures = List.of(
                new Figure("RSS (VmRSS)", "MiB", MIB, ProcSample::rssKib, true),
                new Figure("open fds", "", 1, ProcSample::fds, true),
                new Figure("threads", "", 1, ProcSample::threads, true),
                new Figure("RSS anonymous (RssAnon)", "MiB", MIB, ProcSample::anonKib, false),
                new Figure("RSS file-backed (RssFile)", "MiB", MIB, ProcSample::fileKib, false));

        r.append(String.format(
                Locale.ROOT,
                "## Growth after minute %s (target: at most %s %%)\n\n",
                SoakBench.fmt(b.warmupMinutes),
                SoakBench.fmt(b.targetPercent)));
        r.append(String.format(
                Locale.ROOT,
                "| figure | at %s | at %s (end) | growth | mean %s-%s | mean %s-%s | growth of the means | slope"
                        + " after the warm-up, per hour |\n",
                SoakBench.clock((long) (atWarmup.t() * 1e9)),
                SoakBench.clock((long) (end * 1e9)),
                SoakBench.clock((long) (w * 1e9)),
                SoakBench.clock((long) ((w + window) * 1e9)),
                SoakBench.clock((long) ((end - window) * 1e9)),
                SoakBench.clock((long) (end * 1e9))));
        r.append("|---|---:|---:|---:|---:|---:|---:|---:|\n");
        List<String> over = new ArrayList<>(), growths = new ArrayList<>();
        for (Figure f : figures) {
            double a = f.value().applyAsDouble(atWarmup) / f.scale(),
                    z = f.value().applyAsDouble(last) / f.scale();
            double ma = mean(first, f.value()) / f.scale(), mz = mean(lastWindow, f.value()) / f.scale();
            double growth = pct(ma, mz);
            r.append(String.format(
                    Locale.ROOT,
                    "| %s%s | %s | %s | %s | %s | %s | **%s** | %s%s |\n",
                    f.name(),
                    f.unit().isEmpty() ? "" : ", " + f.unit(),
                    num(a),
                    num(z),
                    pctText(pct(a, z)),
                    num(ma),
                    num(mz),
                    pctText(growth),
                    signed(slopePerHour(after, f.value()) / f.scale()),
                    f.unit().isEmpty() ? "" : " " + f.unit()));
            if (f.judged()) {
                growths.add(f.name().replaceAll(" \\(.*", "") + " " + pctText(growth));
                if (!(growth <= b.targetPercent)) over.add(f.name());
            }
        }
        if (!heapSamples.isEmpty()) {
            ProcSample ha = heapSamples.stream()
                    .filter(s -> s.t() >= w)
                    .findFirst()
                    .orElse(heapSamples.get(heapSamples.size() - 1));
            ProcSample hz = heapSamples.get(heapSamples.size() - 1);
            List<ProcSample> heapAfter =
                    heapSamples.stream().filter(s -> s.t() >= w).toList();
            r.append(String.format(
                    Locale.ROOT,
                    "| heap used after a full GC, MiB (at %s and %s) | %s | %s | %s | | | | %s MiB |\n",
                    SoakBench.clock((long) (ha.t() * 1e9)),
                    SoakBench.clock((long) (hz.t() * 1e9)),
                    num(ha.heapUsedKib() / MIB),
                    num(hz.heapUsedKib() / MIB),
                    pctText(pct(ha.heapUsedKib(), hz.heapUsedKib())),
                    signed(slopePerHour(heapAfter, ProcSample::heapUsedKib) / MIB)));
            r.append(String.format(
                    Locale.ROOT,
                    "| heap committed after that GC, MiB | %s | %s | %s | | | | |\n",
                    num(ha.heapCommittedKib() / MIB),
                    num(hz.heapCommittedKib() / MIB),
                    pctText(pct(ha.heapCommittedKib(), hz.heapCommittedKib()))));
        }
        r.append(String.format(
                Locale.ROOT,
                "| data folder, MB | %s | %s | | | | | %s MB |\n",
                num(atWarmup.dataBytes() / 1e6),
                num(last.dataBytes() / 1e6),
                signed(slopePerHour(after, ProcSample::dataBytes) / 1e6)));
        double cores = last.t() > atWarmup.t()
                ? (last.cpuSeconds() - atWarmup.cpuSeconds()) / (last.t() - atWarmup.t())
                : Double.NaN;
        double machine = after.stream()
                .mapToDouble(ProcSample::machineCores)
                .filter(d -> !Double.isNaN(d))
                .average()
                .orElse(Double.NaN);
        r.append(String.format(
                Locale.ROOT,
                "\nPeak RSS (VmHWM) at the end: %s MiB. CPU after the warm-up: %s cores (the whole machine: %s of %d"
                        + " cores busy).\n\n",
                num(last.hwmKib() / MIB),
                num2(cores),
                num2(machine),
                Runtime.getRuntime().availableProcessors()));

        String verdict = !Double.isNaN(b.endedEarlyAt)
                ? "INCOMPLETE: the demo exited (" + exit + ") at " + SoakBench.clock((long) (b.endedEarlyAt * 1e9))
                        + " of " + SoakBench.fmt(b.minutes) + " min without the bench stopping it; no verdict (its last"
                        + " samples may be of its shutdown). Up to then: " + String.join(", ", growths)
                : over.isEmpty()
                        ? "PASS: growth after minute " + SoakBench.fmt(b.warmupMinutes)
                                + " (means of the first and the last "
                                + SoakBench.clock((long) (window * 1e9)) + "): " + String.join(", ", growths)
                                + " (target: at"
                                + " most " + SoakBench.fmt(b.targetPercent) + " %)"
                        : "FAIL: " + String.join(", ", over) + " grew more than " + SoakBench.fmt(b.targetPercent)
                                + " % after minute " + SoakBench.fmt(b.warmupMinutes) + ": "
                                + String.join(", ", growths);
        r.append("**").append(verdict).append("**\n\n");

        // ---- time line --------------------------------------------------------------------------------------------
        int step = b.minutes >= 30 ? 300 : 60;
        r.append("## Time line (the sample nearest each ")
                .append(step / 60)
                .append(step == 60 ? " minute" : " minutes")
                .append(")\n\n");
        r.append("| time | RSS MiB | anon MiB | peak MiB | fds | threads | heap after GC MiB | CPU s | data MB |"
                + " recordings started | recording |\n");
        r.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (double mark = 0; mark <= end + b.intervalSeconds / 2.0; mark += step) {
            double m = mark;
            ProcSample s = samples.stream()
                    .min((x, y) -> Double.compare(Math.abs(x.t() - m), Math.abs(y.t() - m)))
                    .orElseThrow();
            ProcSample h = heapSamples.stream()
                    .filter(x -> x.t() <= m + b.intervalSeconds / 2.0)
                    .reduce((x, y) -> y)
                    .orElse(null);
            r.append(String.format(
                    Locale.ROOT,
                    "| %s | %.1f | %.1f | %.1f | %d | %d | %s | %.0f | %.0f | %d | %d |\n",
                    SoakBench.clock((long) (s.t() * 1e9)),
                    s.rssKib() / MIB,
                    s.anonKib() / MIB,
                    s.hwmKib() / MIB,
                    s.fds(),
                    s.threads(),
                    h == null ? "" : String.format(Locale.ROOT, "%.1f", h.heapUsedKib() / MIB),
                    s.cpuSeconds(),
                    s.dataBytes() / 1e6,
                    s.recordingsStarted(),
                    s.unitsRecording()));
        }

        // ---- the demo's health ------------------------------------------------------------------------------------
        r.append("\n## Recordings and the demo's health\n\n");
        r.append("- Recordings by the buttons: ").append(counts).append('\n');
        for (String p : counts.problems()) r.append("  - ").append(p).append('\n');
        if (live != null) r.append("- Live views: ").append(live).append('\n');
        r.append("- Stop: SIGTERM, ")
                .append(exit)
                .append(exit.clean() ? " (clean)" : " (NOT clean)")
                .append('\n');
        r.append("- Evidence: ").append(evidence.oneLine()).append('\n');
        for (String f : evidence.failures()) r.append("  - ").append(f).append('\n');
        r.append(String.format(
                Locale.ROOT,
                "- Demo log: %d ERROR lines, %d WARN lines, %d stack-trace lines\n",
                log.errors().size(),
                log.warnCount(),
                log.stackLines()));
        log.errors().stream().limit(15).forEach(e -> r.append("  - `").append(e).append("`\n"));
        if (log.errors().size() > 15)
            r.append("  - ... ").append(log.errors().size() - 15).append(" more in demo.log\n");
        if (!log.warnKinds().isEmpty()) {
            r.append("  - WARN messages by kind (numbers as N):\n");
            log.warnKinds().entrySet().stream()
                    .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
                    .limit(10)
                    .forEach(e -> r.append("    - ")
                            .append(e.getValue())
                            .append(" × `")
                            .append(e.getKey())
                            .append("`\n"));
        }
        if (!log.stackHeads().isEmpty()) {
            r.append("  - exceptions in stack traces:\n");
            log.stackHeads().stream()
                    .limit(10)
                    .forEach(h -> r.append("    - `").append(h).append("`\n"));
        }

        // ---- snapshots --------------------------------------------------------------------------------------------
        Snapshots.Snapshot a = snapshots.get("warmup"), z = snapshots.get("end");
        if (a != null && z != null) {
            r.append(String.format(
                    Locale.ROOT,
                    "\n## What changed from %s to %s (snapshots in the run folder)\n\n",
                    SoakBench.clock((long) (a.t() * 1e9)),
                    SoakBench.clock((long) (z.t() * 1e9))));
            r.append(String.format(
                    Locale.ROOT,
                    "Live heap by the class histogram (after a full GC): %.1f -> %.1f MiB. Classes whose live bytes"
                            + " grew most:\n\n",
                    Snapshots.totalBytes(a) / MIB / MIB,
                    Snapshots.totalBytes(z) / MIB / MIB));
            r.append("| class | instances before | after | KiB grown | KiB after |\n|---|---:|---:|---:|---:|\n");
            for (String[] row : Snapshots.classGrowth(a, z, 10))
                r.append("| `")
                        .append(row[0])
                        .append("` | ")
                        .append(String.join(" | ", List.of(row).subList(1, row.length)))
                        .append(" |\n");
            List<String> threads = Snapshots.countChanges(a.threads(), z.threads());
            r.append("\nThreads by name (numbers as N) whose count changed: ")
                    .append(threads.isEmpty() ? "none" : String.join("; ", threads))
                    .append('\n');
            List<String> fds = Snapshots.countChanges(a.fds(), z.fds());
            r.append("\nOpen fds by target (numbers as N) whose count changed: ")
                    .append(fds.isEmpty() ? "none" : String.join("; ", fds))
                    .append('\n');
        }
        return r.toString();
    }

    // ---- arithmetic ---------------------------------------------------------------------------------------------

    static double mean(List<ProcSample> s, ToDoubleFunction<ProcSample> f) {
        return s.stream().mapToDouble(f).average().orElse(Double.NaN);
    }

    static double pct(double a, double z) {
        return a > 0 ? (z - a) / a * 100 : Double.NaN;
    }

    /** Least-squares slope of the figure against time, per hour. */
    static double slopePerHour(List<ProcSample> s, ToDoubleFunction<ProcSample> f) {
        if (s.size() < 2) return Double.NaN;
        double mt = s.stream().mapToDouble(ProcSample::t).average().orElseThrow(), mv = mean(s, f);
        double num = 0, den = 0;
        for (ProcSample x : s) {
            num += (x.t() - mt) * (f.applyAsDouble(x) - mv);
            den += (x.t() - mt) * (x.t() - mt);
        }
        return den == 0 ? Double.NaN : num / den * 3600;
    }

    static String pctText(double p) {
        return Double.isNaN(p) ? "n/a" : String.format(Locale.ROOT, "%+.1f %%", p);
    }

    static String num(double v) {
        if (Double.isNaN(v)) return "n/a";
        return v == Math.rint(v) ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.1f", v);
    }

    static String num2(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.2f", v);
    }

    static String signed(double v) {
        if (Double.isNaN(v)) return "n/a";
        return String.format(Locale.ROOT, Math.abs(v) >= 100 ? "%+.0f" : "%+.1f", v);
    }
}
