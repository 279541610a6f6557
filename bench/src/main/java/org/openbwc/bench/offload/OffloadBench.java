package org.openbwc.bench.offload;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openbwc.config.BrokerConfig;
import org.openbwc.config.GatewayConfig;
import org.openbwc.config.HttpConfig;
import org.openbwc.config.MapConfig;
import org.openbwc.config.MqttConfig;
import org.openbwc.evidence.RecordingLayout;
import org.openbwc.evidence.SyntheticRecording;
import org.openbwc.gateway.Gateway;
import org.openbwc.gateway.identity.EnrolmentService;
import org.openbwc.pki.CertificateRequests;
import org.openbwc.pki.KeyPairs;
import org.openbwc.pki.Pem;
import org.openbwc.store.IndexedRecording;
import org.openbwc.store.OffloadState;
import org.openbwc.testsupport.TcpProxy;

/**
 * The offload benchmark (bench/offload): signed synthetic recordings sent by the unit's real offload, in a JVM of its
 * own, to a real gateway over loopback, against curl sending the same files to the same gateway; the unit's CPU under
 * the bandwidth cap; bytes sent again over link cuts. Each phase has a fresh gateway (the same recordings are new to
 * it), and every recording must end up stored and verified. Prints a table and writes it to {@code --report}.
 */
public final class OffloadBench {
    static final String UNIT = "bwc-bench-1";

    final Path work;
    final String java;
    final List<String> unitJvm = new ArrayList<>();
    final Map<String, String> unitEnv = new LinkedHashMap<>();
    final String classpath;
    final Path report;
    final String machine;
    final String appInfo;
    int recordings = 10;
    int recordingMib = 100;
    int partMib = 4;
    int capMbps = 50;
    int capRecordings = 2;
    int cuts = 5;
    long seed = 15;
    final KeyPair evidenceKey = SyntheticRecording.newKey();
    final List<String> ids = new ArrayList<>();
    final Path recordingsDir;
    final List<String> phases;
    /** CPUs for curl and the unit (taskset -c), empty for any: with --gateway-cpus, sender and gateway as on two machines. */
    final String senderCpus;
    /** curl's TLS 1.3 cipher suites (empty: curl's own choice, AES-GCM); the unit offers ChaCha20-Poly1305 first. */
    final String curlCiphers;

    final boolean nativeCipher;

    long totalBytes;
    long capBytes;

    OffloadBench(Map<String, String> o) {
        work = Path.of(o.get("--work"));
        java = o.get("--java");
        classpath = o.get("--cp");
        report = Path.of(o.get("--report"));
        machine = o.getOrDefault("--machine", "");
        appInfo = o.getOrDefault("--app-info", "");
        String jvm = o.getOrDefault("--unit-jvm", "") + " " + o.getOrDefault("--unit-java-opts", "");
        for (String s : jvm.trim().split("\\s+")) if (!s.isEmpty()) unitJvm.add(s);
        for (String s : o.getOrDefault("--unit-env", "").trim().split("\\s+")) {
            int eq = s.indexOf('=');
            if (eq > 0) unitEnv.put(s.substring(0, eq), s.substring(eq + 1));
        }
        recordings = Integer.parseInt(o.getOrDefault("--recordings", "10"));
        recordingMib = Integer.parseInt(o.getOrDefault("--recording-mib", "100"));
        partMib = Integer.parseInt(o.getOrDefault("--part-mib", "4"));
        capMbps = Integer.parseInt(o.getOrDefault("--cap-mbps", "50"));
        capRecordings = Math.min(recordings, Integer.parseInt(o.getOrDefault("--cap-recordings", "2")));
        cuts = Integer.parseInt(o.getOrDefault("--cuts", "5"));
        recordingsDir = work.resolve("recordings");
        phases = List.of(o.getOrDefault("--phases", "curl,unit,capped,cuts").split(","));
        senderCpus = o.getOrDefault("--sender-cpus", "");
        curlCiphers = o.getOrDefault("--curl-tls13-ciphers", "");
        nativeCipher = !o.getOrDefault("--native-cipher", "1").equals("0");
    }

