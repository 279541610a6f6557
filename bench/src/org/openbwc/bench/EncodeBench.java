package org.openbwc.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The encode benchmark behind {@code bench/encode}. One class, several modes:
 * <ul>
 * <li>{@code run ...}: the orchestrator. Starts every measured process as a child, one at a time, and measures it
 * from outside through /proc: CPU (utime+stime of the process, all threads), frames (asked of the child at the
 * same instant) and peak RSS (VmHWM). It does no media work itself.</li>
 * <li>{@code locate}: prints where the natives on this classpath put their ffmpeg program (and fills the JavaCPP
 * cache, so that extraction is not part of any measurement).</li>
 * <li>{@code pipeline W H FPS ENC KBPS}: the device's {@code MediaPipeline}, overlay and audio off, into a sink that
 * discards the fragments: the like-for-like counterpart of the ffmpeg CLI.</li>
 * <li>{@code full W H FPS ENC KBPS PRE_SECONDS DIR}: the device path: pipeline with overlay and audio on, its
 * fragments to a {@code PreEventBuffer} and an {@code EvidenceWriter} that writes a real, signed recording.</li>
 * </ul>
 * Children speak a line protocol on stdin/stdout: the orchestrator sends {@code s} (stats), {@code open},
 * {@code q} (quit); the child answers with lines starting {@code @@ }. Anything else they print goes to a log.
 * <p>
 * Only the device module's public API is used (EncoderSettings, MediaPipeline, FfmpegCli, PreEventBuffer,
 * EvidenceWriter, EvidenceVerifier), so that the benchmark measures what the unit runs.
 */
public final class EncodeBench {

