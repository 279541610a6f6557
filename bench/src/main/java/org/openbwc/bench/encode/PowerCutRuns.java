package org.openbwc.bench.encode;

import static org.openbwc.bench.encode.UnitMqtt.json;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * What a power cut costs the real unit process: {@code --only powercut}. The unit ({@code ./bwc device}, 1080p30
 * x264, mock HAL) is started, recording is started over MQTT, and after a random 2-6 s the process is killed with
 * SIGKILL; the next start recovers the recording from its journal, as after a real power cut. The loss of each kill
 * runs from the capture time of the last picture the journal holds as durable ({@code capturedAt} of its last
 * fragment line) to the kill; the cut-to-kill figure (what the README used to quote) is shown beside it. After the last
 * kill the unit is started once more to recover it, and every recording is verified.
 *
 * <p>A kill -9 leaves what the process wrote but had not forced in the page cache, where a power cut would lose it:
 * the journal line of a fragment is written right after its bytes are forced and is itself forced at once, so a kill
 * can count at most one fragment more than a power cut at the same instant would (the time of one fsync).
 */
final class PowerCutRuns {
    private final Orchestrator bench;
    private final UnitRuns units;

    PowerCutRuns(Orchestrator bench) {
        this.bench = bench;
        this.units = new UnitRuns(bench);
    }

    /** One kill: the loss from capture and from the cut, and how the journal's fragments lagged capture. */
    record Kill(long lossFromCaptureMs, long lossFromCutMs, List<Long> captureToCutMs, String recordingId) {}

    void run(int kills) throws Exception {
        String unitId = bench.opt.getOrDefault("unit-id", "bench-unit");
        Path config = Path.of(bench.opt.get("unit-config"));
        Path data = Path.of(bench.opt.get("unit-data"));
        String url = bench.opt.get("mqtt-url");
        Random random = new Random(42);
        List<Kill> results = new ArrayList<>();
        bench.say("");
        bench.say(
                "## power cut: %d x SIGKILL of the unit process (1080p30 x264) 2-6 s into a recording; broker %s",
                kills, url);
        try (UnitMqtt mqtt = UnitMqtt.connect(url, unitId)) {
            for (int i = 1; i <= kills; i++) {
                bench.waitQuiet();
                Running unit = start(config, "powercut-" + i);
                try {
                    mqtt.pid = unit.process.pid();
                    UnitRuns.awaitMark(unit.marks, "media pipeline started", 90, unit.log);
                    if (mqtt.awaitStatus(s -> "true".equals(json(s.payload(), "online")), 30) == null) {
                        throw new IllegalStateException("no status from the unit within 30 s; see " + unit.log);
                    }
                    Thread.sleep(3_000); // the encoder warm, the pre-event buffer filling
                    String reply = mqtt.command("record.start", 15);
                    if (reply == null || !"true".equals(json(reply, "ok"))) {
                        throw new IllegalStateException("record.start failed: " + reply);
                    }
                    Thread.sleep(2_000 + random.nextInt(4_000));
                    Instant killedAt = Instant.now();
                    unit.process.destroyForcibly();
                    if (!unit.process.waitFor(10, TimeUnit.SECONDS)) {
                        throw new IllegalStateException("the unit did not die within 10 s of SIGKILL");
                    }
                    String recordingId = unsealed(data.resolve("evidence"));
                    Kill k = measure(data.resolve("evidence").resolve(recordingId), killedAt, recordingId);
                    results.add(k);
                    bench.say(
                            "   kill %2d: last durable picture captured %4d ms before the kill (its fragment cut %4d ms"
                                    + " before); capture to cut in this recording: median %d, max %d ms",
                            i,
                            k.lossFromCaptureMs(),
                            k.lossFromCutMs(),
                            percentile(k.captureToCutMs(), 50),
                            percentile(k.captureToCutMs(), 100));
                } finally {
                    unit.process.destroyForcibly();
                    unit.process.waitFor(10, TimeUnit.SECONDS);
                }
            }
            // One more start recovers the last recording; then a clean stop.
            Running last = start(config, "powercut-recover");
            try {
                UnitRuns.awaitMark(last.marks, "media pipeline started", 90, last.log);
                Thread.sleep(2_000);
            } finally {
                last.process.destroy();
                if (!last.process.waitFor(30, TimeUnit.SECONDS)) last.process.destroyForcibly();
            }
            mqtt.clearRetained();
        }
        report(results, data);
    }