    /** The command, run on {@link #senderCpus} when set (taskset), as on a machine of its own. */
    List<String> onSenderCpus(List<String> command) {
        if (senderCpus.isEmpty()) return command;
        List<String> pinned = new ArrayList<>(List.of("taskset", "-c", senderCpus));
        pinned.addAll(command);
        return pinned;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> o = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) o.put(args[i], args[i + 1]);
        new OffloadBench(o).run();
        System.exit(0);
    }

    void run() throws Exception {
        log("generating " + recordings + " signed recordings of ~" + recordingMib + " MiB in " + recordingsDir);
        generate();
        log(String.format(Locale.ROOT, "%d recordings, %.1f MiB in all", recordings, totalBytes / 1048576.0));

        List<String[]> rows = new ArrayList<>();

        // A phase left out (--phases) is null: its rows are left out of the report, not shown as NaN or FAIL.
        Phase curl = phases.contains("curl") ? curlPhase() : null;
        Phase unit = phases.contains("unit") ? unitPhase("unit", recordings, 10_000, false) : null;
        Phase capped = phases.contains("capped") ? unitPhase("capped", capRecordings, capMbps, false) : null;
        Phase cut = phases.contains("cuts") ? unitPhase("cuts", recordings, 10_000, true) : null;

        if (curl != null && unit != null) {
            double curlMBs = totalBytes / 1e6 / curl.seconds();
            double unitMBs = totalBytes / 1e6 / unit.seconds();
            double ratio = unitMBs / curlMBs;
            rows.add(new String[] {
                "throughput, " + fmt("%.0f", totalBytes / 1048576.0) + " MiB uncapped (MB/s)",
                fmt("%.1f", unitMBs),
                fmt("%.1f", curlMBs) + " (curl)",
                fmt("%.2fx", ratio),
                ">= 0.8x: " + (ratio >= 0.8 ? "PASS" : "FAIL")
            });
            rows.add(new String[] {
                "gateway CPU per MB received (CPU s / MB)",
                fmt("%.4f", unit.gatewayCpuSeconds / (totalBytes / 1e6)),
                fmt("%.4f", curl.gatewayCpuSeconds / (totalBytes / 1e6)) + " (curl)",
                fmt("%.2fx", unit.gatewayCpuSeconds / curl.gatewayCpuSeconds),
                ""
            });
            rows.add(new String[] {
                "sender CPU per MB sent (CPU s / MB)",
                fmt("%.4f", unit.cpuSeconds / (totalBytes / 1e6)),
                fmt("%.4f", curl.cpuSeconds / (totalBytes / 1e6)) + " (curl)",
                fmt("%.2fx", unit.cpuSeconds / curl.cpuSeconds),
                ""
            });
        }
        if (unit != null) {
            rows.add(new String[] {
                "unit CPU while uncapped (cores; CPU s / wall s)",
                fmt("%.2f", unit.cpuSeconds / unit.seconds()) + " (" + fmt("%.1f", unit.cpuSeconds) + " / "
                        + fmt("%.1f", unit.seconds()) + ")",
                "",
                "",
                ""
            });
        }
        if (capped != null) {
            double cappedCores = capped.cpuSeconds / capped.seconds();
            double cappedMbit = capBytes * 8 / 1e6 / capped.seconds();
            rows.add(new String[] {
                "unit CPU at a " + capMbps + " Mbit/s cap, " + fmt("%.0f", capBytes / 1048576.0) + " MiB (cores)",
                fmt("%.3f", cappedCores) + " (" + fmt("%.1f", capped.cpuSeconds) + " s / "
                        + fmt("%.1f", capped.seconds()) + " s at " + fmt("%.1f", cappedMbit) + " Mbit/s)",
                "0.3 core",
                fmt("%.2fx", cappedCores / 0.3),
                "<= 0.3 core: " + (cappedCores <= 0.3 ? "PASS" : "FAIL")
            });
            // The capped run's average rate includes the store's verifying at each recording's end, when the unit
            // may idle: its CPU per MB at exactly the cap's rate says what a unit sending all the time would use.
            double perMb = capped.cpuSeconds / (capBytes / 1e6);
            rows.add(new String[] {
                "the same, per MB sent, scaled to a full " + capMbps + " Mbit/s (cores)",
                fmt("%.3f", perMb * capMbps / 8) + " (" + fmt("%.4f", perMb) + " CPU s per MB)",
                "0.3 core",
                fmt("%.2fx", perMb * capMbps / 8 / 0.3),
                "<= 0.3 core: " + (perMb * capMbps / 8 <= 0.3 ? "PASS" : "FAIL")
            });
        }
        if (cut != null) {
            long resent = cut.sent - totalBytes;
            long part = (long) partMib << 20;
            rows.add(new String[] {
                "bytes re-sent over " + cut.cuts + " link cuts (" + fmt("%.0f", totalBytes / 1048576.0) + " MiB)",
                resent + " (" + fmt("%.2f", resent / (double) part) + " parts)",
                cut.cuts + " parts of " + partMib + " MiB",
                fmt("%.2fx", cut.cuts == 0 ? 0 : resent / (double) (cut.cuts * part)),
                "<= 1 part per cut: " + (resent <= cut.cuts * part ? "PASS" : "FAIL")
            });
        }
        List<Phase> ran = new ArrayList<>();
        for (Phase p : new Phase[] {curl, unit, capped, cut}) if (p != null) ran.add(p);
        rows.add(new String[] {"stored and verified at the gateway", all(ran), "", "", ""});

        StringBuilder out = new StringBuilder();
        out.append("# bench/offload report, ").append(Instant.now()).append("\n\n");
        out.append("machine: ").append(machine).append("\n");
        out.append("app: ").append(appInfo).append("\n");
        out.append("unit JVM: ").append(String.join(" ", unitJvm)).append("\n");
        out.append("sender (curl, the unit) pinned to CPUs: ")
                .append(senderCpus.isEmpty() ? "any" : senderCpus + " (the gateway: see the command line)")
                .append("\n");
        out.append("curl's TLS 1.3 suites: ")
                .append(curlCiphers.isEmpty() ? "curl's own choice (AES-256-GCM)" : curlCiphers)
                .append("; the unit offers TLS_CHACHA20_POLY1305_SHA256 first, ")
                .append(nativeCipher ? "NSS's where found (offload.nativeCipher)" : "the JDK's (--native-cipher 0)")
                .append("\n");
        out.append("recordings: ")
                .append(recordings)
                .append(" x ~")
                .append(recordingMib)
                .append(" MiB (10 segments, fragments of 64-128 KB), ")
                .append(totalBytes)
                .append(" bytes; parts of ")
                .append(partMib)
                .append(" MiB\n\n");
        out.append("| figure | unit | reference | ratio | target |\n|---|---|---|---|---|\n");
        for (String[] r : rows) out.append("| ").append(String.join(" | ", r)).append(" |\n");
        out.append("\nphases (machine busy cores over each, of ")
                .append(machineCpus()) // not availableProcessors(): the gateway's JVM may be pinned to fewer
                .append("):\n");
        for (Phase p : ran) out.append("- ").append(p.describe()).append('\n');
        Files.writeString(report, out.toString());
        System.out.println();
        System.out.print(out);
    }

    static String fmt(String f, double v) {
        return String.format(Locale.ROOT, f, v);
    }

    static String all(List<Phase> phases) {
        StringBuilder b = new StringBuilder();
        for (Phase p : phases)
            b.append(p.name)
                    .append(' ')
                    .append(p.stored)
                    .append('/')
                    .append(p.expected)
                    .append(' ');
        return b.toString().trim();
    }

    static void log(String s) {
        System.err.println("bench/offload: " + s);
    }

    /** The recordings, once: 10 segments each, fragments of 64-128 KB (a unit's 100 ms at 5-10 Mbit/s). */
    void generate() throws IOException {
        int fragmentBytes = 64_000;
        long perSegment = (long) recordingMib * 1_048_576 / 10;
        int fragments = (int) Math.max(1, perSegment / (fragmentBytes * 3 / 2));
        Random r = new Random(seed);
        for (int i = 1; i <= recordings; i++) {
            String id = String.format(Locale.ROOT, "%s-20261207-%04d", UNIT, i);
            SyntheticRecording rec =
                    SyntheticRecording.make(id, UNIT, evidenceKey, 10, fragments, fragmentBytes, r.nextLong());
            Path dir = rec.writeTo(recordingsDir);
            ids.add(id);
            long bytes = size(dir);
            totalBytes += bytes;
            if (i <= capRecordings) capBytes += bytes;
        }
    }

    static long size(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            long n = 0;
            for (Path p : s.toList()) n += Files.size(p);
            return n;
        }
    }

    /** A fresh gateway (embedded broker, units' listener) in this JVM, with the bench's unit enrolled. */
    final class BenchGateway implements AutoCloseable {
        final Gateway gateway;
        final Path unitData;

        BenchGateway(String name, int count) throws IOException {
            Path dir = work.resolve(name);
            int broker = freePort();
            GatewayConfig config = GatewayConfig.defaults("gw-bench-" + name)
                    .withBroker(BrokerConfig.defaults().withEmbedded(true).withPort(broker))
                    .withMqtt(MqttConfig.defaults().withUrl("ssl://127.0.0.1:" + broker))
                    .withHttp(HttpConfig.defaults().withPort(freePort()).withUnitPort(freePort()))
                    .withDataDir(dir.resolve("gateway").toString())
                    .withMap(MapConfig.defaults().withTileUrl(""));
            gateway = Gateway.start(config, Gateway.CaPolicy.CREATE_IF_MISSING);
            unitData = dir.resolve("unit");
            // Enrolled as a unit enrols: its own TLS key pair, and the evidence key the recordings are signed with.
            KeyPair tls = KeyPairs.newTlsKeyPair();
            EnrolmentService enrolment = gateway.enrolment();
            EnrolmentService.Enrolled enrolled = enrolment.enrol(
                    "bench",
                    UNIT,
                    enrolment.add(UNIT).token(),
                    Pem.text(CertificateRequests.create(tls, UNIT)),
                    Pem.text(evidenceKey.getPublic()));
            Path keys = Files.createDirectories(unitData.resolve("keys"));
            Pem.writePrivateKey(keys.resolve("unit.key"), tls.getPrivate());
            Pem.writeAtomically(keys.resolve("unit.crt"), enrolled.certificatePem(), false);
            Pem.writeAtomically(keys.resolve("ca.crt"), enrolled.caPem(), false);
            // The unit's evidence folder: hard links to the generated recordings (the same bytes in every phase).
            for (String id : ids.subList(0, count)) {
                Path to = Files.createDirectories(unitData.resolve("evidence").resolve(id));
                try (DirectoryStream<Path> files = Files.newDirectoryStream(recordingsDir.resolve(id))) {
                    for (Path f : files) Files.createLink(to.resolve(f.getFileName()), f);
                }
            }
        }

        String url() {
            return "https://127.0.0.1:" + gateway.unitPort();
        }

        /** How many of the first {@code count} recordings the gateway holds stored and verified. */
        int stored(int count) {
            int n = 0;
            for (String id : ids.subList(0, count)) {
                IndexedRecording r = gateway.evidenceIndex().find(id).orElse(null);
                if (r != null
                        && r.recording().offloadState() == OffloadState.STORED
                        && Boolean.TRUE.equals(r.recording().verified())) n++;
            }
            return n;
        }

        @Override
        public void close() {
            gateway.close();
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** One phase's figures. */
    record Phase(
            String name,
            long wallNanos,
            double cpuSeconds,
            long sent,
            int cuts,
            int stored,
            int expected,
            double machineCores,
            double gatewayCpuSeconds,
            String note) {
        double seconds() {
            return wallNanos / 1e9;
        }

        String describe() {
            return String.format(
                    Locale.ROOT,
                    "%s: %.1f s wall, %.1f s CPU (the sender's), %d bytes sent in parts, %d cuts, %d/%d stored and"
                            + " verified; machine %.2f cores busy; gateway (the bench's JVM) %.1f CPU s%s",
                    name,
                    seconds(),
                    cpuSeconds,
                    sent,
                    cuts,
                    stored,
                    expected,
                    machineCores,
                    gatewayCpuSeconds,
                    note.isEmpty() ? "" : "; " + note);
        }
    }

    /**
     * curl sends the same recordings to the same kind of gateway, the same way a unit must (tus creation, then each file,
     * then complete), each file in one PATCH; one curl process for all, so it reuses its TLS connection.
     */
    Phase curlPhase() throws Exception {
        log("phase curl: one curl process, each file in one tus PATCH, then complete");
        try (BenchGateway gw = new BenchGateway("curl", recordings)) {
            Path keys = gw.unitData.resolve("keys");
            StringBuilder k = new StringBuilder();
            int requests = 0;
            for (String id : ids) {
                Path dir = gw.unitData.resolve("evidence").resolve(id);
                List<Path> files = new ArrayList<>();
                files.add(dir.resolve(RecordingLayout.MANIFEST_FILE));
                files.add(dir.resolve(RecordingLayout.JOURNAL_FILE));
                for (int s = 1; s <= 10; s++) files.add(dir.resolve(RecordingLayout.segmentName(s)));
                for (Path f : files) {
                    String name = f.getFileName().toString();
                    requests += 2;
                    block(k, keys, gw.url() + "/api/offload/uploads", "POST");
                    k.append("header = \"Upload-Length: ").append(Files.size(f)).append("\"\n");
                    k.append("header = \"Upload-Metadata: recording ")
                            .append(b64(id))
                            .append(",file ")
                            .append(b64(name))
                            .append("\"\n");
                    k.append("next\n");
                    block(k, keys, gw.url() + "/api/offload/uploads/" + id + "/" + name, "PATCH");
                    k.append("upload-file = \"").append(f).append("\"\n");
                    k.append("header = \"Upload-Offset: 0\"\n");
                    k.append("header = \"Content-Type: application/offset+octet-stream\"\n");
                    // No 100-continue round trip: the unit's client does not wait for one either.
                    k.append("header = \"Expect:\"\n");
                    k.append("next\n");
                }
                requests++;
                block(k, keys, gw.url() + "/api/offload/recordings/" + id + "/complete", "POST");
                k.append("data-binary = \"\"\n");
                k.append("next\n");
            }
            Path config = work.resolve("curl.config");
            Files.writeString(config, k.substring(0, k.length() - "next\n".length()));
            long busy0 = machineBusyTicks();
            long gw0 = ownCpuNanos();
            long t0 = System.nanoTime();
            // bash's `times` prints its children's CPU: curl's, read once it has exited.
            Path times = work.resolve("curl.times");
            List<String> command =
                    new ArrayList<>(List.of("bash", "-c", "\"$@\"; rc=$?; times > \"$CURL_TIMES\"; exit $rc", "bash"));
            command.addAll(onSenderCpus(List.of("curl", "--config", config.toString())));
            ProcessBuilder pb = new ProcessBuilder(command);
            pb.environment().put("CURL_TIMES", times.toString());
            Process p = pb.redirectOutput(work.resolve("curl.out").toFile())
                    .redirectError(work.resolve("curl.err").toFile())
                    .start();
            int rc = p.waitFor();
            long wall = System.nanoTime() - t0;
            double machineCores = cores(busy0, wall);
            List<String> codes = Files.readAllLines(work.resolve("curl.out"));
            long ok = codes.stream().filter(c -> c.startsWith("2")).count();
            if (rc != 0 || ok != requests) {
                throw new IllegalStateException(
                        "curl exit " + rc + ", " + ok + "/" + requests + " requests 2xx; see " + work + "/curl.*");
            }
            return new Phase(
                    "curl",
                    wall,
                    childrenCpuSeconds(times),
                    0,
                    0,
                    gw.stored(recordings),
                    recordings,
                    machineCores,
                    (ownCpuNanos() - gw0) / 1e9,
                    "");
        }
    }

    /** The children's user + system CPU from bash's {@code times} (second line: {@code 0m1.234s 0m0.456s}). */
    static double childrenCpuSeconds(Path times) throws IOException {
        List<String> lines = Files.readAllLines(times);
        if (lines.size() < 2) return Double.NaN;
        double total = 0;
        for (String t : lines.get(1).trim().split("\\s+")) {
            int m = t.indexOf('m');
            total += Integer.parseInt(t.substring(0, m)) * 60 + Double.parseDouble(t.substring(m + 1, t.length() - 1));
        }
        return total;
    }

    void block(StringBuilder k, Path keys, String url, String method) {
        k.append("url = \"").append(url).append("\"\n");
        k.append("request = \"").append(method).append("\"\n");
        k.append("cert = \"").append(keys.resolve("unit.crt")).append("\"\n");
        k.append("key = \"").append(keys.resolve("unit.key")).append("\"\n");
        k.append("cacert = \"").append(keys.resolve("ca.crt")).append("\"\n");
        if (!curlCiphers.isEmpty())
            k.append("tls13-ciphers = \"").append(curlCiphers).append("\"\n");
        k.append("header = \"Tus-Resumable: 1.0.0\"\n");
        k.append("silent\nshow-error\n");
        k.append("output = \"/dev/null\"\n");
        k.append("write-out = \"%{http_code} %{url_effective}\\n\"\n");
    }

    static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    /** The unit's real offload in a child JVM; with {@code cutting}, through a TCP relay cut at random moments. */
    Phase unitPhase(String name, int count, int mbps, boolean cutting) throws Exception {
        log("phase " + name + ": " + count + " recordings, cap " + mbps + " Mbit/s"
                + (cutting ? ", " + cuts + " cuts" : ""));
        try (BenchGateway gw = new BenchGateway(name, count);
                TcpProxy proxy = cutting ? new TcpProxy("tcp://127.0.0.1:" + gw.gateway.unitPort()) : null) {
            String url = cutting ? "https://127.0.0.1:" + proxy.port() : gw.url();
            List<String> cmd = new ArrayList<>();
            cmd.add(java);
            cmd.addAll(unitJvm);
            cmd.add("-Dtinylog.writer=file");
            cmd.add("-Dtinylog.writer.file=" + work.resolve(name + "-unit.log"));
            cmd.add("-Dtinylog.writer.level=info");
            cmd.addAll(List.of("-cp", classpath, OffloadUnit.class.getName()));
            cmd.addAll(List.of("--unit", UNIT, "--data", gw.unitData.toString(), "--url", url));
            cmd.addAll(List.of("--mbps", Integer.toString(mbps), "--part-mib", Integer.toString(partMib)));
            cmd.addAll(List.of("--native-cipher", Boolean.toString(nativeCipher)));
            ProcessBuilder pb = new ProcessBuilder(onSenderCpus(cmd))
                    .redirectOutput(work.resolve(name + "-unit.out").toFile())
                    .redirectError(work.resolve(name + "-unit.err").toFile());
            pb.environment().putAll(unitEnv);
            long busy0 = machineBusyTicks();
            long gw0 = ownCpuNanos();
            long t0 = System.nanoTime();
            Process p = pb.start();
            int done = 0;
            StringBuilder moments = new StringBuilder();
            if (cutting) {
                Random random = new Random(seed);
                for (int i = 0; i < cuts && p.isAlive(); i++) {
                    // Wait for the unit to be back on the link (it waits 5, 10, 20... s after a failure), then a
                    // random moment inside its upload.
                    while (p.isAlive() && proxy.openConnections() == 0) Thread.sleep(20);
                    long ms = 300 + random.nextInt(2700);
                    Thread.sleep(ms);
                    if (!p.isAlive()) break;
                    proxy.cut();
                    proxy.restore();
                    done++;
                    moments.append(moments.isEmpty() ? "" : ", ").append(ms).append(" ms");
                    log("cut " + done + " at " + ms + " ms into the connection");
                }
            }
            if (!p.waitFor(2, TimeUnit.HOURS)) {
                p.destroy();
                throw new IllegalStateException("the unit did not finish in 2 h; see " + work);
            }
            double machineCores = cores(busy0, System.nanoTime() - t0);
            double gatewayCpu = (ownCpuNanos() - gw0) / 1e9;
            String result = Files.readAllLines(work.resolve(name + "-unit.out")).stream()
                    .filter(l -> l.startsWith("RESULT "))
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException("the unit printed no RESULT (exit " + p.exitValue()
                            + "); see " + work + "/" + name + "-unit.*"));
            Map<String, String> f = new LinkedHashMap<>();
            for (String kv : result.substring(7).split(" ")) f.put(kv.split("=")[0], kv.split("=")[1]);
            return new Phase(
                    name,
                    Long.parseLong(f.get("wallNanos")),
                    Long.parseLong(f.get("cpuNanos")) / 1e9,
                    Long.parseLong(f.get("sent")),
                    done,
                    gw.stored(count),
                    count,
                    machineCores,
                    gatewayCpu,
                    "the unit's peak RSS " + fmt("%.1f", Long.parseLong(f.get("peakRssKiB")) / 1024.0) + " MiB"
                            + (cutting ? "; cut after " + moments : ""));
        }
    }

    /** This JVM's CPU time: the gateway's, as the bench itself only waits meanwhile. */
    static long ownCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    static double cores(long busy0, long wallNanos) {
        long busy = machineBusyTicks() - busy0;
        // USER_HZ is 100 on Linux/x86-64 (the script passes no other).
        return busy / 100.0 / (wallNanos / 1e9);
    }

    static long machineCpus() {
        try {
            return Files.readAllLines(Path.of("/proc/stat")).stream()
                    .filter(l -> l.matches("cpu\\d+ .*"))
                    .count();
        } catch (IOException e) {
            return -1;
        }
    }

    static long machineBusyTicks() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long total = 0;
            for (int i = 1; i <= 8 && i < f.length; i++) total += Long.parseLong(f[i]);
            return total - Long.parseLong(f[4]) - Long.parseLong(f[5]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
