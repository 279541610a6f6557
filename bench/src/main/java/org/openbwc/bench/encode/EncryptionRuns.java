package org.openbwc.bench.encode;

import java.io.BufferedReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.openbwc.bench.encode.Orchestrator.Case;

/**
 * {@code --only encryption} (issue 16): the full device path with the recording encrypted and in plaintext, in the
 * same run, interleaved; then the cipher alone under several JIT settings, for what a Raspberry Pi 4 would pay.
 * "off" means the recording is written in plaintext: the pre-event scratch files are encrypted in both (the unit
 * cannot switch that off), so the difference measured is the recording's encryption alone.
 */
final class EncryptionRuns {
    private final Orchestrator bench;
    private final ChildRuns childRuns;

    static final double CPU_TARGET = 1.03;
    static final double RSS_TARGET_MIB = 2.0;

    /** The unit's default fragment at 2.5 Mbit/s video: 200 ms of it, what the cipher sees per call. */
    static final int PIECE_BYTES = 62_500;

    /**
     * The guess behind the Pi 4 figure: how many times slower a Cortex-A72 at 1.5 GHz runs scalar Java code than one
     * core of this machine. Not measured here (no Pi at hand): published single-core scores (Geekbench 5: Pi 4 about
     * 250-300, EPYC Zen 2/3 cloud cores about 1,000-1,400) put it at about 4-5x; 6x is taken to be safe.
     */
    static final double PI_SLOWER = 6.0;

    EncryptionRuns(Orchestrator bench, ChildRuns childRuns) {
        this.bench = bench;
        this.childRuns = childRuns;
    }

    record Run(String mode, int repeat, Measured m, Map<String, String> info, boolean ok, String check) {}

    void run(int kbps, int preSeconds, int seconds, int repeat) throws Exception {
        bench.say("");
        bench.say(
                "## full device path with the recording encrypted (on) and in plaintext (off), interleaved: 1080p30 x264 veryfast, overlay on, audio on, pre-event %d s, evidence writer (gpl natives)",
                preSeconds);
        bench.say(
                "   (pre-event scratch files are encrypted in both: the unit cannot switch that off; \"off\" = the recording in plaintext)");
        Case c = new Case("1080p30 x264 full path", 1920, 1080, 30, "x264");
        List<Run> runs = new ArrayList<>();
        for (int r = 1; r <= repeat; r++) {
            // off/on, then on/off: a machine whose speed drifts within minutes favours neither side
            List<String> order = r % 2 == 1 ? List.of("off", "on") : List.of("on", "off");
            for (String mode : order) {
                bench.say("");
                bench.say("   (repeat %d of %d, recording encryption %s)", r, repeat, mode);
                Object[] result =
                        childRuns.measureFull(c, kbps, preSeconds, seconds, mode, "full-encryption-" + mode + "-" + r);
                Measured m = (Measured) result[0];
                Map<String, String> info = Orchestrator.asMap(result[1]);
                runs.add(check(mode, r, m, info));
                bench.say("   check: %s", runs.getLast().check());
            }
        }
        Map<String, Map<String, Double>> ciphers = cipherRuns();
        bench.say("");
        bench.say(
                "# load average after: %s",
                Files.readString(Path.of("/proc/loadavg")).trim());
        printTables(runs, ciphers, kbps, seconds);
    }

    /** The recording verifies; encrypted, no segment holds an MP4 box header; in plaintext, every segment does. */
    Run check(String mode, int r, Measured m, Map<String, String> info) {
        boolean verified = "1".equals(info.get("verified"));
        long withBoxes = Long.parseLong(info.getOrDefault("mp4Files", "-1"));
        long media = Long.parseLong(info.getOrDefault("mediaFiles", "0"));
        boolean bytesOk = media > 0 && (mode.equals("on") ? withBoxes == 0 : withBoxes == media);
        boolean encryptedAsAsked = info.getOrDefault("encrypted", "?").equals(mode.equals("on") ? "1" : "0");
        boolean ok = verified && bytesOk && encryptedAsAsked && m.frames() > 0;
        String check = String.format(
                Locale.ROOT,
                "%s: verified=%s, %d of %d segment file(s) hold an MP4 box header (%s), %s",
                ok ? "OK" : "FAILED",
                info.getOrDefault("verified", "?"),
                withBoxes,
                media,
                mode.equals("on") ? "want none" : "want all: plaintext MP4",
                info.getOrDefault("verifyMessage", "").replace('_', ' '));
        return new Run(mode, r, m, info, ok, check);
    }

