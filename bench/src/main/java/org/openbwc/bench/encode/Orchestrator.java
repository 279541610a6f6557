package org.openbwc.bench.encode;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The {@code run} mode: runs every measured process as a child, one at a time, measures it from outside through /proc
 * and prints the report ({@link ChildRuns}: the pipeline and full-path children, {@link CliRuns}: the ffmpeg CLI
 * references, {@link UnitRuns}: the unit process, {@link Report}: the tables).
 */
final class Orchestrator {
    final Map<String, String> opt;
    final long clkTck;
    final Path work;
    final Path logs;
    final PrintWriter report;
    final String javaBin;
    final String classes;
    final String xmx;
    final int warmup;
    private final ChildRuns childRuns = new ChildRuns(this);
    private final CliRuns cliRuns = new CliRuns(this);
    private final UnitRuns unitRuns = new UnitRuns(this);

    Orchestrator(Map<String, String> opt) throws IOException {
        this.opt = opt;
        this.clkTck = Long.parseLong(opt.getOrDefault("clk-tck", "100"));
        this.work = Path.of(opt.get("work"));
        this.logs = work.resolve("logs");
        Files.createDirectories(logs);
        this.javaBin = opt.get("java");
        this.classes = opt.get("classes");
        // empty: the heap settings of ./bwc device (from --unit-jvm) alone
        this.xmx = opt.getOrDefault("xmx", "");
        this.warmup = Integer.parseInt(opt.getOrDefault("warmup", "10"));
        Writer file = Files.newBufferedWriter(Path.of(opt.get("report")), StandardCharsets.UTF_8);
        this.report = new PrintWriter(file, true);
    }