    private void report(List<Kill> kills, Path data) throws Exception {
        List<Long> fromCapture = kills.stream().map(Kill::lossFromCaptureMs).toList();
        List<Long> fromCut = kills.stream().map(Kill::lossFromCutMs).toList();
        List<Long> lag =
                kills.stream().flatMap(k -> k.captureToCutMs().stream()).toList();
        int verified = 0;
        int recovered = 0;
        List<String> problems = new ArrayList<>();
        for (Kill k : kills) {
            Path rec = data.resolve("evidence").resolve(k.recordingId());
            Map<String, String> v = units.verifyRecording(rec, data.resolve("keys"));
            if ("1".equals(v.get("verified"))) verified++;
            else problems.add(k.recordingId() + ": " + v.get("verifyMessage"));
            Path manifest = rec.resolve("manifest.json");
            if (Files.exists(manifest) && "recovered".equals(json(Files.readString(manifest), "endReason")))
                recovered++;
        }
        bench.say("");
        bench.say("   kills: %d; recordings recovered and sealed: %d; verified: %d", kills.size(), recovered, verified);
        for (String p : problems) bench.say("   NOT VERIFIED: %s", p);
        bench.say(
                "   loss from the capture of the last durable picture to the kill: min %d / median %d / p90 %d / max %d ms"
                        + "  [target: max <= 200 ms] %s",
                percentile(fromCapture, 0),
                percentile(fromCapture, 50),
                percentile(fromCapture, 90),
                percentile(fromCapture, 100),
                percentile(fromCapture, 100) <= 200 ? "PASS" : "FAIL");
        bench.say(
                "   (from the cut of its fragment to the kill: min %d / median %d / max %d ms)",
                percentile(fromCut, 0), percentile(fromCut, 50), percentile(fromCut, 100));
        bench.say(
                "   capture of a fragment's last picture to its cut, all %d fragments: median %d / p90 %d / max %d ms",
                lag.size(), percentile(lag, 50), percentile(lag, 90), percentile(lag, 100));
    }

    /** Reads the killed recording's journal: its last durable fragment, and every fragment's capture-to-cut lag. */
    private static Kill measure(Path recording, Instant killedAt, String recordingId) throws IOException {
        Path journal = recording.resolve("journal.jsonl");
        String lastCaptured = null;
        String lastCut = null;
        List<Long> lags = new ArrayList<>();
        try (Stream<String> lines = Files.lines(journal, StandardCharsets.UTF_8)) {
            for (String line : (Iterable<String>) lines::iterator) {
                if (!line.endsWith("}") || !"fragment".equals(json(line, "type"))) continue;
                String captured = json(line, "capturedAt");
                String cut = json(line, "wallClock");
                if (captured == null || cut == null) continue;
                lastCaptured = captured;
                lastCut = cut;
                if (json(line, "preEvent") == null) {
                    lags.add(Duration.between(Instant.parse(captured), Instant.parse(cut))
                            .toMillis());
                }
            }
        }
        if (lastCaptured == null) {
            throw new IllegalStateException(
                    "no fragment with a capture time in " + journal + " (is the unit current?)");
        }
        return new Kill(
                Duration.between(Instant.parse(lastCaptured), killedAt).toMillis(),
                Duration.between(Instant.parse(lastCut), killedAt).toMillis(),
                lags,
                recordingId);
    }

    /** The one recording the killed unit left unsealed (the earlier ones were recovered at its start). */
    private static String unsealed(Path evidence) throws IOException {
        try (Stream<Path> dirs = Files.list(evidence)) {
            List<Path> open = dirs.filter(d -> Files.isDirectory(d) && !Files.exists(d.resolve("manifest.json")))
                    .toList();
            if (open.size() != 1) {
                throw new IllegalStateException("expected one unsealed recording in " + evidence + ", found " + open);
            }
            return open.getFirst().getFileName().toString();
        }
    }

    static long percentile(List<Long> values, int p) {
        if (values.isEmpty()) return -1;
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }

    /** A started unit process, its log and the lines of it that matter. */
    private record Running(Process process, Path log, BlockingQueue<String> marks) {}

    private Running start(Path config, String name) throws IOException {
        Path log = bench.logs.resolve(name + ".log");
        List<String> cmd = bench.unitCommand(config);
        Files.writeString(log, String.join(" ", cmd) + "\n");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).directory(bench.work.toFile());
        pb.environment().putAll(bench.unitEnv());
        Process p = pb.start();
        BlockingQueue<String> marks = new LinkedBlockingQueue<>();
        Thread reader = new Thread(
                () -> {
                    try (BufferedReader r = p.inputReader(StandardCharsets.UTF_8);
                            Writer l =
                                    Files.newBufferedWriter(log, StandardCharsets.UTF_8, StandardOpenOption.APPEND)) {
                        for (String line; (line = r.readLine()) != null; ) {
                            l.write(line + "\n");
                            if (line.contains("media pipeline started") || line.contains("camera failed to start")) {
                                marks.add(line);
                            }
                        }
                    } catch (IOException ignored) {
                        // the unit is gone
                    }
                    marks.add("EOF");
                },
                "unit-reader-" + name);
        reader.setDaemon(true);
        reader.start();
        return new Running(p, log, marks);
    }
}