    private EncodeBench() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0) throw new IllegalArgumentException("usage: EncodeBench run|locate|pipeline|full ...");
        String[] rest = java.util.Arrays.copyOfRange(args, 1, args.length);
        switch (args[0]) {
            case "run" -> Orchestrator.main(rest);
            case "locate" -> Children.locate();
            case "pipeline" -> Children.pipeline(rest);
            case "full" -> Children.full(rest);
            default -> throw new IllegalArgumentException("unknown mode " + args[0]);
        }
    }

    // ====================================================================================== children (device side)

    /** The measured JVMs. Loaded only in the child JVMs, whose classpath has the device module and the natives. */
    static final class Children {
        private static final PrintStream OUT = System.out;

        static void locate() throws Exception {
            var cli = org.openbwc.device.media.FfmpegCli.locate();
            OUT.println("@@ FFMPEG " + cli.executable());
            OUT.println("@@ LIBDIR " + cli.libraryDirectory());
            OUT.println("@@ VERSION " + cli.version());
            OUT.println("@@ X264 " + org.openbwc.device.media.VideoEncoder.X264.isAvailable());
            OUT.println("@@ OPENH264 " + org.openbwc.device.media.VideoEncoder.OPENH264.isAvailable());
            OUT.flush();
        }

        private static org.openbwc.device.media.EncoderSettings settings(String[] a) {
            var encoder = switch (a[3]) {
                case "x264" -> org.openbwc.device.media.VideoEncoder.X264;
                case "openh264" -> org.openbwc.device.media.VideoEncoder.OPENH264;
                default -> throw new IllegalArgumentException("encoder " + a[3] + " is not x264 or openh264");
            };
            return org.openbwc.device.media.EncoderSettings.mock("BENCH-01", "1234")
                    .withVideo(Integer.parseInt(a[0]), Integer.parseInt(a[1]), Integer.parseInt(a[2]))
                    .withEncoder(encoder)
                    .withBitrateKbps(Integer.parseInt(a[4]));
        }

        /** Pipeline only, overlay and audio off, fragments discarded. Args: W H FPS ENC KBPS. */
        static void pipeline(String[] a) throws Exception {
            var settings = settings(a).withOverlayEnabled(false).withAudioEnabled(false);
            var discard = new org.openbwc.device.media.FragmentSink() {
                @Override
                public void onInit(org.openbwc.device.media.InitSegment init) {
                }

                @Override
                public void onFragment(org.openbwc.device.media.Fragment fragment) {
                }
            };
            var pipeline = org.openbwc.device.media.MediaPipeline.start(settings, discard);
            OUT.println("@@ READY " + settings);
            OUT.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            for (String line; (line = in.readLine()) != null; ) {
                if (line.equals("s")) {
                    OUT.println("@@ STATS " + stats(pipeline.stats()) + " running=" + (pipeline.isRunning() ? 1 : 0));
                    OUT.flush();
                } else if (line.equals("q")) {
                    break;
                }
            }
            pipeline.close();
            OUT.println("@@ DONE " + stats(pipeline.stats()) + " failure=" + pipeline.failure().map(t -> t.toString().replace(' ', '_')).orElse("none"));
            OUT.flush();
            System.exit(0);
        }

        /**
         * The unit's path: overlay and audio on, fan-out to the pre-event buffer then the evidence writer (the order
         * UnitCamera uses). Args: W H FPS ENC KBPS PRE_SECONDS EVIDENCE_DIR.
         */
        static void full(String[] a) throws Exception {
            var settings = settings(a).withOverlayEnabled(true).withAudioEnabled(true);
            int preSeconds = Integer.parseInt(a[5]);
            Path root = Path.of(a[6]);
            var key = org.openbwc.device.evidence.DeviceKey.generate();
            var buffer = new org.openbwc.device.evidence.PreEventBuffer(preSeconds, 96L << 20); // the config's default cap
            var writer = org.openbwc.device.evidence.EvidenceWriter.builder(root, key).softwareVersion("bench").build();
            var fanOut = new org.openbwc.device.media.FragmentSink() {
                @Override
                public void onInit(org.openbwc.device.media.InitSegment init) {
                    buffer.onInit(init);
                    writer.onInit(init);
                }

                @Override
                public void onFragment(org.openbwc.device.media.Fragment fragment) {
                    buffer.onFragment(fragment);
                    writer.onFragment(fragment);
                }
            };
            var pipeline = org.openbwc.device.media.MediaPipeline.start(settings, fanOut, () -> true);
            OUT.println("@@ READY " + settings);
            OUT.flush();
            String recordingId = "bench-" + DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss").withZone(ZoneOffset.UTC).format(Instant.now());
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            for (String line; (line = in.readLine()) != null; ) {
                switch (line) {
                    case "open" -> {
                        long bufferedMs = buffer.bufferedMicros() / 1000;
                        writer.open(new org.openbwc.device.evidence.RecordingRequest(recordingId, "BENCH-01", "1234", "button",
                                Instant.now(), "system", true, null, null), buffer);
                        OUT.println("@@ OPENED preEventMs=" + bufferedMs + " bufferBytes=" + buffer.bufferedBytes());
                    }
                    case "s" -> {
                        var w = writer.stats();
                        OUT.println("@@ STATS " + stats(pipeline.stats()) + " running=" + (pipeline.isRunning() ? 1 : 0)
                                + " writerFragments=" + w.fragmentsWritten() + " writerDropped=" + w.droppedFragments()
                                + " writerOverflows=" + w.queueOverflows() + " writerQueued=" + w.queuedFragments()
                                + " writerBytes=" + w.bytesWritten() + " writerMediaMs=" + w.mediaDurationMillis()
                                + " bufferMs=" + buffer.bufferedMicros() / 1000 + " bufferBytes=" + buffer.bufferedBytes()
                                + " heapUsed=" + (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory())
                                + " heapCommitted=" + Runtime.getRuntime().totalMemory());
                    }
                    case "q" -> {
                        var sealed = writer.close(Instant.now());
                        pipeline.close();
                        writer.close();
                        if (sealed.isPresent()) {
                            var r = sealed.get();
                            var v = new org.openbwc.device.evidence.EvidenceVerifier().verify(r.directory(), Optional.of(key.publicKey()));
                            OUT.println("@@ SEALED durationMs=" + r.durationMillis() + " fragments=" + r.fragmentCount()
                                    + " segments=" + r.segmentCount() + " bytes=" + r.bytes() + " droppedFragments=" + r.droppedFragments()
                                    + " verified=" + (v.ok() ? 1 : 0) + " dir=" + r.directory()
                                    + " verifyMessage=" + String.valueOf(v.message()).replace(' ', '_'));
                        } else {
                            OUT.println("@@ SEALED none=1");
                        }
                        OUT.println("@@ DONE " + stats(pipeline.stats()) + " failure="
                                + pipeline.failure().map(t -> t.toString().replace(' ', '_')).orElse("none"));
                        OUT.flush();
                        System.exit(0);
                    }
                    default -> {
                    }
                }
                OUT.flush();
            }
            System.exit(1);
        }

        private static String stats(org.openbwc.device.media.PipelineStats s) {
            return "grabbed=" + s.framesGrabbed() + " frames=" + s.framesEncoded() + " dropped=" + s.framesDropped()
                    + " audioDropped=" + s.audioChunksDropped() + " fragments=" + s.fragments() + " bytes=" + s.bytes();
        }
    }

    // ====================================================================================== /proc

    /** What /proc says about one process and the whole machine at one instant. */
    record ProcSample(long nanos, long processCpuTicks, long machineCpuTicks, Map<String, Long> threadTicks) {
        static ProcSample of(long pid) {
            long now = System.nanoTime();
            return new ProcSample(now, processTicks(pid), machineBusyTicks(), threadTicks(pid));
        }

        /** CPU ticks per thread name (threads of one name added up), for where the time goes. */
        static Map<String, Long> threadTicks(long pid) {
            Map<String, Long> byName = new LinkedHashMap<>();
            try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
                for (Path task : tasks.toList()) {
                    try {
                        String stat = Files.readString(task.resolve("stat"));
                        String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                        byName.merge(name, Long.parseLong(f[11]) + Long.parseLong(f[12]), Long::sum);
                    } catch (IOException | RuntimeException e) {
                        // the thread ended meanwhile
                    }
                }
            } catch (IOException e) {
                // the process ended meanwhile
            }
            return byName;
        }

        static long processTicks(long pid) {
            try {
                String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                // fields 14 (utime) and 15 (stime) of proc(5); f[0] is field 3
                return Long.parseLong(f[11]) + Long.parseLong(f[12]);
            } catch (IOException e) {
                throw new IllegalStateException("cannot read /proc/" + pid + "/stat: " + e, e);
            }
        }

        static long machineBusyTicks() {
            try {
                String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
                // cpu user nice system idle iowait irq softirq steal ...
                return Long.parseLong(f[1]) + Long.parseLong(f[2]) + Long.parseLong(f[3]) + Long.parseLong(f[6])
                        + Long.parseLong(f[7]) + (f.length > 8 ? Long.parseLong(f[8]) : 0);
            } catch (IOException e) {
                throw new IllegalStateException("cannot read /proc/stat: " + e, e);
            }
        }

        /** VmHWM (peak resident set) in KiB. */
        static long peakRssKib(long pid) {
            return statusField(pid, "VmHWM:");
        }

        /** VmHWM, VmRSS, RssAnon, RssFile, RssShmem in KiB. */
        static long[] memory(long pid) {
            return new long[] {statusField(pid, "VmHWM:"), statusField(pid, "VmRSS:"), statusField(pid, "RssAnon:"),
                    statusField(pid, "RssFile:"), statusField(pid, "RssShmem:")};
        }

        static long statusField(long pid, String name) {
            try {
                for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                    if (line.startsWith(name)) return Long.parseLong(line.substring(name.length()).trim().split("\\s+")[0]);
                }
            } catch (IOException e) {
                throw new IllegalStateException("cannot read /proc/" + pid + "/status: " + e, e);
            }
            return -1;
        }
    }

    /** A measurement window: frames and CPU between two samples. */
    record Measured(String what, double wallSeconds, long frames, long droppedInWindow, long droppedTotal, double cpuSeconds,
                    double otherCores, long peakRssKib, String rssSplit, double wholeRunCpuMsPerFrame, String threads,
                    Map<String, String> last) {
        double fps() {
            return frames / wallSeconds;
        }

        double cpuMsPerFrame() {
            return frames == 0 ? Double.NaN : cpuSeconds * 1000 / frames;
        }

        double cores() {
            return cpuSeconds / wallSeconds;
        }

        double rssMib() {
            return peakRssKib / 1024.0;
        }
    }

    // ====================================================================================== orchestrator

    static final class Orchestrator {
        private final Map<String, String> opt;
        private final long clkTck;
        private final Path work;
        private final Path logs;
        private final PrintWriter report;
        private final String javaBin;
        private final String classes;
        private final String xmx;
        private final int warmup;

        private Orchestrator(Map<String, String> opt) throws IOException {
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
        private void say(String format, Object... args) {
            String s = args.length == 0 ? format : String.format(Locale.ROOT, format, args);
            System.out.println(s);
            System.out.flush();
            report.println(s);
        }

        private record Case(String name, int w, int h, int fps, String encoder) {
        }

        private record Row(Case c, Measured pipeline, Measured cli) {
        }

        private void run() throws Exception {
            int seconds = Integer.parseInt(opt.get("seconds"));
            int fullSeconds = Integer.parseInt(opt.get("full-seconds"));
            int kbps = Integer.parseInt(opt.get("bitrate"));
            int preSeconds = Integer.parseInt(opt.getOrDefault("pre-event", "30"));
            String only = opt.getOrDefault("only", "all");
            int repeat = Integer.parseInt(opt.getOrDefault("repeat", "1"));
            Map<String, String[]> cli = new LinkedHashMap<>();
            say("# encode benchmark, %s", DateTimeFormatter.ISO_INSTANT.format(Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS)));
            say("# machine: %s", opt.getOrDefault("machine", "?"));
            say("# device JVM: %s %s%s --enable-native-access=ALL-UNNAMED (java %s); environment: %s (both from ./bwc jvm-options)",
                    javaBin, String.join(" ", unitJvm()), xmx.isEmpty() ? "" : " -Xmx" + xmx, System.getProperty("java.version"),
                    String.join(" ", unitEnv().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList()));
            say("# settings: lavfi testsrc2, %d kb/s, GOP 1 s, no B-frames, fMP4 200 ms fragments; %d s warm-up (not measured), %d s window per run; "
                    + "full-path row %d s window", kbps, warmup, seconds, fullSeconds);
            for (String flavor : List.of("lgpl", "gpl")) {
                Map<String, String> found = locate(flavor);
                cli.put(flavor, new String[] {found.get("FFMPEG"), found.get("LIBDIR")});
                say("# natives %-4s: %s (%s); x264=%s openh264=%s", flavor, found.get("FFMPEG"), found.get("VERSION"),
                        found.get("X264"), found.get("OPENH264"));
            }
            say("# load average before: %s", Files.readString(Path.of("/proc/loadavg")).trim());

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
                        ps.add(measurePipeline(c, flavor, kbps, seconds));
                        fs.add(measureCli(c, cli.get(flavor), kbps, seconds));
                    }
                    rows.add(new Row(c, median(ps), median(fs)));
                }
            }
            Measured full = null;
            Map<String, String> sealed = Map.of();
            if (only.equals("all") || only.equals("full")) {
                say("");
                say("## full device path: 1080p30 x264 veryfast, overlay on, audio on, pre-event %d s, evidence writer (gpl natives)", preSeconds);
                Object[] result = measureFull(new Case("1080p30 x264 full path", 1920, 1080, 30, "x264"), kbps, preSeconds, fullSeconds);
                full = (Measured) result[0];
                @SuppressWarnings("unchecked") Map<String, String> s = (Map<String, String>) result[1];
                sealed = s;
            }
            say("");
            say("# load average after: %s", Files.readString(Path.of("/proc/loadavg")).trim());
            printTables(rows, full, sealed, kbps, preSeconds);
            report.close();
        }

        // ------------------------------------------------------------------ runs

        /** Of several runs, the one with the median CPU per frame; its peak RSS replaced by the largest seen. */
        private static Measured median(List<Measured> runs) {
            List<Measured> sorted = new ArrayList<>(runs);
            sorted.sort(java.util.Comparator.comparingDouble(Measured::cpuMsPerFrame));
            Measured m = sorted.get((sorted.size() - 1) / 2);
            long peak = runs.stream().mapToLong(Measured::peakRssKib).max().orElse(m.peakRssKib());
            double other = runs.stream().mapToDouble(Measured::otherCores).max().orElse(m.otherCores());
            return new Measured(m.what(), m.wallSeconds(), m.frames(), m.droppedInWindow(), m.droppedTotal(), m.cpuSeconds(), other,
                    peak, m.rssSplit(), m.wholeRunCpuMsPerFrame(), m.threads(), m.last());
        }

        /** The JVM options ./bwc starts a unit with (bench/encode passes them from ./bwc jvm-options). */
        private List<String> unitJvm() {
            String v = opt.getOrDefault("unit-jvm", "").trim();
            return v.isEmpty() ? List.of("-Xss512k", "-XX:+UseSerialGC") : List.of(v.split("\\s+"));
        }

        /** The environment ./bwc starts a unit with (glibc malloc settings). */
        private Map<String, String> unitEnv() {
            Map<String, String> env = new LinkedHashMap<>();
            for (String kv : opt.getOrDefault("unit-env", "").trim().split("\\s+")) {
                int eq = kv.indexOf('=');
                if (eq > 0) env.put(kv.substring(0, eq), kv.substring(eq + 1));
            }
            return env;
        }

        private List<String> jvm(String flavor, String... args) {
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

        private Map<String, String> locate(String flavor) throws Exception {
            Path log = logs.resolve("locate-" + flavor + ".log");
            Process p = new ProcessBuilder(jvm(flavor, "locate")).redirectError(log.toFile()).start();
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

        /** A child JVM speaking the @@ protocol; non-protocol output goes to its log. */
        private final class JvmChild implements AutoCloseable {
            final Process process;
            final BlockingQueue<String> replies = new LinkedBlockingQueue<>();
            final PrintWriter stdin;
            final Path log;

            JvmChild(String name, List<String> cmd) throws IOException {
                this.log = logs.resolve(name + ".log");
                Files.writeString(log, unitEnv() + " " + String.join(" ", cmd) + "\n");
                ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
                pb.environment().putAll(unitEnv());
                this.process = pb.start();
                this.stdin = new PrintWriter(process.outputWriter(StandardCharsets.UTF_8), true);
                Thread reader = new Thread(() -> {
                    try (BufferedReader r = process.inputReader(StandardCharsets.UTF_8);
                         Writer l = Files.newBufferedWriter(log, StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND)) {
                        for (String line; (line = r.readLine()) != null; ) {
                            l.write(line + "\n");
                            l.flush();
                            if (line.startsWith("@@ ")) replies.add(line.substring(3));
                        }
                    } catch (IOException ignored) {
                        // the child is gone
                    }
                    replies.add("EOF");
                }, "child-reader-" + name);
                reader.setDaemon(true);
                reader.start();
            }

            String await(String prefix, int timeoutSeconds) throws InterruptedException {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
                while (true) {
                    long left = deadline - System.nanoTime();
                    String line = left <= 0 ? null : replies.poll(left, TimeUnit.NANOSECONDS);
                    if (line == null) throw new IllegalStateException("no '" + prefix + "' from the child within " + timeoutSeconds + " s; see " + log);
                    if (line.equals("EOF")) throw new IllegalStateException("the child exited before '" + prefix + "'; see " + log);
                    if (line.startsWith(prefix)) return line;
                }
            }

            /** Asks for stats and samples /proc the moment they arrive. */
            Object[] sample() throws InterruptedException {
                stdin.println("s");
                String line = await("STATS", 10);
                ProcSample proc = ProcSample.of(process.pid());
                return new Object[] {proc, parse(line)};
            }

            @Override
            public void close() {
                try {
                    if (process.isAlive() && !process.waitFor(30, TimeUnit.SECONDS)) {
                        process.destroyForcibly();
                        process.waitFor(10, TimeUnit.SECONDS);
                    }
                } catch (InterruptedException e) {
                    process.destroyForcibly();
                    Thread.currentThread().interrupt();
                }
            }
        }

        /**
         * On a shared machine: waits (at most --quiet-wait seconds) until the rest of the machine has used less than
         * {@value #QUIET_CORES} cores over 2 s, so that runs start in a quiet moment. Only when a run starts is chosen;
         * what it measures is reported whatever the load during it (the "other load" column).
         */
        private void waitQuiet() throws InterruptedException {
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
            if (max > 0) say("   (machine still busy after %d s: %.2f cores in use by other work; measuring anyway)", max, busy);
        }

        private static final double QUIET_CORES = 0.3;

        private Measured measurePipeline(Case c, String flavor, int kbps, int seconds) throws Exception {
            waitQuiet();
            String name = "pipeline-" + c.w() + "x" + c.h() + "-" + c.encoder();
            try (JvmChild child = new JvmChild(name, jvm(flavor, "pipeline", "" + c.w(), "" + c.h(), "" + c.fps(), c.encoder(), "" + kbps))) {
                child.await("READY", 60);
                Thread.sleep(warmup * 1000L);
                Object[] a = child.sample();
                Thread.sleep(seconds * 1000L);
                Object[] b = child.sample();
                long[] hwm = ProcSample.memory(child.process.pid());
                nmt(child.process.pid(), child.log);
                child.stdin.println("q");
                Map<String, String> done = parse(child.await("DONE", 30));
                Measured m = window("pipeline", a, b, hwm, "frames", "dropped", done);
                sayMeasured(m);
                if (!"none".equals(done.get("failure"))) say("   pipeline failure: %s", done.get("failure"));
                return m;
            }
        }

        private Object[] measureFull(Case c, int kbps, int preSeconds, int seconds) throws Exception {
            waitQuiet();
            Path dir = Files.createTempDirectory(work, "evidence-");
            try (JvmChild child = new JvmChild("full-1080p-x264", jvm("gpl", "full", "" + c.w(), "" + c.h(), "" + c.fps(), c.encoder(),
                    "" + kbps, "" + preSeconds, dir.toString()))) {
                child.await("READY", 60);
                // let the pre-event buffer fill a little, as a unit that has been on for a while before the record press
                int before = Math.max(warmup, 5);
                Thread.sleep(before * 1000L);
                child.stdin.println("open");
                Map<String, String> opened = parse(child.await("OPENED", 30));
                say("   recording opened after %d s with %s ms of pre-event media (%s bytes) in %s", before, opened.get("preEventMs"),
                        opened.get("bufferBytes"), dir);
                Object[] a = child.sample();
                long progressEvery = Math.max(60, seconds / 10);
                long start = System.nanoTime();
                // stats every second, to tell when pictures were dropped (relative to the open)
                long lastDropped = Long.parseLong(asMap(a[1]).get("dropped"));
                List<String> dropEvents = new ArrayList<>();
                long nextProgress = progressEvery;
                for (long t = 1; t < seconds; t++) {
                    Thread.sleep(Math.max(0, start + TimeUnit.SECONDS.toNanos(t) - System.nanoTime()) / 1_000_000);
                    Map<String, String> m = asMap(child.sample()[1]);
                    long d = Long.parseLong(m.get("dropped"));
                    if (d > lastDropped) dropEvents.add("+" + (d - lastDropped) + " in second " + t);
                    lastDropped = d;
                    if (t == nextProgress) {
                        nextProgress += progressEvery;
                        say("   ... %4d s: frames=%s dropped=%s writerMediaMs=%s writerDropped=%s VmRSS=%d KiB VmHWM=%d KiB heapUsed=%s",
                                t, m.get("frames"), m.get("dropped"), m.get("writerMediaMs"), m.get("writerDropped"),
                                ProcSample.statusField(child.process.pid(), "VmRSS:"), ProcSample.peakRssKib(child.process.pid()), m.get("heapUsed"));
                    }
                }
                Thread.sleep(Math.max(0, start + TimeUnit.SECONDS.toNanos(seconds) - System.nanoTime()) / 1_000_000);
                Object[] b = child.sample();
                long[] hwm = ProcSample.memory(child.process.pid());
                nmt(child.process.pid(), child.log);
                child.stdin.println("q");
                Map<String, String> sealed = parse(child.await("SEALED", 120));
                Map<String, String> done = parse(child.await("DONE", 60));
                Measured m = window("full path", a, b, hwm, "frames", "dropped", done);
                long finalDropped = Long.parseLong(asMap(b[1]).get("dropped"));
                if (finalDropped > lastDropped) dropEvents.add("+" + (finalDropped - lastDropped) + " in second " + seconds);
                sayMeasured(m);
                say("   dropped before the recording opened: %s; in the window (seconds after the open): %s",
                        asMap(a[1]).get("dropped"), dropEvents.isEmpty() ? "none" : String.join(", ", dropEvents));
                Map<String, String> last = asMap(b[1]);
                say("   writer: %s fragments written, %s dropped, %s queue overflows, %s bytes, %s ms of media; buffer %s ms / %s bytes; heap used %s of %s committed",
                        last.get("writerFragments"), last.get("writerDropped"), last.get("writerOverflows"), last.get("writerBytes"),
                        last.get("writerMediaMs"), last.get("bufferMs"), last.get("bufferBytes"), last.get("heapUsed"), last.get("heapCommitted"));
                say("   sealed: %s", sealed);
                if (!"none".equals(done.get("failure"))) say("   pipeline failure: %s", done.get("failure"));
                Map<String, String> info = new LinkedHashMap<>(sealed);
                info.put("audioDropped", done.get("audioDropped"));
                info.put("writerOverflows", last.get("writerOverflows"));
                return new Object[] {m, info};
            }
        }

        @SuppressWarnings("unchecked")
        private static Map<String, String> asMap(Object o) {
            return (Map<String, String>) o;
        }

        private Measured window(String what, Object[] a, Object[] b, long[] hwm, String framesKey, String dropKey, Map<String, String> done) {
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
            return new Measured(what, wall, frames, dropped, droppedTotal, cpu, Math.max(0, machine - cpu) / wall, hwm[0],
                    String.format(Locale.ROOT, "RSS at end %.1f MiB = anon %.1f + file %.1f + shmem %.1f", hwm[1] / 1024.0,
                            hwm[2] / 1024.0, hwm[3] / 1024.0, hwm[4] / 1024.0),
                    pb.processCpuTicks() * 1000.0 / clkTck / Math.max(1, Long.parseLong(sb.get(framesKey))),
                    threads(pa.threadTicks(), pb.threadTicks(), frames), sb);
        }

        /** With --nmt 1: the JVM's own account of its native memory, next to the child's log. */
        private void nmt(long pid, Path log) {
            if (!"1".equals(opt.get("nmt"))) return;
            try {
                Path out = Path.of(log.toString().replace(".log", "-nmt.txt"));
                Process p = new ProcessBuilder(Path.of(javaBin).resolveSibling("jcmd").toString(), "" + pid, "VM.native_memory", "summary")
                        .redirectErrorStream(true).redirectOutput(out.toFile()).start();
                p.waitFor(60, TimeUnit.SECONDS);
                // and what is resident, by mapping (the JVM heap is the largest anonymous one)
                Map<String, Long> rss = new LinkedHashMap<>();
                String name = "?";
                for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/smaps"))) {
                    String[] f = line.trim().split("\\s+");
                    if (f.length >= 5 && f[0].contains("-") && f[0].matches("[0-9a-f]+-[0-9a-f]+")) {
                        long size = (Long.parseUnsignedLong(f[0].split("-")[1], 16) - Long.parseUnsignedLong(f[0].split("-")[0], 16)) / 1024;
                        name = f.length >= 6 ? Path.of(f[5]).getFileName() + "" : "anon " + size + " KiB mapping";
                    } else if (f[0].equals("Rss:")) {
                        rss.merge(name, Long.parseLong(f[1]), Long::sum);
                    }
                }
                Path smaps = Path.of(log.toString().replace(".log", "-rss-by-mapping.txt"));
                Files.write(smaps, rss.entrySet().stream().filter(e -> e.getValue() >= 512)
                        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                        .map(e -> String.format(Locale.ROOT, "%8d KiB  %s", e.getValue(), e.getKey())).toList());
                say("   native memory summary: %s; resident by mapping: %s", out, smaps);
            } catch (IOException | InterruptedException e) {
                say("   jcmd VM.native_memory failed: %s", e);
            }
        }

        /** The busiest threads over the window, in CPU ms per frame. */
        private String threads(Map<String, Long> before, Map<String, Long> after, long frames) {
            Map<String, Long> delta = new LinkedHashMap<>();
            after.forEach((name, ticks) -> delta.put(name, ticks - before.getOrDefault(name, 0L)));
            return delta.entrySet().stream().filter(e -> e.getValue() > 0)
                    .sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(8)
                    .map(e -> String.format(Locale.ROOT, "%s %.2f", e.getKey(), e.getValue() * 1000.0 / clkTck / Math.max(1, frames)))
                    .reduce((x, y) -> x + ", " + y).orElse("-");
        }

        private void sayMeasured(Measured m) {
            say("   %-9s %6.2f fps  %6.2f ms CPU/frame  %5.3f cores  peak RSS %6.1f MiB  %d frames in %.2f s  dropped %d (window) %d (whole run)  other load %.2f cores",
                    m.what(), m.fps(), m.cpuMsPerFrame(), m.cores(), m.rssMib(), m.frames(), m.wallSeconds(), m.droppedInWindow(),
                    m.droppedTotal(), m.otherCores());
            say("             %s; whole process so far, startup included: %.2f ms CPU/frame (%s frames)", m.rssSplit(),
                    m.wholeRunCpuMsPerFrame(), m.last().get("frames"));
            say("             CPU ms/frame by thread: %s", m.threads());
        }

        /**
         * The ffmpeg CLI from the same natives, same source and settings. Frames come from its -progress output;
         * /proc is sampled the moment a progress block arrives, so frames and CPU are read at the same instant.
         */
        private Measured measureCli(Case c, String[] ffmpeg, int kbps, int seconds) throws Exception {
            waitQuiet();
            List<String> cmd = new ArrayList<>(List.of(ffmpeg[0], "-hide_banner", "-nostdin", "-loglevel", "error",
                    "-progress", "pipe:1", "-stats_period", "0.1",
                    "-re", "-f", "lavfi", "-i", "testsrc2=size=" + c.w() + "x" + c.h() + ":rate=" + c.fps(),
                    "-c:v", c.encoder().equals("x264") ? "libx264" : "libopenh264"));
            if (c.encoder().equals("x264")) cmd.addAll(List.of("-preset", "veryfast", "-tune", "zerolatency"));
            Path out = Files.createTempFile(work, "cli-", ".mp4");
            cmd.addAll(List.of("-b:v", kbps + "k", "-g", "" + c.fps(), "-bf", "0", "-pix_fmt", "yuv420p",
                    "-f", "mp4", "-movflags", "frag_keyframe+empty_moov+default_base_moof", "-frag_duration", "200000",
                    "-flush_packets", "1", "-y", out.toString()));
            String name = "cli-" + c.w() + "x" + c.h() + "-" + c.encoder();
            Path log = logs.resolve(name + ".log");
            Files.writeString(log, String.join(" ", cmd) + "\n");
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
            pb.environment().put("LD_LIBRARY_PATH", ffmpeg[1]);
            Process p = pb.start();
            long pid = p.pid();
            BlockingQueue<Object[]> progress = new LinkedBlockingQueue<>();
            Thread reader = new Thread(() -> {
                Map<String, String> block = new LinkedHashMap<>();
                try (BufferedReader r = p.inputReader(StandardCharsets.UTF_8)) {
                    for (String line; (line = r.readLine()) != null; ) {
                        int eq = line.indexOf('=');
                        if (eq < 0) continue;
                        String k = line.substring(0, eq).trim();
                        block.put(k, line.substring(eq + 1).trim());
                        if (k.equals("progress")) {
                            ProcSample s = p.isAlive() ? safeSample(pid) : null;
                            if (s != null) progress.add(new Object[] {s, new LinkedHashMap<>(block)});
                            block.clear();
                        }
                    }
                } catch (IOException ignored) {
                    // ffmpeg is gone
                }
            }, "cli-progress");
            reader.setDaemon(true);
            reader.start();
            try {
                if (progress.poll(60, TimeUnit.SECONDS) == null) throw new IllegalStateException("ffmpeg printed no progress; see " + log);
                Thread.sleep(warmup * 1000L);
                progress.clear();
                Object[] a = awaitProgress(progress, log);
                long end = ((ProcSample) a[0]).nanos() + TimeUnit.SECONDS.toNanos(seconds);
                Thread.sleep(Math.max(0, end - System.nanoTime()) / 1_000_000);
                progress.clear();
                Object[] b = awaitProgress(progress, log);
                long[] hwm = ProcSample.memory(pid);
                for (Object[] x : List.of(a, b)) {
                    Map<String, String> m = asMap(x[1]);
                    m.put("frames", m.getOrDefault("frame", "0"));
                    m.put("dropped", m.getOrDefault("drop_frames", "0"));
                }
                Measured m = window("ffmpeg", a, b, hwm, "frames", "dropped", Map.of());
                sayMeasured(m);
                return m;
            } finally {
                p.destroy(); // SIGTERM: ffmpeg finishes the file and exits
                if (!p.waitFor(20, TimeUnit.SECONDS)) p.destroyForcibly();
                Files.deleteIfExists(out);
            }
        }

        private static ProcSample safeSample(long pid) {
            try {
                return ProcSample.of(pid);
            } catch (RuntimeException e) {
                return null;
            }
        }

        private static Object[] awaitProgress(BlockingQueue<Object[]> progress, Path log) throws InterruptedException {
            Object[] x = progress.poll(10, TimeUnit.SECONDS);
            if (x == null) throw new IllegalStateException("ffmpeg stopped reporting progress; see " + log);
            return x;
        }

        private static Map<String, String> parse(String line) {
            Map<String, String> m = new LinkedHashMap<>();
            for (String token : line.split(" ")) {
                int eq = token.indexOf('=');
                if (eq > 0) m.put(token.substring(0, eq), token.substring(eq + 1));
            }
            return m;
        }

        // ------------------------------------------------------------------ report

        /** Other work above this many cores during a window makes the comparison unreliable on a 2-core machine. */
        private static final double NOISY_CORES = 0.5;

        private static boolean noisy(Measured... ms) {
            for (Measured m : ms) if (m.otherCores() > NOISY_CORES) return true;
            return false;
        }

        private static String pf(boolean ok) {
            return ok ? "PASS" : "FAIL";
        }

        private void printTables(List<Row> rows, Measured full, Map<String, String> sealed, int kbps, int preSeconds) {
            double fpsTarget = 0.95;
            double cpuTarget = 1.05;
            double rssTarget = 160;
            List<String> missed = new ArrayList<>();
            if (!rows.isEmpty()) {
                say("");
                say("## pipeline vs ffmpeg CLI (same natives, same source and settings, overlay off, audio off; RSS = VmHWM, MiB)");
                say("");
                say("| case | pipeline fps | CLI fps | fps ratio (>= %.2f) | pipeline CPU ms/frame | CLI CPU ms/frame | CPU ratio (<= %.2f) | pipeline RSS MiB (<= %.0f) | CLI RSS MiB | other load (cores) |",
                        fpsTarget, cpuTarget, rssTarget);
                say("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
                for (Row r : rows) {
                    double fr = r.pipeline().fps() / r.cli().fps();
                    double cr = r.pipeline().cpuMsPerFrame() / r.cli().cpuMsPerFrame();
                    double rss = r.pipeline().rssMib();
                    say("| %s | %.2f | %.2f | %.3f %s | %.2f | %.2f | %.3f %s | %.1f %s | %.1f | %.2f / %.2f%s |", r.c().name(),
                            r.pipeline().fps(), r.cli().fps(), fr, pf(fr >= fpsTarget),
                            r.pipeline().cpuMsPerFrame(), r.cli().cpuMsPerFrame(), cr, pf(cr <= cpuTarget),
                            rss, pf(rss <= rssTarget), r.cli().rssMib(), r.pipeline().otherCores(), r.cli().otherCores(),
                            noisy(r.pipeline(), r.cli()) ? " NOISY" : "");
                    String note = noisy(r.pipeline(), r.cli()) ? String.format(Locale.ROOT, " [measured while other work used %.2f / %.2f cores]",
                            r.pipeline().otherCores(), r.cli().otherCores()) : "";
                    if (fr < fpsTarget) missed.add(String.format(Locale.ROOT, "%s: pipeline fps %.3f x the CLI (target >= %.2f)%s", r.c().name(), fr, fpsTarget, note));
                    if (cr > cpuTarget) missed.add(String.format(Locale.ROOT, "%s: pipeline CPU per frame %.3f x the CLI (target <= %.2f)%s", r.c().name(), cr, cpuTarget, note));
                    if (rss > rssTarget) missed.add(String.format(Locale.ROOT, "%s: pipeline peak RSS %.1f MiB (target <= %.0f)", r.c().name(), rss, rssTarget));
                }
                say("");
                say("(other load: CPU used on the machine by everything else during the pipeline / CLI window; the machine has %s cores;"
                        + " NOISY = more than %.2f cores of other work in either window: that comparison is not trustworthy, run it again)",
                        Runtime.getRuntime().availableProcessors(), NOISY_CORES);
            }
            if (full != null) {
                boolean realtime = full.fps() >= 0.99 * 30;
                boolean cores = full.cores() <= 0.5;
                long dropped = full.droppedTotal() + Long.parseLong(sealed.getOrDefault("droppedFragments", "0"));
                boolean noDrops = dropped == 0;
                boolean rss = full.rssMib() <= rssTarget;
                say("");
                say("## full device path: 1080p30 x264 veryfast, %d kb/s, overlay on, audio on, pre-event buffer %d s, evidence writer (window %.0f s)",
                        kbps, preSeconds, full.wallSeconds());
                say("");
                say("| case | fps (>= 29.7) | cores (<= 0.50) | CPU ms/frame | dropped frames (= 0) | writer dropped fragments | peak RSS MiB (<= %.0f) | recording | other load (cores) |", rssTarget);
                say("|---|---:|---:|---:|---:|---:|---:|---|---:|");
                say("| 1080p30 x264 full path | %.2f %s | %.4f %s | %.2f | %d %s | %s | %.1f %s | %s s, %s segment(s), %s MB, verified=%s | %.2f%s |",
                        full.fps(), pf(realtime), full.cores(), pf(cores), full.cpuMsPerFrame(), full.droppedTotal(), pf(noDrops),
                        sealed.getOrDefault("droppedFragments", "?"), full.rssMib(), pf(rss),
                        sealed.containsKey("durationMs") ? String.format(Locale.ROOT, "%.1f", Long.parseLong(sealed.get("durationMs")) / 1000.0) : "?",
                        sealed.getOrDefault("segments", "?"),
                        sealed.containsKey("bytes") ? String.format(Locale.ROOT, "%.1f", Long.parseLong(sealed.get("bytes")) / 1e6) : "?",
                        sealed.getOrDefault("verified", "?"), full.otherCores(), noisy(full) ? " NOISY" : "");
                String note = noisy(full) ? String.format(Locale.ROOT, " [measured while other work used %.2f cores]", full.otherCores()) : "";
                if (!realtime) missed.add(String.format(Locale.ROOT, "full path: %.2f fps, not real time (target >= 29.7)%s", full.fps(), note));
                if (!cores) missed.add(String.format(Locale.ROOT, "full path: %.4f cores (target <= 0.5)%s", full.cores(), note));
                if (!noDrops) missed.add("full path: " + dropped + " frames/fragments dropped (target 0)" + note);
                if (!rss) missed.add(String.format(Locale.ROOT, "full path: peak RSS %.1f MiB (target <= %.0f)", full.rssMib(), rssTarget));
            }
            say("");
            if (missed.isEmpty()) {
                say("ALL TARGETS MET");
            } else {
                say("TARGETS MISSED (%d):", missed.size());
                for (String m : missed) say("  - %s", m);
            }
        }
    }
}