    /** The cipher alone, one JVM per JIT setting: name -> setting -> MB per CPU-second. */
    Map<String, Map<String, Double>> cipherRuns() throws Exception {
        List<String> unitJvm = bench.unitJvm();
        List<String> tiered = unitJvm.stream()
                .filter(o -> !o.startsWith("-XX:TieredStopAtLevel") && !o.startsWith("-XX:CICompilerCount"))
                .toList();
        List<String> noAes = List.of(
                "-XX:+UnlockDiagnosticVMOptions",
                "-XX:-UseAESIntrinsics",
                "-XX:-UseAESCTRIntrinsics",
                "-XX:-UseGHASHIntrinsics",
                // a Pi 4 without the crypto extensions has no SHA-2 instructions either
                "-XX:-UseSHA256Intrinsics");
        Map<String, List<String>> settings = new LinkedHashMap<>();
        settings.put("C1 only (unit)", unitJvm);
        settings.put("C1 only, no AES/GHASH/SHA-256 intrinsics", concat(unitJvm, noAes));
        settings.put("default JIT", tiered);
        settings.put("default JIT, no AES/GHASH/SHA-256 intrinsics", concat(tiered, noAes));
        Map<String, Map<String, Double>> out = new LinkedHashMap<>();
        bench.say("");
        bench.say(
                "## the cipher alone: %d-byte pieces (200 ms of 2.5 Mbit/s), one thread, MB (10^6 bytes) per CPU-second of that thread; median of 3 rounds, ciphers taking turns",
                PIECE_BYTES);
        for (var s : settings.entrySet()) {
            bench.waitQuiet();
            List<String> cmd = new ArrayList<>(List.of(bench.javaBin));
            cmd.addAll(s.getValue());
            cmd.addAll(List.of(
                    "-cp",
                    bench.classes + ":" + bench.opt.get("lib-gpl") + "/*",
                    EncodeBench.class.getName(),
                    "cipher",
                    "2",
                    "3",
                    "" + PIECE_BYTES));
            Path log = bench.logs.resolve("cipher-" + s.getKey().replaceAll("[^A-Za-z0-9]+", "-") + ".log");
            Files.writeString(log, String.join(" ", cmd) + "\n");
            Process p = new ProcessBuilder(cmd)
                    .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
            try (BufferedReader r = p.inputReader(StandardCharsets.UTF_8)) {
                for (String line; (line = r.readLine()) != null; ) {
                    Files.writeString(log, line + "\n", java.nio.file.StandardOpenOption.APPEND);
                    if (!line.startsWith("@@ CIPHER ")) continue;
                    Map<String, String> kv = Orchestrator.parse(line.substring(3));
                    out.computeIfAbsent(kv.get("name"), k -> new LinkedHashMap<>())
                            .put(s.getKey(), Double.parseDouble(kv.get("mbPerCpuSecond")));
                    bench.say(
                            "   %-38s %-28s %8s MB/CPU-s (rounds %s)",
                            s.getKey(), kv.get("name"), kv.get("mbPerCpuSecond"), kv.get("rounds"));
                }
            }
            if (!p.waitFor(300, TimeUnit.SECONDS) || p.exitValue() != 0)
                bench.say("   the cipher run with %s failed; see %s", s.getKey(), log);
        }
        return out;
    }

    static List<String> concat(List<String> a, List<String> b) {
        List<String> l = new ArrayList<>(a);
        l.addAll(b);
        return l;
    }

