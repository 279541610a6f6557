package org.openbwc.bench.soak;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Soak benchmark: {@code bwc demo} (embedded broker, gateway and simulated units in one JVM, started from the copied
 * app) with every unit recording on and off for an hour, sampling the process's RSS, open fds, threads, CPU, data
 * folder and heap after a full collection, and reporting their growth after the warm-up against the target. Run through
 * {@code bench/soak}; see {@code bench/README.md}.
 *
 * <p>This class holds the options and the run; {@link Demo} starts and stops the demo, {@link UnitCycler} and {@link
 * LiveViews} drive it, {@link ProcSample} and {@link Jcmd} measure it, {@link Snapshots} records what to compare when
 * something grows, and {@link SoakReport} writes the CSV and the report.
 */
public final class SoakBench {

    // ---- options ---------------------------------------------------------------------------------------------------
    double minutes = 60, warmupMinutes = 10, targetPercent = 5;
    int intervalSeconds = 10,
            units = 3,
            onSeconds = 120,
            offSeconds = 60,
            staggerSeconds = -1,
            heapEverySeconds = 60,
            liveEverySeconds = 300,
            liveSeconds = 20,
            verifyMax = 0;
    boolean nmt;
    Path work, app, report;
    String java = "java", jcmd = "jcmd", machine = "?", appInfo = "?", demoJvm = "", demoEnv = "";
    long clkTck = 100;

    // ---- run state -------------------------------------------------------------------------------------------------
    Demo demo;
    /** Seconds into the run at which the demo was found gone without the bench stopping it; NaN while it ran. */
    double endedEarlyAt = Double.NaN;

    private UnitCycler cycler;
    private LiveViews live;

    public static void main(String[] args) throws Exception {
        SoakBench b = new SoakBench();
        b.parse(args);
        Runtime.getRuntime().addShutdownHook(new Thread(b::cleanup, "soak-bench-cleanup"));
        int rc;
        try {
            rc = b.run();
        } catch (Exception e) {
            System.err.println("bench/soak: " + e);
            e.printStackTrace();
            rc = 3;
        }
        b.cleanup();
        System.exit(rc);
    }

    void parse(String[] a) {
        for (int i = 0; i < a.length; i += 2) {
            String k = a[i];
            if (i + 1 >= a.length) throw new IllegalArgumentException(k + " needs a value");
            String v = a[i + 1];
            switch (k) {
                case "--minutes" -> minutes = Double.parseDouble(v);
                case "--warmup-minutes" -> warmupMinutes = Double.parseDouble(v);
                case "--target" -> targetPercent = Double.parseDouble(v);
                case "--interval" -> intervalSeconds = Integer.parseInt(v);
                case "--units" -> units = Integer.parseInt(v);
                case "--on" -> onSeconds = Integer.parseInt(v);
                case "--off" -> offSeconds = Integer.parseInt(v);
                case "--stagger" -> staggerSeconds = Integer.parseInt(v);
                case "--heap-every" -> heapEverySeconds = Integer.parseInt(v);
                case "--live-every" -> liveEverySeconds = Integer.parseInt(v);
                case "--live-seconds" -> liveSeconds = Integer.parseInt(v);
                case "--verify-max" -> verifyMax = Integer.parseInt(v);
                case "--nmt" -> nmt = !v.equals("0");
                case "--work" -> work = Path.of(v);
                case "--app" -> app = Path.of(v);
                case "--report" -> report = Path.of(v);
                case "--java" -> java = v;
                case "--jcmd" -> jcmd = v;
                case "--machine" -> machine = v;
                case "--app-info" -> appInfo = v;
                case "--demo-jvm" -> demoJvm = v;
                case "--demo-env" -> demoEnv = v;
                case "--clk-tck" -> clkTck = Long.parseLong(v);
                default -> throw new IllegalArgumentException("unknown option " + k);
            }
        }
        if (minutes <= 0 || warmupMinutes < 0 || warmupMinutes >= minutes)
            throw new IllegalArgumentException("need 0 <= --warmup-minutes < --minutes");
        if (intervalSeconds < 1) throw new IllegalArgumentException("--interval must be at least 1 s");
        if (units < 1 || units > 50) throw new IllegalArgumentException("--units must be 1..50");
        if (onSeconds < 15 || offSeconds < 15)
            throw new IllegalArgumentException("--on and --off must be at least 15 s (stop gesture, post-event)");
        if (staggerSeconds < 0) staggerSeconds = (onSeconds + offSeconds) / units;
        if (work == null || app == null || report == null)
            throw new IllegalArgumentException("--work, --app and --report are required (bench/soak passes them)");
    }

    int cycleSeconds() {
        return onSeconds + offSeconds;
    }

