package org.openbwc.bench.soak;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What to compare when something grows, taken at the end of the warm-up and at the end of the run: the class
 * histogram (after a full collection), the thread dump, the open fds' targets, {@code smaps_rollup}, and with
 * {@code --nmt 1} the JVM's native memory against a baseline. Saved in the run folder; the report shows their
 * differences.
 */
final class Snapshots {
    private final SoakBench bench;
    private final Demo demo;
    private final Map<String, Snapshot> taken = new LinkedHashMap<>();

    /** One snapshot's parsed contents: bytes and instances per class, threads per name, fds per kind of target. */
    record Snapshot(double t, Map<String, long[]> classes, Map<String, Integer> threads, Map<String, Integer> fds) {}

    Snapshots(SoakBench bench, Demo demo) {
        this.bench = bench;
        this.demo = demo;
    }

    void take(String label, double t) {
        long pid = demo.pid();
        Path w = bench.work;
        String histogram = Jcmd.run(bench, pid, "GC.class_histogram");
        String threadDump = Jcmd.run(bench, pid, "Thread.print");
        List<String> fdTargets = fdTargets(pid);
        try {
            if (histogram != null) Files.writeString(w.resolve("histogram-" + label + ".txt"), histogram);
            if (threadDump != null) Files.writeString(w.resolve("threads-" + label + ".txt"), threadDump);
            Files.write(w.resolve("fds-" + label + ".txt"), fdTargets);
            Path rollup = Path.of("/proc/" + pid + "/smaps_rollup");
            if (Files.isReadable(rollup))
                Files.writeString(w.resolve("smaps_rollup-" + label + ".txt"), Files.readString(rollup));
            if (bench.nmt) {
                String nmt = Jcmd.run(bench, pid, "VM.native_memory", "summary");
                if (nmt != null) Files.writeString(w.resolve("nmt-" + label + ".txt"), nmt);
                if (taken.isEmpty()) Jcmd.run(bench, pid, "VM.native_memory", "baseline");
                else {
                    String diff = Jcmd.run(bench, pid, "VM.native_memory", "summary.diff");
                    if (diff != null) Files.writeString(w.resolve("nmt-diff-" + label + ".txt"), diff);
                }
            }
        } catch (IOException e) {
            bench.say("snapshot %s: %s", label, e);
        }
        taken.put(
                label,
                new Snapshot(
                        t,
                        classes(histogram == null ? "" : histogram),
                        countBy(threadNames(threadDump == null ? "" : threadDump)),
                        countBy(fdKinds(fdTargets))));
        bench.say(
                "snapshot '%s' at %s: histogram, threads, fds saved in %s",
                label, SoakBench.clock((long) (t * 1e9)), w);
    }

    Snapshot get(String label) {
        return taken.get(label);
    }

    // ---- differences ----------------------------------------------------------------------------------------------

    /** The classes whose live bytes grew most from {@code a} to {@code b}: name, bytes and instances before and after. */
    static List<String[]> classGrowth(Snapshot a, Snapshot b, int top) {
        List<String[]> rows = new ArrayList<>();
        TreeSet<String> all = new TreeSet<>(a.classes().keySet());
        all.addAll(b.classes().keySet());
        all.stream()
                .sorted(Comparator.comparingLong((String c) -> -(get(b.classes(), c)[1] - get(a.classes(), c)[1])))
                .limit(top)
                .forEach(c -> {
                    long[] x = get(a.classes(), c), y = get(b.classes(), c);
                    rows.add(new String[] {
                        c,
                        Long.toString(x[0]),
                        Long.toString(y[0]),
                        String.format(Locale.ROOT, "%+.1f", (y[1] - x[1]) / 1024.0),
                        String.format(Locale.ROOT, "%.1f", y[1] / 1024.0)
                    });
                });
        return rows;
    }

    static long totalBytes(Snapshot s) {
        return s.classes().values().stream().mapToLong(v -> v[1]).sum();
    }

    /** Keys whose counts differ between {@code a} and {@code b}: "key: before -> after". */
    static List<String> countChanges(Map<String, Integer> a, Map<String, Integer> b) {
        List<String> out = new ArrayList<>();
        TreeSet<String> keys = new TreeSet<>(a.keySet());
        keys.addAll(b.keySet());
        for (String k : keys) {
            int x = a.getOrDefault(k, 0), y = b.getOrDefault(k, 0);
            if (x != y) out.add(k + ": " + x + " -> " + y);
        }
        return out;
    }

    private static long[] get(Map<String, long[]> m, String k) {
        return m.getOrDefault(k, new long[] {0, 0});
    }

    // ---- parsing --------------------------------------------------------------------------------------------------

    /** " 12:  3456  78901  java.lang.String (java.base@25)": instances and bytes per class. */
    private static final Pattern HISTOGRAM_LINE = Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+)");

    static Map<String, long[]> classes(String histogram) {
        Map<String, long[]> m = new TreeMap<>();
        for (String line : histogram.lines().toList()) {
            Matcher x = HISTOGRAM_LINE.matcher(line);
            if (x.find()) m.put(x.group(3), new long[] {Long.parseLong(x.group(1)), Long.parseLong(x.group(2))});
        }
        return m;
    }

    /** The names of the threads in a {@code Thread.print} dump, numbers replaced by N. */
    static List<String> threadNames(String dump) {
        List<String> names = new ArrayList<>();
        Matcher m = Pattern.compile("(?m)^\"(.*?)\" (#\\d+|os_prio)").matcher(dump);
        while (m.find()) names.add(m.group(1).replaceAll("\\d+", "N"));
        return names;
    }

    static List<String> fdTargets(long pid) {
        List<String> out = new ArrayList<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc/" + pid + "/fd"))) {
            for (Path fd : fds.toList()) {
                try {
                    out.add(fd.getFileName() + " -> " + Files.readSymbolicLink(fd));
                } catch (IOException closedMeanwhile) {
                    // gone since the listing
                }
            }
        } catch (IOException e) {
            out.add("cannot list: " + e);
        }
        return out;
    }

    /** An fd's target with numbers replaced by N: "socket:[N]", ".../pre-event/gop-N.mNs", "anon_inode:[eventfd]". */
    static List<String> fdKinds(List<String> targets) {
        List<String> kinds = new ArrayList<>();
        for (String t : targets) {
            int arrow = t.indexOf(" -> ");
            if (arrow >= 0) kinds.add(t.substring(arrow + 4).replaceAll("\\d+", "N"));
        }
        return kinds;
    }

    static Map<String, Integer> countBy(List<String> keys) {
        Map<String, Integer> m = new TreeMap<>();
        for (String k : keys) m.merge(k, 1, Integer::sum);
        return m;
    }
}
