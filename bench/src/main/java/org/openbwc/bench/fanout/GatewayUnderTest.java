package org.openbwc.bench.fanout;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The gateway under test: {@code bwc gateway} from launcher/target/bwc.jar in its own process, on the bench's broker
 * (no embedded one), with an operator account made with the real CLI that the SSE clients sign in with.
 */
final class GatewayUnderTest {
    static final String BENCH_USER = "fanout-bench";
    static final String BENCH_PASSWORD = "fanout-bench-password";

    final int port;
    final Path log;
    final Process process;

    private GatewayUnderTest(int port, Path log, Process process) {
        this.port = port;
        this.log = log;
        this.process = process;
    }

    /** Writes gw.yaml, adds the bench's operator and starts the gateway; {@link #awaitHealthy} waits for it. */
    static GatewayUnderTest start(FanoutBench bench) throws IOException, InterruptedException {
        Path work = bench.work;
        int port;
        int unitPort;
        try (ServerSocket s = new ServerSocket(0);
                ServerSocket u = new ServerSocket(0)) {
            port = s.getLocalPort();
            unitPort = u.getLocalPort();
        }
        Path yaml = work.resolve("gw.yaml");
        Files.writeString(
                yaml,
                "gatewayId: gw-" + bench.prefix + "bench\n"
                        + "mqtt:\n  url: " + bench.url + "\n"
                        + "broker:\n  embedded: false\n"
                        + "http:\n  host: 127.0.0.1\n  port: " + port + "\n  unitPort: " + unitPort + "\n"
                        + "dataDir: " + work.resolve("gw-data") + "\n");

        enrolBenchUnits(bench, work.resolve("gw-data"));

        // An operator account made with the real CLI, as a technician would; the SSE clients sign in with it.
        Process add = startBwc(
                bench,
                "user-add.log",
                "gateway",
                "user",
                "add",
                BENCH_USER,
                "--role",
                "viewer",
                "--replace",
                "--password-stdin",
                "--config",
                yaml.toString());
        add.getOutputStream().write((BENCH_PASSWORD + "\n").getBytes(StandardCharsets.UTF_8));
        add.getOutputStream().close();
        if (add.waitFor() != 0)
            throw new IllegalStateException("bwc gateway user add failed; see " + work.resolve("user-add.log"));

        if (!Files.exists(work.resolve("gw-data").resolve("pki").resolve("ca.crt"))) {
            // A gateway needs its agency CA (the TLS broker run copied the bench's CA in already).
            Process init = startBwc(bench, "pki-init.log", "pki", "init", "--config", yaml.toString());
            init.getOutputStream().close();
            if (init.waitFor() != 0)
                throw new IllegalStateException("bwc pki init failed; see " + work.resolve("pki-init.log"));
        }

        Path gwLog = work.resolve("gateway.log");
        Process gw = startBwc(bench, "gateway.log", "gateway", "--config", yaml.toString());
        return new GatewayUnderTest(port, gwLog, gw);
    }

    /** Starts {@code bwc ARGS} as the gateway runs (its java and options), output into {@code logName} in the work dir. */
    private static Process startBwc(FanoutBench bench, String logName, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(bench.gwJava);
        cmd.addAll(List.of(bench.gwJavaOpts.trim().split("\\s+")));
        cmd.add("-jar");
        cmd.add(bench.root.resolve("launcher/target/bwc.jar").toString());
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd)
                .directory(bench.work.toFile())
                .redirectErrorStream(true)
                .redirectOutput(bench.work.resolve(logName).toFile())
                .start();
    }

    /** Polls /health until it answers 200; fails when the gateway exits or 60 s pass. */
    void awaitHealthy(HttpClient probe) throws InterruptedException {
        URI health = URI.create("http://127.0.0.1:" + port + "/health");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            if (!process.isAlive())
                throw new IllegalStateException("the gateway exited (code " + process.exitValue() + "); see " + log);
            try {
                if (probe.send(HttpRequest.newBuilder(health).build(), HttpResponse.BodyHandlers.discarding())
                                .statusCode()
                        == 200) break;
            } catch (IOException ignored) {
            }
            if (System.nanoTime() > deadline)
                throw new IllegalStateException("the gateway did not become healthy in 60 s; see " + log);
            Thread.sleep(200);
        }
    }

    static String signIn(HttpClient http, int port) throws IOException, InterruptedException {
        String body = "{\"username\": \"" + BENCH_USER + "\", \"password\": \"" + BENCH_PASSWORD + "\"}";
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/login"))
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200)
            throw new IllegalStateException("sign-in answered " + r.statusCode() + ": " + r.body());
        return r.body().replaceAll(".*\"token\":\"([^\"]+)\".*", "$1");
    }

    /**
     * The gateway follows only enrolled units, so the bench's units are entered in its units.json as enrolled ones
     * (one write of the file the gateway and `bwc gateway unit` share; going through enrolment 10,000 times would
     * rewrite it 10,000 times). They hold no certificates of their own: the bench publishes through shared connections.
     */
    static void enrolBenchUnits(FanoutBench bench, Path gatewayData) throws IOException {
        com.fasterxml.jackson.databind.ObjectMapper mapper = new com.fasterxml.jackson.databind.ObjectMapper();
        com.fasterxml.jackson.databind.node.ObjectNode root = mapper.createObjectNode();
        root.put("version", 1);
        com.fasterxml.jackson.databind.node.ArrayNode list = root.putArray("units");
        String now = java.time.Instant.now().toString();
        for (int i = 0; i < bench.units; i++) {
            com.fasterxml.jackson.databind.node.ObjectNode n = list.addObject();
            n.put("id", bench.unitId(i));
            n.put("state", "enrolled");
            n.put("addedAt", now);
            n.put("enrolledAt", now);
            n.putArray("serials");
        }
        Files.createDirectories(gatewayData);
        Files.write(gatewayData.resolve("units.json"), mapper.writeValueAsBytes(root));
    }
}
