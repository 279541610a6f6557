package org.openbwc.bench.live;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/** The stage: gateway and unit as their own processes (from the copied app), signed in, and the browser. */
final class LiveSetup {
    private final LiveBench bench;

    LiveSetup(LiveBench bench) {
        this.bench = bench;
    }

    void setUp() throws Exception {
        bench.brokerPort = LiveBench.freePort();
        bench.httpPort = LiveBench.freePort();
        while (bench.httpPort == bench.brokerPort) bench.httpPort = LiveBench.freePort();
        int unitPort = LiveBench.freePort();
        while (unitPort == bench.brokerPort || unitPort == bench.httpPort) unitPort = LiveBench.freePort();
        bench.base = "http://127.0.0.1:" + bench.httpPort;
        Path gwYaml = bench.work.resolve("gw.yaml");
        Files.writeString(
                gwYaml,
                String.join(
                        "\n",
                        "gatewayId: gw-live-bench",
                        "broker:",
                        "  embedded: true",
                        "  host: 127.0.0.1",
                        "  port: " + bench.brokerPort,
                        "http:",
                        "  host: 127.0.0.1",
                        "  port: " + bench.httpPort,
                        "  unitPort: " + unitPort,
                        "dataDir: " + bench.work.resolve("gw-data"),
                        "map:",
                        "  tileUrl: \"\"",
                        "live:",
                        "  idleStopSeconds: " + bench.idleStop,
                        ""));
        // The agency CA and the unit's enrolment, as a technician makes them: `bwc pki init`, `bwc gateway unit add`.
        String ca = runTool(List.of("pki", "init", "--config", gwYaml.toString()), null, "pki-init");
        String fingerprint = afterPrefix(ca, "fingerprint (SHA-256):");
        String add = runTool(
                List.of("gateway", "unit", "add", bench.unitId, "--config", gwYaml.toString()), null, "unit-add");
        Path tokenFile = bench.work.resolve("enrolment.token");
        List<String> lines = add.lines().toList();
        int at = lines.indexOf(lines.stream()
                .filter(l -> l.startsWith("Enrolment token for"))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no token in: " + add)));
        String token = lines.subList(at + 1, lines.size()).stream()
                .map(String::trim)
                .filter(l -> !l.isEmpty())
                .findFirst()
                .orElseThrow();
        Files.writeString(tokenFile, token + "\n");
        Path unitYaml = bench.work.resolve("unit.yaml");
        Files.writeString(
                unitYaml,
                String.join(
                        "\n",
                        "unitId: " + bench.unitId,
                        "officerId: bench-officer",
                        "hal: mock",
                        "dataDir: " + bench.work.resolve("unit-data"),
                        "mqtt:",
                        "  url: ssl://127.0.0.1:" + bench.brokerPort,
                        "  connectTimeoutSeconds: 5",
                        "  reconnectMaxSeconds: 5",
                        "enrolment:",
                        "  url: https://127.0.0.1:" + unitPort,
                        "  tokenFile: " + tokenFile,
                        "  caFingerprint: \"" + fingerprint + "\"",
                        "gnss:",
                        "  source: none",
                        "video:",
                        "  source: testsrc",
                        "  width: " + bench.width,
                        "  height: " + bench.height,
                        "  fps: " + bench.fps,
                        "  bitrateKbps: " + bench.bitrate,
                        "  gopSeconds: 1",
                        "  encoder: " + bench.encoder,
                        "  overlay: true",
                        "audio:",
                        "  enabled: true",
                        ""));
        runTool(List.of("config", "validate", gwYaml.toString()), null, "validate-gw");
        runTool(List.of("config", "validate", unitYaml.toString()), null, "validate-unit");
        runTool(
                List.of(
                        "gateway",
                        "user",
                        "add",
                        bench.user,
                        "--role",
                        "supervisor",
                        "--password-stdin",
                        "--config",
                        gwYaml.toString()),
                bench.password + "\n",
                "user-add");

        bench.gateway = startApp(List.of("gateway", "--config", gwYaml.toString()), "gateway.log");
        bench.writePids();
        bench.waitHttp(bench.base + "/health", 60_000);
        login();
        bench.say("gateway pid %d on http %d, broker %d", bench.gateway.pid(), bench.httpPort, bench.brokerPort);

        bench.unit = startApp(List.of("device", "--config", unitYaml.toString()), "unit.log");
        bench.writePids();
        long deadline = System.currentTimeMillis() + 60_000;
        while (true) {
            String units = bench.get("/api/units");
            if (units.contains("\"id\":\"" + bench.unitId + "\"")
                    && Pattern.compile("\"id\":\"" + bench.unitId + "\"[^}]*\"online\":true")
                            .matcher(units)
                            .find()) break;
            if (System.currentTimeMillis() > deadline)
                throw new IllegalStateException(
                        "unit " + bench.unitId + " not online after 60 s; see " + bench.work.resolve("unit.log"));
            if (!bench.unit.isAlive())
                throw new IllegalStateException(
                        "the unit exited (" + bench.unit.exitValue() + "); see " + bench.work.resolve("unit.log"));
            LiveBench.sleep(500);
        }
        bench.say(
                "unit %s online (pid %d), %dx%d@%d %s %d kb/s",
                bench.unitId, bench.unit.pid(), bench.width, bench.height, bench.fps, bench.encoder, bench.bitrate);

        startBrowser();
        bench.writePids();
        // Sign in through the page, as an operator would; the session cookie serves every later page.
        bench.browser.get(bench.base + "/login?next=/live/" + bench.unitId);
        LiveBench.waitFor(() -> !bench.browser.findElements(By.id("username")).isEmpty(), 20_000, "login form");
        bench.browser.findElement(By.id("username")).sendKeys(bench.user);
        bench.browser.findElement(By.id("password")).sendKeys(bench.password);
        bench.browser.findElement(By.cssSelector("button[type=submit]")).click();
        LiveBench.waitFor(() -> bench.browser.getCurrentUrl().contains("/live/"), 20_000, "redirect to the live page");
        LiveBench.waitFor(
                () -> "playing"
                        .equals(bench.js(
                                "var v=document.querySelector('video.live-player');return v?v.dataset.state:null")),
                30_000,
                "the first live page to play");
        bench.blank();
        // The first stream start loads the encoder path of the relay: let it settle and go idle before the cold runs.
        LiveBench.sleep(1000);
    }

    void startBrowser() throws IOException {
        bench.chromeProfile = Files.createTempDirectory(bench.work, "chrome-");
        ChromeOptions o = new ChromeOptions();
        o.setBinary("/usr/bin/chromium");
        o.addArguments(
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--disable-quic",
                "--window-size=1280,900",
                "--autoplay-policy=no-user-gesture-required",
                "--mute-audio",
                "--disable-background-timer-throttling",
                "--disable-renderer-backgrounding",
                "--disable-backgrounding-occluded-windows",
                "--disable-features=BackForwardCache",
                "--user-data-dir=" + bench.chromeProfile);
        ChromeDriverService svc = new ChromeDriverService.Builder()
                .usingDriverExecutable(new java.io.File("/usr/bin/chromedriver"))
                .usingAnyFreePort()
                .withLogFile(bench.work.resolve("chromedriver.log").toFile())
                .build();
        ChromeDriver d = new ChromeDriver(svc, o);
        d.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
        d.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
        // Instrument every live page before its own scripts run: exact page-clock times of the first frame and
        // of data-state=playing (a MutationObserver), and a data-latency-ms sampler every 250 ms.
        d.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source", PAGE_PROBE));
        bench.browser = d;
    }

    static final String PAGE_PROBE = """
            (() => {
              if (!location.pathname.startsWith('/live/')) return;
              const B = window.__bench = { playingAt: null, firstFrameAt: null, firstFrameMs: null, states: [],
                                           samples: [], collecting: false, last: undefined };
              const look = () => {
                const v = document.querySelector('video.live-player');
                if (!v) return;
                const now = performance.now();
                const st = v.dataset.state;
                if (st !== B.last) { B.last = st; B.states.push(Math.round(now) + ':' + st);
                                     if (st === 'playing' && B.playingAt === null) B.playingAt = now; }
                if (B.firstFrameAt === null && v.dataset.firstFrameMs !== undefined) {
                  B.firstFrameAt = now; B.firstFrameMs = Number(v.dataset.firstFrameMs); }
              };
              new MutationObserver(look).observe(document, { subtree: true, childList: true, attributes: true,
                                                             attributeFilter: ['data-state', 'data-first-frame-ms'] });
              setInterval(() => {
                if (!B.collecting) return;
                const v = document.querySelector('video.live-player');
                const l = v ? v.dataset.latencyMs : undefined;
                B.samples.push(l === undefined ? -1 : Number(l));
              }, 250);
            })();
            """;

    void login() throws Exception {
        HttpResponse<String> r = bench.http.send(
                HttpRequest.newBuilder(URI.create(bench.base + "/api/login"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(
                                "{\"username\":\"" + bench.user + "\",\"password\":\"" + bench.password + "\"}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) throw new IllegalStateException("login: HTTP " + r.statusCode() + " " + r.body());
        bench.token = LiveBench.field(r.body(), "token");
    }

    Process startApp(List<String> args, String logName) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(bench.java);
        cmd.addAll(List.of(bench.jvmOpts.trim().split("\\s+")));
        cmd.add("-jar");
        cmd.add(bench.app.resolve("bwc.jar").toString());
        cmd.addAll(args);
        return new ProcessBuilder(cmd)
                .directory(bench.work.toFile())
                .redirectErrorStream(true)
                .redirectOutput(bench.work.resolve(logName).toFile())
                .start();
    }

    private static String afterPrefix(String text, String prefix) {
        return text.lines()
                .map(String::trim)
                .filter(l -> l.startsWith(prefix))
                .map(l -> l.substring(prefix.length()).trim())
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no '" + prefix + "' in: " + text));
    }

    /** Runs a bwc command to completion; its output. */
    String runTool(List<String> args, String stdin, String name) throws Exception {
        Process p = startApp(args, name + ".log");
        if (stdin != null) {
            try (OutputStream o = p.getOutputStream()) {
                o.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
        } else {
            p.getOutputStream().close();
        }
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("bwc " + String.join(" ", args) + " failed: "
                    + Files.readString(bench.work.resolve(name + ".log")));
        }
        return Files.readString(bench.work.resolve(name + ".log"));
    }
}