    static double median(List<Double> v) {
        List<Double> s = new ArrayList<>(v);
        s.sort(null);
        int n = s.size();
        return n == 0 ? Double.NaN : n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    /** "name 1.23, other 0.45" (Orchestrator.threads) as a map. */
    static Map<String, Double> threadMap(String threads) {
        Map<String, Double> m = new LinkedHashMap<>();
        for (String part : threads.split(", ")) {
            int sp = part.lastIndexOf(' ');
            if (sp > 0) {
                try {
                    m.put(part.substring(0, sp), Double.parseDouble(part.substring(sp + 1)));
                } catch (NumberFormatException ignored) {
                    // "-": no thread used CPU
                }
            }
        }
        return m;
    }

    void printTables(List<Run> runs, Map<String, Map<String, Double>> ciphers, int kbps, int seconds) {
        List<Run> off = runs.stream().filter(r -> r.mode().equals("off")).toList();
        List<Run> on = runs.stream().filter(r -> r.mode().equals("on")).toList();
        double cpuOff = median(off.stream().map(r -> r.m().cpuMsPerFrame()).toList());
        double cpuOn = median(on.stream().map(r -> r.m().cpuMsPerFrame()).toList());
        double rssOff = median(off.stream().map(r -> r.m().rssMib()).toList());
        double rssOn = median(on.stream().map(r -> r.m().rssMib()).toList());
        // each repeat's own pair: less exposed to the drift between repeats than the medians
        List<Double> pairCpu = new ArrayList<>();
        List<Double> pairRss = new ArrayList<>();
        for (int i = 0; i < Math.min(off.size(), on.size()); i++) {
            pairCpu.add(on.get(i).m().cpuMsPerFrame() / off.get(i).m().cpuMsPerFrame());
            pairRss.add(on.get(i).m().rssMib() - off.get(i).m().rssMib());
        }
        boolean allOk = runs.stream().allMatch(Run::ok);
        List<String> missed = new ArrayList<>();
        if (!runs.isEmpty())
            fullPathTables(runs, off, on, cpuOff, cpuOn, rssOff, rssOn, pairCpu, pairRss, allOk, missed, kbps, seconds);
        cipherTables(runs, ciphers, kbps);
        bench.say("");
        if (missed.isEmpty()) {
            bench.say(runs.isEmpty() ? "(cipher only: no targets)" : "ALL TARGETS MET");
        } else {
            bench.say("TARGETS MISSED (%d):", missed.size());
            for (String m : missed) bench.say("  - %s", m);
        }
    }

    void fullPathTables(
            List<Run> runs,
            List<Run> off,
            List<Run> on,
            double cpuOff,
            double cpuOn,
            double rssOff,
            double rssOn,
            List<Double> pairCpu,
            List<Double> pairRss,
            boolean allOk,
            List<String> missed,
            int kbps,
            int seconds) {
        double cpuRatio = cpuOn / cpuOff;
        double rssDelta = rssOn - rssOff;

        bench.say("");
        bench.say(
                "## encryption at rest: full device path, recording encrypted vs plaintext (%d kb/s, window %d s, %d runs each, interleaved; median of the runs)",
                kbps, seconds, on.size());
        bench.say("");
        bench.say(
                "| run | recording | fps | CPU ms/frame | cores | peak RSS MiB | dropped | check | other load (cores) |");
        bench.say("|---|---|---:|---:|---:|---:|---:|---|---:|");
        for (Run r : runs) {
            bench.say(
                    "| %d | %s | %.2f | %.2f | %.4f | %.1f | %d | %s | %.2f%s |",
                    r.repeat(),
                    r.mode().equals("on") ? "encrypted" : "plaintext",
                    r.m().fps(),
                    r.m().cpuMsPerFrame(),
                    r.m().cores(),
                    r.m().rssMib(),
                    r.m().droppedTotal() + Long.parseLong(r.info().getOrDefault("droppedFragments", "0")),
                    r.ok() ? "OK" : "FAILED",
                    r.m().otherCores(),
                    Report.noisy(r.m()) ? " NOISY" : "");
        }
        bench.say("");
        bench.say("| figure | off (plaintext) | on (encrypted) | on vs off | target | verdict |");
        bench.say("|---|---:|---:|---:|---|---|");
        bench.say(
                "| CPU ms/frame, median | %.3f | %.3f | %.4fx (per pair: %s) | <= %.2fx | %s |",
                cpuOff, cpuOn, cpuRatio, join(pairCpu, "%.3f"), CPU_TARGET, Report.pf(cpuRatio <= CPU_TARGET));
        bench.say(
                "| peak RSS MiB, median | %.1f | %.1f | %+.1f MiB (per pair: %s) | <= +%.0f MiB | %s |",
                rssOff, rssOn, rssDelta, join(pairRss, "%+.1f"), RSS_TARGET_MIB, Report.pf(rssDelta <= RSS_TARGET_MIB));
        // VmHWM also catches transient peaks (start-up, the recording's open under a busy machine) that moved by
        // 15 MiB between runs of the same mode; the resident size at the window's end is the steady state
        double endOff = median(off.stream().map(r -> rssAtEnd(r.m())).toList());
        double endOn = median(on.stream().map(r -> rssAtEnd(r.m())).toList());
        bench.say(
                "| RSS MiB at the window's end, median (information) | %.1f | %.1f | %+.1f MiB | | |",
                endOff, endOn, endOn - endOff);
        bench.say(
                "| recordings verified, encrypted ones without an MP4 box header | %d/%d | %d/%d | | all | %s |",
                off.stream().filter(Run::ok).count(),
                off.size(),
                on.stream().filter(Run::ok).count(),
                on.size(),
                Report.pf(allOk));
        if (cpuRatio > CPU_TARGET)
            missed.add(
                    String.format(Locale.ROOT, "CPU per frame on/off %.4fx (target <= %.2fx)", cpuRatio, CPU_TARGET));
        if (rssDelta > RSS_TARGET_MIB)
            missed.add(String.format(Locale.ROOT, "peak RSS on-off %+.1f MiB (target <= +2)", rssDelta));
        if (!allOk) missed.add("a recording failed its check (see the runs above)");

        // where the difference went: the threads whose median CPU per frame moved
        TreeSet<String> names = new TreeSet<>();
        runs.forEach(r -> names.addAll(threadMap(r.m().threads()).keySet()));
        List<String> moved = new ArrayList<>();
        for (String n : names) {
            double a = median(off.stream()
                    .map(r -> threadMap(r.m().threads()).getOrDefault(n, 0.0))
                    .toList());
            double b = median(on.stream()
                    .map(r -> threadMap(r.m().threads()).getOrDefault(n, 0.0))
                    .toList());
            if (Math.abs(b - a) >= 0.02) moved.add(String.format(Locale.ROOT, "%s %.2f -> %.2f", n, a, b));
        }
        bench.say("");
        bench.say(
                "(CPU ms/frame by thread, median off -> on, threads among each run's busiest 8 that moved by 0.02 or more: %s)",
                moved.isEmpty() ? "none" : String.join("; ", moved));
    }

    void cipherTables(List<Run> runs, Map<String, Map<String, Double>> ciphers, int kbps) {

        if (!ciphers.isEmpty()) {
            List<String> settings = new ArrayList<>();
            ciphers.values()
                    .forEach(m -> m.keySet().forEach(k -> {
                        if (!settings.contains(k)) settings.add(k);
                    }));
            bench.say("");
            bench.say("## the cipher alone, MB per CPU-second (one thread, %d-byte pieces)", PIECE_BYTES);
            bench.say("");
            bench.say("| cipher | " + String.join(" | ", settings) + " |");
            bench.say("|---|" + "---:|".repeat(settings.size()));
            for (var e : ciphers.entrySet()) {
                StringBuilder row = new StringBuilder("| " + e.getKey() + " |");
                for (String s : settings)
                    row.append(
                            String.format(Locale.ROOT, " %.1f |", e.getValue().getOrDefault(s, Double.NaN)));
                bench.say("%s", row.toString());
            }
            // a second of video while recording: the recording's pieces sealed and their plaintext hashed (on top of
            // the hash of the sealed bytes, which a plaintext recording pays too), and the same pieces sealed again
            // into the pre-event scratch files, which the unit always writes
            int audioKbps = Integer.parseInt(
                    runs.isEmpty() ? "64" : runs.getFirst().info().getOrDefault("audioKbps", "64"));
            double mbPerSecond = (kbps + audioKbps) / 8.0 / 1000.0;
            String noHw = "C1 only, no AES/GHASH/SHA-256 intrinsics";
            Double seal = ciphers.getOrDefault("aes-gcm-seal-bc", Map.of()).get(noHw);
            Double sha = ciphers.getOrDefault("sha-256-jdk", Map.of()).get(noHw);
            Double chacha =
                    ciphers.getOrDefault("chacha20-poly1305-seal-bc", Map.of()).get(noHw);
            Double open = ciphers.getOrDefault("aes-gcm-open-jdk", Map.of()).get(noHw);
            if (seal != null && sha != null) {
                // CPU-seconds per second of video
                double recording = mbPerSecond / seal + mbPerSecond / sha;
                double scratch = mbPerSecond / seal;
                int pre = Integer.parseInt(bench.opt.getOrDefault("pre-event", "30"));
                bench.say("");
                bench.say(
                        "Pi 4 estimate, from the column \"%s\" (no AES, GHASH or SHA-256 instructions, as a Cortex-A72 without the crypto extensions):",
                        noHw);
                bench.say(
                        "  %.3f MB/s of media (%d + %d kb/s); recording = AES-GCM seal (BouncyCastle) + SHA-256 of the plaintext; scratch = AES-GCM seal (always on)",
                        mbPerSecond, kbps, audioKbps);
                bench.say(
                        "  this core: recording %.2f%% of a core (%.3f ms CPU/frame at 30 fps), scratch %.2f%%, together %.2f%%",
                        100 * recording, 1000 * recording / 30, 100 * scratch, 100 * (recording + scratch));
                bench.say(
                        "  Pi 4, ASSUMING a Cortex-A72 at 1.5 GHz runs this scalar Java code %.0fx slower than this core (a guess from published single-core scores, not measured):"
                                + " recording %.1f%%, scratch %.1f%%, together %.1f%% of one of its 4 cores (%.2f ms CPU per 33 ms frame)",
                        PI_SLOWER,
                        100 * recording * PI_SLOWER,
                        100 * scratch * PI_SLOWER,
                        100 * (recording + scratch) * PI_SLOWER,
                        1000 * (recording + scratch) * PI_SLOWER / 30);
                if (chacha != null)
                    bench.say(
                            "  with ChaCha20-Poly1305 (BouncyCastle) for both instead: this core %.2f%%, Pi 4 (same %.0fx) %.1f%% of a core",
                            100 * (2 * mbPerSecond / chacha + mbPerSecond / sha),
                            PI_SLOWER,
                            100 * (2 * mbPerSecond / chacha + mbPerSecond / sha) * PI_SLOWER);
                if (open != null)
                    bench.say(
                            "  once per recording, opening the %d s of pre-event scratch (JDK AES-GCM): this core %.2f CPU-s, Pi 4 (same %.0fx) %.1f CPU-s",
                            pre, pre * mbPerSecond / open, PI_SLOWER, pre * mbPerSecond * PI_SLOWER / open);
            }
        }
    }

    /** The "RSS at end N MiB" of {@link Orchestrator#window}. */
    static double rssAtEnd(Measured m) {
        var matcher =
                java.util.regex.Pattern.compile("RSS at end ([0-9.]+) MiB").matcher(m.rssSplit());
        return matcher.find() ? Double.parseDouble(matcher.group(1)) : Double.NaN;
    }

    static String join(List<Double> v, String format) {
        return String.join(
                ", ", v.stream().map(x -> String.format(Locale.ROOT, format, x)).toList());
    }
}
