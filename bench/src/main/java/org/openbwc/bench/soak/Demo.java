package org.openbwc.bench.soak;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The demo under test: {@code bwc demo} as its own process from the copied app, with ports and a data folder of its own. */
final class Demo {
    /** How long the units may take to come online: HiveMQ's first start and three enrolments. */
    private static final long ONLINE_TIMEOUT_MS = 180_000;
    /** How long the demo may take to stop after SIGTERM before it is killed. */
    private static final long STOP_TIMEOUT_MS = 60_000;

    private final SoakBench bench;
    private final Process process;
    private final Path log, dataDir;
    final int httpPort, simPort, mqttPort, unitPort;
    /** The demo's 'admin' password (made for this run; not written to any file). */
    final String adminPassword;

    final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private Exit exit;

    private Demo(SoakBench bench, Process process, Path log, Path dataDir, int[] ports, String adminPassword) {
        this.bench = bench;
        this.adminPassword = adminPassword;
        this.process = process;
        this.log = log;
        this.dataDir = dataDir;
        this.httpPort = ports[0];
        this.simPort = ports[1];
        this.mqttPort = ports[2];
        this.unitPort = ports[3];
    }

    static Demo start(SoakBench b) throws Exception {
        int[] ports = freePorts(4);
        Path data = b.work.resolve("data");
        if (Files.exists(data)) throw new IllegalStateException(data + " exists: the run folder must be new");
        Path log = b.work.resolve("demo.log");
        List<String> cmd = new ArrayList<>();
        cmd.add(b.java);
        cmd.add("--enable-native-access=ALL-UNNAMED");
        for (String o : b.demoJvm.trim().split("\\s+")) if (!o.isEmpty()) cmd.add(o);
        if (b.nmt) cmd.add("-XX:NativeMemoryTracking=summary");
        cmd.addAll(List.of(
                "-jar",
                b.app.resolve("bwc.jar").toString(),
                "demo",
                "--units",
                Integer.toString(b.units),
                "--http-port",
                Integer.toString(ports[0]),
                "--sim-port",
                Integer.toString(ports[1]),
                "--mqtt-port",
                Integer.toString(ports[2]),
                "--unit-port",
                Integer.toString(ports[3]),
                "--tile-url",
                "none",
                "--data-dir",
                data.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .directory(b.work.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        for (String e : b.demoEnv.trim().split("\\s+")) {
            int eq = e.indexOf('=');
            if (eq > 0) pb.environment().put(e.substring(0, eq), e.substring(eq + 1));
        }
        Files.writeString(
                b.work.resolve("demo-command.txt"), "env " + b.demoEnv.trim() + " " + String.join(" ", cmd) + "\n");
        // added after the command file was written: it is the demo's only credential
        String password = String.format("soak-%016x", new java.security.SecureRandom().nextLong());
        pb.command().addAll(List.of("--admin-password", password));
        Demo demo = new Demo(b, pb.start(), log, data, ports, password);
        b.writePids();
        demo.awaitOnline();
        return demo;
    }

    private void awaitOnline() {
        long deadline = System.currentTimeMillis() + ONLINE_TIMEOUT_MS;
        while (true) {
            if (!process.isAlive())
                throw new IllegalStateException(
                        "the demo exited (" + process.exitValue() + ") before its units came" + " online; see " + log);
            try {
                String units = simGet("/api/units");
                int connected = count(units, "\"connected\":true");
                if (connected >= bench.units && count(units, "\"state\":\"BUFFERING\"") >= bench.units) return;
            } catch (Exception notYet) {
                // the virtual-units server starts after the gateway
            }
            if (System.currentTimeMillis() > deadline)
                throw new IllegalStateException("the demo's units were not online (connected and BUFFERING) after "
                        + ONLINE_TIMEOUT_MS / 1000 + " s; see " + log);
            SoakBench.sleep(500);
        }
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    String exitValue() {
        return process.isAlive() ? "running" : "exit " + process.exitValue();
    }

    Path log() {
        return log;
    }

    Path dataDir() {
        return dataDir;
    }

    String base() {
        return "http://127.0.0.1:" + httpPort;
    }

    String simBase() {
        return "http://127.0.0.1:" + simPort;
    }

    List<String> unitIds() {
        List<String> ids = new ArrayList<>();
        for (int i = 1; i <= bench.units; i++) ids.add(String.format("bwc-%03d", i));
        return ids;
    }

    // ---- the virtual-units API ------------------------------------------------------------------------------------

    String simGet(String path) throws Exception {
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(URI.create(simBase() + path))
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) throw new IllegalStateException("GET " + path + ": HTTP " + r.statusCode());
        return r.body();
    }

    String simPost(String path) throws Exception {
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(URI.create(simBase() + path))
                        .POST(HttpRequest.BodyPublishers.noBody())
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200)
            throw new IllegalStateException("POST " + path + ": HTTP " + r.statusCode() + " " + r.body());
        return r.body();
    }

    /** The unit's state as the virtual-units API shows it (BUFFERING, RECORDING, POST_EVENT, ...). */
    String unitState(String id) throws Exception {
        Matcher m = Pattern.compile("\"state\":\"([A-Z_]+)\"").matcher(simGet("/api/units/" + id));
        if (!m.find()) throw new IllegalStateException("no state for unit " + id);
        return m.group(1);
    }

    // ---- stop -----------------------------------------------------------------------------------------------------

    /** How the demo ended. */
    record Exit(boolean sigterm, double seconds, Integer code, boolean killed) {
        @Override
        public String toString() {
            if (!sigterm) return "it had exited by itself" + (code == null ? "" : " (exit " + code + ")");
            if (killed) return "did not exit within " + STOP_TIMEOUT_MS / 1000 + " s of SIGTERM; killed";
            return String.format(java.util.Locale.ROOT, "exit %d %.1f s after SIGTERM", code, seconds);
        }

        boolean clean() {
            return sigterm && !killed && code != null && (code == 0 || code == 143);
        }
    }

    /** SIGTERM (what Ctrl-C's shutdown hook also runs on), then waits; kills it only if it does not exit. */
    synchronized Exit stop() {
        if (exit != null) return exit;
        if (!process.isAlive()) return exit = new Exit(false, 0, process.exitValue(), false);
        long t = System.nanoTime();
        process.destroy(); // SIGTERM
        try {
            if (process.waitFor(STOP_TIMEOUT_MS, TimeUnit.MILLISECONDS))
                return exit = new Exit(true, (System.nanoTime() - t) / 1e9, process.exitValue(), false);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process.destroyForcibly();
        return exit = new Exit(true, (System.nanoTime() - t) / 1e9, null, true);
    }

    // ---- the log --------------------------------------------------------------------------------------------------

    /** What the demo's log says went wrong. */
    record LogScan(
            List<String> errors,
            int warnCount,
            Map<String, Integer> warnKinds,
            int stackLines,
            List<String> stackHeads) {}

    private static final Pattern LEVEL = Pattern.compile("^\\d\\d:\\d\\d:\\d\\d\\.\\d{3} (ERROR|WARN)\\s+(.*)$");
    private static final Pattern STACK_HEAD =
            Pattern.compile("^(Caused by: |Exception in thread )?[\\w$.]+(Exception|Error|Throwable)(: .*)?$");

    LogScan scanLog() throws IOException {
        List<String> errors = new ArrayList<>();
        Map<String, Integer> warnKinds = new LinkedHashMap<>();
        List<String> heads = new ArrayList<>();
        Set<String> seenHeads = new HashSet<>();
        int warns = 0, stack = 0;
        for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
            Matcher m = LEVEL.matcher(line);
            if (m.matches()) {
                if (m.group(1).equals("ERROR")) errors.add(line);
                else {
                    warns++;
                    warnKinds.merge(normalise(m.group(2)), 1, Integer::sum);
                }
            } else if (line.startsWith("\tat ") || line.startsWith("\t... ")) {
                stack++;
            } else if (STACK_HEAD.matcher(line.trim()).matches()) {
                stack++;
                if (seenHeads.add(normalise(line.trim()))) heads.add(line.trim());
            }
        }
        return new LogScan(errors, warns, warnKinds, stack, heads);
    }

    /** A message with its numbers, ids and times taken out, to count messages of one kind. */
    static String normalise(String message) {
        String s = message.replaceAll("\\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z?", "<time>")
                .replaceAll("[0-9a-f]{16,}", "<hex>")
                .replaceAll("\\d+", "N");
        return s.length() > 160 ? s.substring(0, 160) + "…" : s;
    }

    // ---- helpers --------------------------------------------------------------------------------------------------

    static int count(String s, String what) {
        int n = 0;
        for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + 1)) n++;
        return n;
    }

    /** {@code n} distinct free ports (each was free a moment ago). */
    static int[] freePorts(int n) throws IOException {
        int[] ports = new int[n];
        List<ServerSocket> open = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                ServerSocket s = new ServerSocket(0);
                open.add(s);
                ports[i] = s.getLocalPort();
            }
        } finally {
            for (ServerSocket s : open) s.close();
        }
        return ports;
    }
}
