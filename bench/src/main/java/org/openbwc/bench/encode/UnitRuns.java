package org.openbwc.bench.encode;

import static org.openbwc.bench.encode.UnitMqtt.json;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** The real unit process ({@code ./bwc device}), driven over MQTT 5, measured, and its recording verified. */
final class UnitRuns {
    private final Orchestrator bench;

    UnitRuns(Orchestrator bench) {
        this.bench = bench;
    }

    static final String UNIT_LOG = "unit-1080p-x264.log";

    /** The unit process run: its window (null when it could not be measured) and what else is known about it. */
    record UnitRun(Measured m, Map<String, String> info) {}

    /**
     * The real unit process: {@code UnitMain --config FILE} in its own JVM, started as ./bwc device starts it. After
     * the warm-up (at least the pre-event length, so that the buffer is full) the orchestrator sends record.start over
     * MQTT; the window runs from the unit's first status after the start to the first status one window later, and
     * /proc is sampled the moment each status arrives. Frames in the window: the recording's media time times the
     * frame rate, less the frames the unit dropped (the media time runs on across dropped frames), both read from
     * the status. Then record.stop, the sealed recording is awaited, the unit is stopped with SIGTERM, and the
     * recording is checked with EvidenceVerifier. Without a broker the unit runs and is measured without a recording.
     */
    UnitRun measureUnit(int kbps, int preSeconds, int seconds) throws Exception {
        bench.waitQuiet();
        int fps = 30;
        String unitId = bench.opt.getOrDefault("unit-id", "bench-unit");
        Path config = Path.of(bench.opt.get("unit-config"));
        Path data = Path.of(bench.opt.get("unit-data"));
        String url = bench.opt.get("mqtt-url");
        Map<String, String> info = new LinkedHashMap<>();
        UnitMqtt mqtt = null;
        org.openbwc.bench.fanout.BenchBroker tls = null;
        if ("1".equals(bench.opt.get("unit-tls"))) {
            // A TLS Mosquitto of the bench's own; the unit gets its certificate from the bench's CA, as from enrolment.
            // A folder per run (the unit's data dir is named by the run's time): a CA is never made over another.
            Path tlsFolder = bench.work.resolve("tls-" + data.getFileName());
            tls = org.openbwc.bench.fanout.BenchBroker.start(true, tlsFolder, tlsFolder.resolve("gateway"));
            org.openbwc.pki.AgencyCa ca = org.openbwc.pki.AgencyCa.open(tls.caFolder(), java.time.Clock.systemUTC());
            Path keys = data.resolve("keys");
            ca.issueClient(unitId, org.openbwc.pki.IdentityRole.UNIT, java.time.Duration.ofDays(2))
                    .write(keys.resolve("unit.key"), keys.resolve("unit.crt"));
            org.openbwc.pki.Pem.writeCertificates(keys.resolve("ca.crt"), ca.certificate());
            String yaml = Files.readString(config);
            if (!yaml.contains(url)) throw new IllegalStateException(config + " does not name " + url);
            Path tlsConfig = bench.work.resolve("unit-tls.yaml");
            Files.writeString(tlsConfig, yaml.replace(url, tls.url()));
            config = tlsConfig;
            url = tls.url();
            info.put("tls", "1");
        }
        try {
            mqtt = tls != null ? UnitMqtt.connect(url, unitId, tls.socketFactory()) : UnitMqtt.connect(url, unitId);
            info.put("broker", "ok");
        } catch (Exception e) {
            info.put("broker", "none");
            bench.say(
                    "   NO MQTT BROKER at %s (%s): the unit is measured WITHOUT a recording (no record.start, no status;"
                            + " fps over the unit's whole run, from its log)",
                    url, e.getMessage() == null ? e.toString() : e.getMessage());
        }
        Path log = bench.logs.resolve(UNIT_LOG);
        List<String> cmd = bench.unitCommand(config);
        Files.writeString(log, bench.unitEnv() + " " + String.join(" ", cmd) + "\n");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).directory(bench.work.toFile());
        pb.environment().putAll(bench.unitEnv());
        Process p = pb.start();
        long pid = p.pid();
        if (mqtt != null) mqtt.pid = pid;
        // the unit's output goes to its log; the lines that matter are also handed over, with their arrival time
        BlockingQueue<String> marks = new LinkedBlockingQueue<>();
        Thread reader = new Thread(
                () -> {
                    try (BufferedReader r = p.inputReader(StandardCharsets.UTF_8);
                            Writer l = Files.newBufferedWriter(
                                    log, StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND)) {
                        for (String line; (line = r.readLine()) != null; ) {
                            l.write(line + "\n");
                            l.flush();
                            if (line.contains("media pipeline started")
                                    || line.contains("media pipeline stopped:")
                                    || line.contains("camera failed to start")
                                    || line.contains("dropping pictures")) {
                                marks.add(line);
                            }
                        }
                    } catch (IOException ignored) {
                        // the unit is gone
                    }
                    marks.add("EOF");
                },
                "unit-reader");
        reader.setDaemon(true);
        reader.start();
        try {
            String started = awaitMark(marks, "media pipeline started", 90, log);
            long t0 = System.nanoTime();
            bench.say("   %s", started.replaceFirst("^\\S+\\s+\\S+\\s+", ""));
            if (mqtt != null && mqtt.awaitStatus(s -> "true".equals(json(s.payload(), "online")), 30) == null) {
                bench.say(
                        "   (no status from the unit within 30 s of its start: is it connected to %s? see %s)",
                        url, log);
            }
            int warm = Math.max(bench.warmup, preSeconds + 2);
            sleepUntil(t0 + TimeUnit.SECONDS.toNanos(warm));

            Object[] a;
            Object[] b;
            String recordingId = null;
            List<String> dropEvents = new ArrayList<>();
            if (mqtt != null) {
                String reply = mqtt.command("record.start", 15);
                info.put("startReply", replySummary(reply));
                bench.say("   record.start after %d s (pre-event buffer full): %s", warm, replySummary(reply));
                // the window starts at the first status that carries the recording's media time, a second or more
                // after the start
                long notBefore = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
                mqtt.statuses.clear();
                UnitMqtt.Message first = mqtt.awaitStatus(
                        s -> s.proc() != null
                                && s.nanos() >= notBefore
                                && isNumber(json(s.payload(), "recordingMillis")),
                        40);
                if (first == null) {
                    bench.say(
                            "   no status with the recording's media time within 40 s: measuring CPU and memory only (see %s)",
                            log);
                } else {
                    recordingId = json(first.payload(), "recordingId");
                    a = statusSample(first, fps);
                    long end = first.nanos() + TimeUnit.SECONDS.toNanos(seconds);
                    long progressEvery = Math.max(60, seconds / 10);
                    long nextProgress = progressEvery;
                    long lastDropped = Long.parseLong(Orchestrator.asMap(a[1]).get("dropped"));
                    UnitMqtt.Message last = null;
                    while (last == null) {
                        // statuses come every statusIntervalSeconds: the first one within a second of the window's
                        // end closes it
                        UnitMqtt.Message s = mqtt.awaitStatus(
                                x -> x.proc() != null && isNumber(json(x.payload(), "recordingMillis")),
                                (int) Math.max(1, (end - System.nanoTime()) / 1_000_000_000L + 30));
                        if (s == null)
                            throw new IllegalStateException("the unit stopped sending status messages; see " + log);
                        long t = (s.nanos() - first.nanos()) / 1_000_000_000L;
                        long d = Long.parseLong(json(s.payload(), "droppedFrames"));
                        if (d > lastDropped) dropEvents.add("+" + (d - lastDropped) + " by second " + t);
                        lastDropped = d;
                        if (s.nanos() >= end - TimeUnit.SECONDS.toNanos(1)) {
                            last = s;
                        } else if (t >= nextProgress) {
                            nextProgress += progressEvery;
                            bench.say(
                                    "   ... %4d s: recordingMillis=%s droppedFrames=%s VmRSS=%d KiB VmHWM=%d KiB",
                                    t,
                                    json(s.payload(), "recordingMillis"),
                                    d,
                                    ProcSample.statusField(pid, "VmRSS:"),
                                    ProcSample.peakRssKib(pid));
                        }
                    }
                    b = statusSample(last, fps);
                    info.put("window", "status");
                    return finishUnit(p, pid, mqtt, log, marks, data, recordingId, a, b, dropEvents, fps, t0, info);
                }
            }
            // no broker, or no status with the media time: CPU and memory over the window, frames from the log at
            // the end
            a = new Object[] {ProcSample.of(pid), new LinkedHashMap<>(Map.of("frames", "0", "dropped", "0"))};
            sleepUntil(((ProcSample) a[0]).nanos() + TimeUnit.SECONDS.toNanos(seconds));
            b = new Object[] {ProcSample.of(pid), new LinkedHashMap<>(Map.of("frames", "0", "dropped", "0"))};
            info.put("window", "log");
            return finishUnit(p, pid, mqtt, log, marks, data, recordingId, a, b, dropEvents, fps, t0, info);
        } finally {
            if (p.isAlive()) {
                p.toHandle().destroy();
                if (!p.waitFor(30, TimeUnit.SECONDS)) p.destroyForcibly();
            }
            if (mqtt != null) {
                mqtt.clearRetained();
                mqtt.close();
            }
            if (tls != null) tls.close();
        }
    }

    /**
     * The end of the unit run: memory at the end of the window, record.stop, the sealed recording awaited, SIGTERM,
     * the pipeline's own final counters from the log, the recording verified.
     */
    UnitRun finishUnit(
            Process p,
            long pid,
            UnitMqtt mqtt,
            Path log,
            BlockingQueue<String> marks,
            Path data,
            String recordingId,
            Object[] a,
            Object[] b,
            List<String> dropEvents,
            int fps,
            long t0,
            Map<String, String> info)
            throws Exception {
        long[] atWindowEnd = ProcSample.memory(pid);
        bench.nmt(pid, log);
        Path recording = null;
        if (mqtt != null && info.containsKey("startReply")) {
            String reply = mqtt.command("record.stop", 15);
            info.put("stopReply", replySummary(reply));
            bench.say("   record.stop: %s", replySummary(reply));
            // the manifest is written when the recording is sealed (after the post-event time, if any)
            Path evidence = data.resolve("evidence");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (recording == null && System.nanoTime() < deadline) {
                recording = sealedRecording(evidence, recordingId);
                if (recording == null) Thread.sleep(100);
            }
            if (recording != null) {
                // the unit checks its own recording right after sealing (hashing it all again: more than 5 s for
                // the ten-minute run's 200 MB) and says so in an event
                UnitMqtt.Message sealedEvent =
                        UnitMqtt.await(mqtt.events, e -> "recording.sealed".equals(json(e.payload(), "type")), 30);
                if (sealedEvent != null) info.put("selfCheck", json(sealedEvent.payload(), "verified"));
            } else {
                bench.say(
                        "   no manifest.json under %s within 20 s of record.stop",
                        recordingId == null ? evidence : evidence.resolve(recordingId));
            }
        }
        long[] beforeStop = ProcSample.memory(pid);
        long cpuBeforeStop = ProcSample.processTicks(pid);
        long stopAt = System.nanoTime();
        // SIGTERM, as systemd stops a unit: its shutdown hook closes it cleanly. Through the ProcessHandle, because
        // Process.destroy() also closes our end of the unit's output at once, losing what it logs while it stops.
        p.toHandle().destroy();
        boolean exited = p.waitFor(30, TimeUnit.SECONDS);
        if (!exited) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
        Map<String, String> stopped = new LinkedHashMap<>();
        String line = pollMark(marks, "media pipeline stopped:", 10);
        if (line != null) {
            var m = java.util.regex.Pattern.compile("(\\w+)=([0-9.]+)")
                    .matcher(line.substring(line.indexOf("PipelineStats[")));
            while (m.find()) stopped.put(m.group(1), m.group(2));
        }
        bench.say(
                "   unit stopped with SIGTERM: %s; %s",
                exited ? "exit " + p.exitValue() : "did not exit within 30 s, killed",
                stopped.isEmpty() ? "no 'media pipeline stopped' line in its log" : "final pipeline stats " + stopped);

        ProcSample pa = (ProcSample) a[0];
        ProcSample pb = (ProcSample) b[0];
        double wall = (pb.nanos() - pa.nanos()) / 1e9;
        long framesEncoded = Long.parseLong(stopped.getOrDefault("framesEncoded", "0"));
        Map<String, String> sa = Orchestrator.asMap(a[1]);
        Map<String, String> sb = Orchestrator.asMap(b[1]);
        if (!"status".equals(info.get("window"))) {
            if (framesEncoded == 0) info.put("fpsUnknown", "1");
            // no status: the frame rate of the whole run (from the pipeline start to SIGTERM), from the log
            double wholeFps = framesEncoded / Math.max(1e-9, (stopAt - t0) / 1e9);
            sb.put("frames", Long.toString(Math.round(wholeFps * wall)));
            sb.put("dropped", "0");
        }
        Map<String, String> done = new LinkedHashMap<>();
        if (stopped.containsKey("framesDropped")) done.put("dropped", stopped.get("framesDropped"));
        Measured w = bench.window("unit", a, b, atWindowEnd, "frames", "dropped", done);
        Map<String, String> last = new LinkedHashMap<>(sb);
        last.put("frames", stopped.getOrDefault("framesEncoded", "?"));
        // peak: VmHWM just before SIGTERM, so that it covers startup, the recording, its sealing and self-check
        Measured m = new Measured(
                "unit",
                w.wallSeconds(),
                w.frames(),
                w.droppedInWindow(),
                w.droppedTotal(),
                w.cpuSeconds(),
                w.otherCores(),
                Math.max(atWindowEnd[0], beforeStop[0]),
                w.rssSplit(),
                framesEncoded == 0 ? Double.NaN : cpuBeforeStop * 1000.0 / bench.clkTck / framesEncoded,
                w.threads(),
                last);
        bench.sayMeasured(m);
        bench.say(
                "             frames in the window: %s; RSS before SIGTERM %.1f MiB (VmHWM %.1f MiB) = anon %.1f + file %.1f + shmem %.1f",
                "status".equals(info.get("window"))
                        ? "the recording's media time x " + fps
                                + " fps - dropped frames, from the unit's status (to about one 200 ms fragment)"
                        : "NO STATUS: the whole run's frame rate (log) x the window",
                beforeStop[1] / 1024.0,
                beforeStop[0] / 1024.0,
                beforeStop[2] / 1024.0,
                beforeStop[3] / 1024.0,
                beforeStop[4] / 1024.0);
        if ("status".equals(info.get("window"))) {
            bench.say(
                    "   dropped before the window: %s; in the window (seconds after its start, per status): %s",
                    sa.get("dropped"), dropEvents.isEmpty() ? "none" : String.join(", ", dropEvents));
        }
        info.put("rssEndKib", Long.toString(beforeStop[1]));
        info.put("rssWindowEndKib", Long.toString(atWindowEnd[1]));
        if (recording != null) {
            Map<String, String> v = verifyRecording(recording, data.resolve("keys"));
            info.putAll(v);
            bench.say(
                    "   recording %s: %s s of media (%s s pre-event), %s fragments, %s dropped fragments, %s segment(s), %.1f MB, verified=%s (%s); the unit's own check: verified=%s",
                    recording,
                    seconds(v.get("durationMs")),
                    seconds(v.get("preEventMs")),
                    v.get("fragments"),
                    v.get("droppedFragments"),
                    v.get("segments"),
                    Long.parseLong(v.getOrDefault("bytes", "0")) / 1e6,
                    v.get("verified"),
                    String.valueOf(v.get("verifyMessage")).replace('_', ' '),
                    info.getOrDefault("selfCheck", "?"));
        }
        return new UnitRun(m, info);
    }

    /** The folder of the sealed recording (its manifest.json is there), or null; any recording when the id is unknown. */
    static Path sealedRecording(Path evidence, String recordingId) throws IOException {
        if (recordingId != null) {
            Path dir = evidence.resolve(recordingId);
            return Files.exists(dir.resolve("manifest.json")) ? dir : null;
        }
        if (!Files.isDirectory(evidence)) return null;
        try (var dirs = Files.list(evidence)) {
            return dirs.filter(d -> Files.exists(d.resolve("manifest.json")))
                    .findFirst()
                    .orElse(null);
        }
    }

    /** EvidenceVerifier on the unit's recording, in a JVM of its own (the orchestrator has no device classes). */
    Map<String, String> verifyRecording(Path recording, Path keys) throws Exception {
        Path log = bench.logs.resolve("unit-verify.log");
        List<String> cmd =
                new ArrayList<>(List.of(bench.javaBin, "-XX:+UseSerialGC", "--enable-native-access=ALL-UNNAMED"));
        if (bench.opt.containsKey("tinylog")) cmd.add("-Dtinylog.configuration=" + bench.opt.get("tinylog"));
        cmd.addAll(List.of(
                "-cp",
                bench.classes + ":" + bench.opt.get("lib-gpl") + "/*",
                EncodeBench.class.getName(),
                "verify",
                recording.toString(),
                keys.toString()));
        Process p = new ProcessBuilder(cmd).redirectError(log.toFile()).start();
        Map<String, String> result = new LinkedHashMap<>();
        try (BufferedReader r = p.inputReader(StandardCharsets.UTF_8)) {
            for (String line; (line = r.readLine()) != null; ) {
                if (line.startsWith("@@ VERIFIED ")) result.putAll(Orchestrator.parse(line.substring(3)));
            }
        }
        if (!p.waitFor(120, TimeUnit.SECONDS) || result.isEmpty()) {
            p.destroyForcibly();
            result.put("verified", "?");
            result.put("verifyMessage", "the verifier did not answer; see " + log);
        }
        return result;
    }

    static String seconds(String millis) {
        return millis == null || !millis.matches("-?\\d+")
                ? "?"
                : String.format(Locale.ROOT, "%.1f", Long.parseLong(millis) / 1000.0);
    }

    static boolean isNumber(String s) {
        return s != null && s.matches("\\d+");
    }

    static String replySummary(String reply) {
        if (reply == null) return "no reply within 15 s";
        return "ok=" + json(reply, "ok") + ", reason \"" + json(reply, "reason") + "\", state " + json(reply, "state");
    }

    /** A status as a window sample: frames = media time x fps - dropped frames (media time runs on over a drop). */
    static Object[] statusSample(UnitMqtt.Message s, int fps) {
        long mediaMs = Long.parseLong(json(s.payload(), "recordingMillis"));
        String droppedText = json(s.payload(), "droppedFrames");
        long dropped = isNumber(droppedText) ? Long.parseLong(droppedText) : 0;
        Map<String, String> m = new LinkedHashMap<>();
        m.put("frames", Long.toString(Math.round(mediaMs * fps / 1000.0) - dropped));
        m.put("dropped", Long.toString(dropped));
        m.put("recordingMillis", Long.toString(mediaMs));
        return new Object[] {s.proc(), m};
    }

    static void sleepUntil(long nanos) throws InterruptedException {
        long left = nanos - System.nanoTime();
        if (left > 0) Thread.sleep(left / 1_000_000, (int) (left % 1_000_000));
    }

    static String awaitMark(BlockingQueue<String> marks, String what, int timeoutSeconds, Path log)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        for (long left; (left = deadline - System.nanoTime()) > 0; ) {
            String line = marks.poll(left, TimeUnit.NANOSECONDS);
            if (line == null) break;
            if (line.equals("EOF"))
                throw new IllegalStateException("the unit exited before '" + what + "'; see " + log);
            if (line.contains("camera failed to start"))
                throw new IllegalStateException("the unit's " + line.trim() + "; see " + log);
            if (line.contains(what)) return line;
        }
        throw new IllegalStateException("no '" + what + "' from the unit within " + timeoutSeconds + " s; see " + log);
    }

    static String pollMark(BlockingQueue<String> marks, String what, int timeoutSeconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        for (long left; (left = deadline - System.nanoTime()) > 0; ) {
            String line = marks.poll(left, TimeUnit.NANOSECONDS);
            if (line == null || line.equals("EOF")) return null;
            if (line.contains(what)) return line;
        }
        return null;
    }
}