    static void main(String[] args) throws Exception {
        Map<String, String> opt = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i += 2) opt.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        new Orchestrator(opt).run();
    }

    /** Prints to the console and to the report file. */
    void say(String format, Object... args) {
        String s = args.length == 0 ? format : String.format(Locale.ROOT, format, args);
        System.out.println(s);
        System.out.flush();
        report.println(s);
    }

    record Case(String name, int w, int h, int fps, String encoder) {}

    record Row(Case c, Measured pipeline, Measured cli) {}

    void run() throws Exception {
        int seconds = Integer.parseInt(opt.get("seconds"));
        int fullSeconds = Integer.parseInt(opt.get("full-seconds"));
        int kbps = Integer.parseInt(opt.get("bitrate"));
        int preSeconds = Integer.parseInt(opt.getOrDefault("pre-event", "30"));
        String only = opt.getOrDefault("only", "all");
        int repeat = Integer.parseInt(opt.getOrDefault("repeat", "1"));
        Map<String, String[]> cli = new LinkedHashMap<>();
        say(
                "# encode benchmark, %s",
                DateTimeFormatter.ISO_INSTANT.format(Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS)));
        say("# machine: %s", opt.getOrDefault("machine", "?"));
        say(
                "# device JVM: %s %s%s --enable-native-access=ALL-UNNAMED (java %s); environment: %s (both from ./bwc jvm-options)",
                javaBin,
                String.join(" ", unitJvm()),
                xmx.isEmpty() ? "" : " -Xmx" + xmx,
                System.getProperty("java.version"),
                String.join(
                        " ",
                        unitEnv().entrySet().stream()
                                .map(e -> e.getKey() + "=" + e.getValue())
                                .toList()));
        say(
                "# settings: lavfi testsrc2, %d kb/s, GOP 1 s, no B-frames, fMP4 200 ms fragments (the unit process: 100 ms); %d s warm-up (not measured), %d s window per run; "
                        + "full-path row %d s window",
                kbps, warmup, seconds, fullSeconds);
        for (String flavor : List.of("lgpl", "gpl")) {
            Map<String, String> found = locate(flavor);
            cli.put(flavor, new String[] {found.get("FFMPEG"), found.get("LIBDIR")});
            say(
                    "# natives %-4s: %s (%s); x264=%s openh264=%s",
                    flavor, found.get("FFMPEG"), found.get("VERSION"), found.get("X264"), found.get("OPENH264"));
        }
        say(
                "# load average before: %s",
                Files.readString(Path.of("/proc/loadavg")).trim());
        if (only.equals("powercut")) {
            new PowerCutRuns(this).run(Integer.parseInt(opt.getOrDefault("kills", "20")));
            report.close();
            return;
        }
        if (only.equals("encryption") || only.equals("cipher")) {
            new EncryptionRuns(this, childRuns).run(kbps, preSeconds, fullSeconds, only.equals("cipher") ? 0 : repeat);
            report.close();
            return;
        }

        List<Case> cases = List.of(
                new Case("720p30 openh264", 1280, 720, 30, "openh264"),
                new Case("720p30 x264 veryfast", 1280, 720, 30, "x264"),
                new Case("1080p30 openh264", 1920, 1080, 30, "openh264"),
                new Case("1080p30 x264 veryfast", 1920, 1080, 30, "x264"));
        List<Row> rows = new ArrayList<>();
        if (!only.equals("full")) {
            for (Case c : cases) {
                if (!only.equals("all") && !c.name().contains(only)) continue;
                // openh264 is in both natives; the LGPL ones are what units ship with by default
                String flavor = c.encoder().equals("x264") ? "gpl" : "lgpl";
                say("");
                say("## %s (%s natives)", c.name(), flavor);
                List<Measured> ps = new ArrayList<>();
                List<Measured> fs = new ArrayList<>();
                for (int r = 1; r <= repeat; r++) {
                    if (repeat > 1) say("   (repeat %d of %d)", r, repeat);
                    ps.add(childRuns.measurePipeline(c, flavor, kbps, seconds));
                    fs.add(cliRuns.measureCli(c, cli.get(flavor), kbps, seconds));
                }
                rows.add(new Row(c, median(ps), median(fs)));
            }
        }
        Measured full = null;
        Measured fullCli = null;
        Map<String, String> sealed = Map.of();
        if (only.equals("all") || only.equals("full")) {
            say("");
            say(
                    "## full device path: 1080p30 x264 veryfast, overlay on, audio on, pre-event %d s, evidence writer (gpl natives)",
                    preSeconds);
            Case c = new Case("1080p30 x264 full path", 1920, 1080, 30, "x264");
            Object[] result = childRuns.measureFull(c, kbps, preSeconds, fullSeconds);
            full = (Measured) result[0];
            @SuppressWarnings("unchecked")
            Map<String, String> s = (Map<String, String>) result[1];
            sealed = s;
            // the machine's speed varies by the day: the CLI doing the same job in the same run is what the cores
            // compare with
            if (!"0".equals(opt.get("full-cli"))) {
                say("");
                say(
                        "## ffmpeg CLI, same job as the full path: testsrc2 + sine, drawtext overlay, x264 veryfast + AAC, fMP4 to a file (gpl natives)");
                fullCli = cliRuns.measureFullCli(c, cli.get("gpl"), kbps, sealed, fullSeconds);
                say(
                        "   pipeline / CLI: cores ratio %.2f (CPU ms/frame %.2f / %.2f), RSS ratio %.2f (%.1f / %.1f MiB)%s",
                        full.cpuMsPerFrame() / fullCli.cpuMsPerFrame(),
                        full.cpuMsPerFrame(),
                        fullCli.cpuMsPerFrame(),
                        full.rssMib() / fullCli.rssMib(),
                        full.rssMib(),
                        fullCli.rssMib(),
                        Report.noisy(full, fullCli) ? " NOISY" : "");
            }
        }
        // the real thing: the unit process, which also carries MQTT, config, the mock HAL, telemetry, ...
        UnitRuns.UnitRun unit = null;
        if ((only.equals("all") || only.equals("full")) && "1".equals(opt.get("unit"))) {
            say("");
            say(
                    "## unit process: ./bwc device --config %s (1080p30 x264 veryfast, overlay on, audio on, pre-event %d s, mock HAL, MQTT %s; gpl natives)",
                    opt.get("unit-config"), preSeconds, opt.get("mqtt-url"));
            try {
                unit = unitRuns.measureUnit(kbps, preSeconds, fullSeconds);
            } catch (Exception e) {
                // a report: the other rows stand; the unit row says what went wrong
                say("   the unit process could not be measured: %s (log: %s)", e, logs.resolve(UnitRuns.UNIT_LOG));
                unit = new UnitRuns.UnitRun(
                        null,
                        Map.of("failure", String.valueOf(e.getMessage() == null ? e.toString() : e.getMessage())));
            }
            if (unit.m() != null && fullCli != null) {
                say(
                        "   unit / CLI: cores ratio %.2f (CPU ms/frame %.2f / %.2f), RSS ratio %.2f (%.1f / %.1f MiB)%s",
                        unit.m().cpuMsPerFrame() / fullCli.cpuMsPerFrame(),
                        unit.m().cpuMsPerFrame(),
                        fullCli.cpuMsPerFrame(),
                        unit.m().rssMib() / fullCli.rssMib(),
                        unit.m().rssMib(),
                        fullCli.rssMib(),
                        Report.noisy(unit.m(), fullCli) ? " NOISY" : "");
            }
            if (unit.m() != null && full != null) {
                say(
                        "   unit / full-path child: peak RSS %+.1f MiB (%.1f / %.1f), CPU ms/frame %.2f / %.2f",
                        unit.m().rssMib() - full.rssMib(),
                        unit.m().rssMib(),
                        full.rssMib(),
                        unit.m().cpuMsPerFrame(),
                        full.cpuMsPerFrame());
            }
        }
        say("");
        say(
                "# load average after: %s",
                Files.readString(Path.of("/proc/loadavg")).trim());
        new Report(this).printTables(rows, full, sealed, fullCli, unit, kbps, preSeconds);
        report.close();
    }

    // ------------------------------------------------------------------ runs

    /** Of several runs, the one with the median CPU per frame; its peak RSS replaced by the largest seen. */
    static Measured median(List<Measured> runs) {
        List<Measured> sorted = new ArrayList<>(runs);
        sorted.sort(java.util.Comparator.comparingDouble(Measured::cpuMsPerFrame));
        Measured m = sorted.get((sorted.size() - 1) / 2);
        long peak = runs.stream().mapToLong(Measured::peakRssKib).max().orElse(m.peakRssKib());
        double other = runs.stream().mapToDouble(Measured::otherCores).max().orElse(m.otherCores());
        return new Measured(
                m.what(),
                m.wallSeconds(),
                m.frames(),
                m.droppedInWindow(),
                m.droppedTotal(),
                m.cpuSeconds(),
                other,
                peak,
                m.rssSplit(),
                m.wholeRunCpuMsPerFrame(),
                m.threads(),
                m.last());
    }

    /** The JVM options ./bwc starts a unit with (bench/encode passes them from ./bwc jvm-options). */
    List<String> unitJvm() {
        String v = opt.getOrDefault("unit-jvm", "").trim();
        return v.isEmpty() ? List.of("-Xss512k", "-XX:+UseSerialGC") : List.of(v.split("\\s+"));
    }

    /** The environment ./bwc starts a unit with (glibc malloc settings). */
    Map<String, String> unitEnv() {
        Map<String, String> env = new LinkedHashMap<>();
        for (String kv : opt.getOrDefault("unit-env", "").trim().split("\\s+")) {
            int eq = kv.indexOf('=');
            if (eq > 0) env.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
        return env;
    }

    List<String> jvm(String flavor, String... args) {
        List<String> cmd = new ArrayList<>(List.of(javaBin));
        cmd.addAll(unitJvm());
        if (!xmx.isEmpty()) cmd.add("-Xmx" + xmx);
        cmd.add("--enable-native-access=ALL-UNNAMED");
        if (opt.containsKey("tinylog")) cmd.add("-Dtinylog.configuration=" + opt.get("tinylog"));
        if ("1".equals(opt.get("nmt"))) cmd.add("-XX:NativeMemoryTracking=summary");
        String extra = System.getenv("BENCH_JVM_EXTRA");
        if (extra != null && !extra.isBlank()) cmd.addAll(List.of(extra.trim().split("\\s+")));
        cmd.addAll(List.of("-cp", classes + ":" + opt.get("lib-" + flavor) + "/*", EncodeBench.class.getName()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    /**
     * The unit process's command line, as ./bwc device builds it: {@code java --enable-native-access=ALL-UNNAMED
     * <./bwc's unit JVM options> -cp 'unit-runtime/target/lib/*' UnitMain --config FILE}, on a copy of the unit's own
     * classpath with the GPL natives (so that x264 is there and a rebuild cannot pull the jars away), and no tinylog
     * override: the unit logs through the launcher's own tinylog.properties, as ./bwc device does.
     */
    List<String> unitCommand(Path config) {
        List<String> cmd = new ArrayList<>(List.of(javaBin, "--enable-native-access=ALL-UNNAMED"));
        cmd.addAll(unitJvm());
        if (!xmx.isEmpty()) cmd.add("-Xmx" + xmx);
        if ("1".equals(opt.get("nmt"))) cmd.add("-XX:NativeMemoryTracking=summary");
        String extra = System.getenv("BENCH_JVM_EXTRA");
        if (extra != null && !extra.isBlank()) cmd.addAll(List.of(extra.trim().split("\\s+")));
        cmd.addAll(List.of(
                "-cp", opt.get("lib-unit") + "/*", "org.openbwc.launcher.UnitMain", "--config", config.toString()));
        return cmd;
    }

    Map<String, String> locate(String flavor) throws Exception {
        Path log = logs.resolve("locate-" + flavor + ".log");
        Process p = new ProcessBuilder(jvm(flavor, "locate"))
                .redirectError(log.toFile())
                .start();
        Map<String, String> found = new LinkedHashMap<>();
        try (BufferedReader r = p.inputReader(StandardCharsets.UTF_8)) {
            for (String line; (line = r.readLine()) != null; ) {
                if (line.startsWith("@@ ")) {
                    String[] kv = line.substring(3).split(" ", 2);
                    found.put(kv[0], kv.length > 1 ? kv[1] : "");
                }
            }
        }
        if (!p.waitFor(180, TimeUnit.SECONDS) || p.exitValue() != 0 || !found.containsKey("FFMPEG")) {
            throw new IllegalStateException("locating ffmpeg in the " + flavor + " natives failed; see " + log);
        }
        return found;
    }

    /**
     * On a shared machine: waits (at most --quiet-wait seconds) until the rest of the machine has used less than
     * {@value #QUIET_CORES} cores over 2 s, so that runs start in a quiet moment. Only when a run starts is chosen;
     * what it measures is reported whatever the load during it (the "other load" column).
     */
    void waitQuiet() throws InterruptedException {
        int max = Integer.parseInt(opt.getOrDefault("quiet-wait", "20"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(max);
        double busy;
        do {
            long t0 = System.nanoTime();
            long b0 = ProcSample.machineBusyTicks();
            Thread.sleep(2000);
            busy = (ProcSample.machineBusyTicks() - b0) / (double) clkTck / ((System.nanoTime() - t0) / 1e9);
            if (busy < QUIET_CORES) return;
        } while (System.nanoTime() < deadline);
        if (max > 0)
            say("   (machine still busy after %d s: %.2f cores in use by other work; measuring anyway)", max, busy);
    }

    static final double QUIET_CORES = 0.3;

    @SuppressWarnings("unchecked")
    static Map<String, String> asMap(Object o) {
        return (Map<String, String>) o;
    }

    Measured window(
            String what,
            Object[] a,
            Object[] b,
            long[] hwm,
            String framesKey,
            String dropKey,
            Map<String, String> done) {
        ProcSample pa = (ProcSample) a[0];
        ProcSample pb = (ProcSample) b[0];
        Map<String, String> sa = asMap(a[1]);
        Map<String, String> sb = asMap(b[1]);
        double wall = (pb.nanos() - pa.nanos()) / 1e9;
        long frames = Long.parseLong(sb.get(framesKey)) - Long.parseLong(sa.get(framesKey));
        long dropped = Long.parseLong(sb.get(dropKey)) - Long.parseLong(sa.get(dropKey));
        long droppedTotal = Long.parseLong(done.getOrDefault(dropKey, sb.get(dropKey)));
        double cpu = (pb.processCpuTicks() - pa.processCpuTicks()) / (double) clkTck;
        double machine = (pb.machineCpuTicks() - pa.machineCpuTicks()) / (double) clkTck;
        return new Measured(
                what,
                wall,
                frames,
                dropped,
                droppedTotal,
                cpu,
                Math.max(0, machine - cpu) / wall,
                hwm[0],
                String.format(
                        Locale.ROOT,
                        "RSS at end %.1f MiB = anon %.1f + file %.1f + shmem %.1f",
                        hwm[1] / 1024.0,
                        hwm[2] / 1024.0,
                        hwm[3] / 1024.0,
                        hwm[4] / 1024.0),
                pb.processCpuTicks() * 1000.0 / clkTck / Math.max(1, Long.parseLong(sb.get(framesKey))),
                threads(pa.threadTicks(), pb.threadTicks(), frames),
                sb);
    }

    /** With --nmt 1: the JVM's own account of its native memory, next to the child's log. */
    void nmt(long pid, Path log) {
        if (!"1".equals(opt.get("nmt"))) return;
        try {
            Path out = Path.of(log.toString().replace(".log", "-nmt.txt"));
            Process p = new ProcessBuilder(
                            Path.of(javaBin).resolveSibling("jcmd").toString(), "" + pid, "VM.native_memory", "summary")
                    .redirectErrorStream(true)
                    .redirectOutput(out.toFile())
                    .start();
            p.waitFor(60, TimeUnit.SECONDS);
            // and what is resident, by mapping (the JVM heap is the largest anonymous one)
            Map<String, Long> rss = new LinkedHashMap<>();
            String name = "?";
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/smaps"))) {
                String[] f = line.trim().split("\\s+");
                if (f.length >= 5 && f[0].contains("-") && f[0].matches("[0-9a-f]+-[0-9a-f]+")) {
                    long size = (Long.parseUnsignedLong(f[0].split("-")[1], 16)
                                    - Long.parseUnsignedLong(f[0].split("-")[0], 16))
                            / 1024;
                    name = f.length >= 6 ? Path.of(f[5]).getFileName() + "" : "anon " + size + " KiB mapping";
                } else if (f[0].equals("Rss:")) {
                    rss.merge(name, Long.parseLong(f[1]), Long::sum);
                }
            }
            Path smaps = Path.of(log.toString().replace(".log", "-rss-by-mapping.txt"));
            Files.write(
                    smaps,
                    rss.entrySet().stream()
                            .filter(e -> e.getValue() >= 512)
                            .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                            .map(e -> String.format(Locale.ROOT, "%8d KiB  %s", e.getValue(), e.getKey()))
                            .toList());
            say("   native memory summary: %s; resident by mapping: %s", out, smaps);
        } catch (IOException | InterruptedException e) {
            say("   jcmd VM.native_memory failed: %s", e);
        }
    }

    /** The busiest threads over the window, in CPU ms per frame. */
    String threads(Map<String, Long> before, Map<String, Long> after, long frames) {
        Map<String, Long> delta = new LinkedHashMap<>();
        after.forEach((name, ticks) -> delta.put(name, ticks - before.getOrDefault(name, 0L)));
        return delta.entrySet().stream()
                .filter(e -> e.getValue() > 0)
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .limit(8)
                .map(e -> String.format(
                        Locale.ROOT, "%s %.2f", e.getKey(), e.getValue() * 1000.0 / clkTck / Math.max(1, frames)))
                .reduce((x, y) -> x + ", " + y)
                .orElse("-");
    }

    void sayMeasured(Measured m) {
        say(
                "   %-9s %6.2f fps  %6.2f ms CPU/frame  %5.3f cores  peak RSS %6.1f MiB  %d frames in %.2f s  dropped %d (window) %d (whole run)  other load %.2f cores",
                m.what(),
                m.fps(),
                m.cpuMsPerFrame(),
                m.cores(),
                m.rssMib(),
                m.frames(),
                m.wallSeconds(),
                m.droppedInWindow(),
                m.droppedTotal(),
                m.otherCores());
        say(
                "             %s; whole process so far, startup included: %.2f ms CPU/frame (%s frames)",
                m.rssSplit(), m.wholeRunCpuMsPerFrame(), m.last().get("frames"));
        say("             CPU ms/frame by thread: %s", m.threads());
    }

    static Map<String, String> parse(String line) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String token : line.split(" ")) {
            int eq = token.indexOf('=');
            if (eq > 0) m.put(token.substring(0, eq), token.substring(eq + 1));
        }
        return m;
    }
}