    // =================================================================================================================
    int run() throws Exception {
        Files.createDirectories(work);
        String startedAt = Instant.now().toString();
        demo = Demo.start(this);
        say(
                "demo pid %d up: %d units online; monitoring room %s, virtual units %s; data %s",
                demo.pid(), units, demo.base(), demo.simBase(), demo.dataDir());
        say(
                "soak: %s min (warm-up %s min), a sample every %d s; each unit records %d s on, %d s off, %d s"
                        + " apart; heap after a full GC every %s; a live view every %s",
                fmt(minutes),
                fmt(warmupMinutes),
                intervalSeconds,
                onSeconds,
                offSeconds,
                staggerSeconds,
                heapEverySeconds > 0 ? heapEverySeconds + " s" : "(off)",
                liveEverySeconds > 0 ? liveEverySeconds + " s for " + liveSeconds + " s" : "(off)");

        long t0 = System.nanoTime();
        cycler = new UnitCycler(this, demo, t0);
        cycler.start();
        if (liveEverySeconds > 0) {
            live = new LiveViews(this, demo, t0);
            live.start();
        }

        Snapshots snapshots = new Snapshots(this, demo);
        List<ProcSample> samples = new ArrayList<>();
        Path csv = work.resolve("samples.csv");
        long warmupNanos = (long) (warmupMinutes * 60e9), endNanos = (long) (minutes * 60e9);
        long nextHeapNanos = 0;
        boolean warmupTaken = false;
        ProcSample previous = null;
        try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(
                csv, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING))) {
            out.println(ProcSample.CSV_HEADER);
            for (long k = 0; ; k++) {
                long due = t0 + k * intervalSeconds * 1_000_000_000L;
                if (due - t0 > endNanos) break;
                sleepUntil(due);
                if (!demo.isAlive()) {
                    endedEarlyAt = (System.nanoTime() - t0) / 1e9;
                    say(
                            "the demo exited (%s) at %s without the bench stopping it; see %s",
                            demo.exitValue(), clock(System.nanoTime() - t0), demo.log());
                    break;
                }
                Jcmd.Heap heap = null;
                if (heapEverySeconds > 0 && due - t0 >= nextHeapNanos) {
                    heap = Jcmd.heapAfterGc(this, demo.pid());
                    nextHeapNanos = due - t0 + heapEverySeconds * 1_000_000_000L;
                }
                ProcSample s = ProcSample.take(this, demo, t0, previous, heap, cycler);
                samples.add(s);
                out.println(s.csv());
                out.flush();
                previous = s;
                if (!warmupTaken && due - t0 >= warmupNanos) {
                    warmupTaken = true;
                    snapshots.take("warmup", s.t());
                }
                if (k % Math.max(1, 60 / intervalSeconds) == 0
                        || due - t0 + intervalSeconds * 1_000_000_000L > endNanos) say("%s", s.progressLine());
            }
        }
        if (demo.isAlive()) snapshots.take("end", (System.nanoTime() - t0) / 1e9);

        // ---- wind down: no new recordings, close the open ones, then stop the demo as Ctrl-C would ----------------
        if (live != null) live.stop();
        UnitCycler.Counts counts = cycler.stopAndClose();
        say("recordings: %s", counts);
        Demo.Exit exit = demo.stop();
        say("demo stopped: %s", exit);
        Demo.LogScan logScan = demo.scanLog();
        say(
                "demo log: %d ERROR lines, %d WARN lines, %d stack-trace lines",
                logScan.errors().size(), logScan.warnCount(), logScan.stackLines());
        Evidence.Result evidence = Evidence.verifyAll(this, demo);
        say("evidence: %s", evidence.oneLine());

        String endedAt = Instant.now().toString();
        String md = new SoakReport(this)
                .report(
                        startedAt,
                        endedAt,
                        samples,
                        counts,
                        live == null ? null : live.summary(),
                        exit,
                        logScan,
                        evidence,
                        snapshots);
        Files.writeString(report, md);
        System.out.println();
        System.out.println(md);
        return 0;
    }

    // =================================================================================================================
    // processes

    void writePids() {
        try {
            List<String> pids = new ArrayList<>();
            ProcessHandle.current().descendants().forEach(h -> pids.add(Long.toString(h.pid())));
            Files.write(work.resolve("pids"), pids);
        } catch (IOException ignored) {
        }
    }

    void cleanup() {
        synchronized (this) {
            if (cycler != null) cycler.interrupt();
            if (live != null) live.stop();
            if (demo != null && demo.isAlive()) demo.stop();
            ProcessHandle.current().descendants().forEach(ProcessHandle::destroy);
        }
    }

    // =================================================================================================================
    // helpers

    static void sleepUntil(long nanoTime) {
        long ms = (nanoTime - System.nanoTime()) / 1_000_000;
        if (ms > 0) sleep(ms);
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        }
    }

    static String clock(long nanos) {
        long s = Math.round(nanos / 1e9);
        return String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }

    static String fmt(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }

    synchronized void say(String f, Object... a) {
        String s = String.format(Locale.ROOT, f, a);
        System.out.println(s);
        System.out.flush();
    }
}
