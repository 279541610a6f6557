package org.openbwc.bench.live;

import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Live video benchmark: one unit (hal mock, lavfi test picture) streams through a gateway (both their own processes,
 * started from the copied jars) to headless Chromium viewers and Java WebSocket viewers. Measures glass-to-glass
 * latency as the player shows it ({@code data-latency-ms}, sampled in the page every 250 ms), the Java viewers'
 * arrival delay (arrival − capture stamp), click-to-first-frame (cold and warm), and gateway/unit/browser CPU and
 * RSS from /proc. Run through {@code bench/live}; see {@code bench/live.md}.
 */
public final class LiveBench {

    // ---- options ---------------------------------------------------------------------------------------------------
    int seconds = 60,
            warmup = 10,
            trials = 1,
            fps = 30,
            width = 1280,
            height = 720,
            bitrate = 2500,
            coldRuns = 5,
            warmRuns = 5,
            idleStop = 3,
            quietWait = 20,
            chromium8 = 1;
    List<Integer> viewerCounts = List.of(1, 8);
    String encoder = "openh264";
    Path work, app, report;
    String java, machine = "?", chromiumVersion = "?", appInfo = "?";
    long clkTck = 100;
    String jvmOpts = "--enable-native-access=ALL-UNNAMED -XX:+UseSerialGC -Xss512k";

    // ---- run state -------------------------------------------------------------------------------------------------
    final String unitId = "live-bench-1";
    final String user = "bench";
    final String password = "bench-pass-" + Long.toHexString(System.nanoTime());
    int brokerPort, httpPort;
    String base;
    Process gateway, unit;
    WebDriver browser;
    Path chromeProfile;
    String token;
    final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    final List<String> notes = new ArrayList<>();
    final StringBuilder log = new StringBuilder();

    public static void main(String[] args) throws Exception {
        LiveBench b = new LiveBench();
        b.parse(args);
        Runtime.getRuntime().addShutdownHook(new Thread(b::cleanup, "live-bench-cleanup"));
        int rc;
        try {
            rc = b.run();
        } catch (Exception e) {
            System.err.println("bench/live: " + e);
            e.printStackTrace();
            rc = 3;
        }
        b.cleanup();
        System.exit(rc);
    }

    void parse(String[] a) {
        for (int i = 0; i < a.length; i++) {
            String k = a[i], v = i + 1 < a.length ? a[i + 1] : null;
            switch (k) {
                case "--seconds" -> {
                    seconds = Integer.parseInt(v);
                    i++;
                }
                case "--warmup" -> {
                    warmup = Integer.parseInt(v);
                    i++;
                }
                case "--trials" -> {
                    trials = Integer.parseInt(v);
                    i++;
                }
                case "--viewers" -> {
                    viewerCounts = Arrays.stream(v.split(","))
                            .map(String::trim)
                            .map(Integer::parseInt)
                            .toList();
                    i++;
                }
                case "--fps" -> {
                    fps = Integer.parseInt(v);
                    i++;
                }
                case "--size" -> {
                    String[] s = v.split("x");
                    width = Integer.parseInt(s[0]);
                    height = Integer.parseInt(s[1]);
                    i++;
                }
                case "--bitrate" -> {
                    bitrate = Integer.parseInt(v);
                    i++;
                }
                case "--encoder" -> {
                    encoder = v;
                    i++;
                }
                case "--cold" -> {
                    coldRuns = Integer.parseInt(v);
                    i++;
                }
                case "--warm" -> {
                    warmRuns = Integer.parseInt(v);
                    i++;
                }
                case "--idle-stop" -> {
                    idleStop = Integer.parseInt(v);
                    i++;
                }
                case "--quiet-wait" -> {
                    quietWait = Integer.parseInt(v);
                    i++;
                }
                case "--chromium8" -> {
                    chromium8 = Integer.parseInt(v);
                    i++;
                }
                case "--work" -> {
                    work = Path.of(v);
                    i++;
                }
                case "--app" -> {
                    app = Path.of(v);
                    i++;
                }
                case "--report" -> {
                    report = Path.of(v);
                    i++;
                }
                case "--java" -> {
                    java = v;
                    i++;
                }
                case "--machine" -> {
                    machine = v;
                    i++;
                }
                case "--chromium-version" -> {
                    chromiumVersion = v;
                    i++;
                }
                case "--app-info" -> {
                    appInfo = v;
                    i++;
                }
                case "--clk-tck" -> {
                    clkTck = Long.parseLong(v);
                    i++;
                }
                case "--jvm-opts" -> {
                    jvmOpts = v;
                    i++;
                }
                default -> throw new IllegalArgumentException("unknown option " + k);
            }
        }
    }

    // =================================================================================================================
    int run() throws Exception {
        Files.createDirectories(work);
        setUp();
        String startedAt = Instant.now().toString();

        // ---- click-to-first-frame -------------------------------------------------------------------------------
        say(
                "click-to-first-frame: %d cold opens (stream stopped, idleStopSeconds %d) and %d warm joins",
                coldRuns, idleStop, warmRuns);
        List<Open> cold = new ArrayList<>(), warm = new ArrayList<>();
        for (int i = 0; i < coldRuns; i++) {
            waitNoStream();
            Open o = openLivePage(true);
            say("  cold %d: %s", i + 1, o);
            cold.add(o);
            blank();
        }
        JavaViewer holder = JavaViewer.open(this, "holder");
        holder.waitFragments(5, 20_000);
        sleep(2000);
        for (int i = 0; i < warmRuns; i++) {
            Open o = openLivePage(false);
            say("  warm %d: %s", i + 1, o);
            warm.add(o);
            blank();
            sleep(1500);
        }
        holder.close();

        // ---- latency windows ------------------------------------------------------------------------------------
        List<Window> windows = new ArrayList<>();
        for (int t = 0; t < trials; t++) {
            for (int v : viewerCounts) {
                Window w = latencyWindow(v, t + 1);
                windows.add(w);
                say("%s", w.oneLine());
            }
        }
        Window chrome8 = null;
        String chrome8Problem = null;
        if (chromium8 > 0) {
            try {
                chrome8 = chromiumWindow(8);
                say("%s", chrome8.oneLine());
            } catch (Exception e) {
                chrome8Problem =
                        String.valueOf(e.getMessage()).lines().findFirst().orElse("?");
                say("8 Chromium tabs: not measured: %s", chrome8Problem);
                try {
                    resetBrowserWindows();
                } catch (Exception ignored) {
                }
            }
        }
        String endedAt = Instant.now().toString();
        String md = report(startedAt, endedAt, cold, warm, windows, chrome8, chrome8Problem);
        Files.writeString(report, md);
        System.out.println();
        System.out.println(md);
        return 0;
    }

    // =================================================================================================================
    // set-up

    void setUp() throws Exception {
        brokerPort = freePort();
        httpPort = freePort();
        while (httpPort == brokerPort) httpPort = freePort();
        base = "http://127.0.0.1:" + httpPort;
        Path gwYaml = work.resolve("gw.yaml");
        Files.writeString(
                gwYaml,
                String.join(
                        "\n",
                        "gatewayId: gw-live-bench",
                        "mqtt:",
                        "  url: tcp://127.0.0.1:" + brokerPort,
                        "broker:",
                        "  embedded: true",
                        "  host: 127.0.0.1",
                        "  port: " + brokerPort,
                        "http:",
                        "  host: 127.0.0.1",
                        "  port: " + httpPort,
                        "dataDir: " + work.resolve("gw-data"),
                        "map:",
                        "  tileUrl: \"\"",
                        "live:",
                        "  idleStopSeconds: " + idleStop,
                        ""));
        Path unitYaml = work.resolve("unit.yaml");
        Files.writeString(
                unitYaml,
                String.join(
                        "\n",
                        "unitId: " + unitId,
                        "officerId: bench-officer",
                        "hal: mock",
                        "dataDir: " + work.resolve("unit-data"),
                        "mqtt:",
                        "  url: tcp://127.0.0.1:" + brokerPort,
                        "  connectTimeoutSeconds: 5",
                        "  reconnectMaxSeconds: 5",
                        "gnss:",
                        "  source: none",
                        "video:",
                        "  source: testsrc",
                        "  width: " + width,
                        "  height: " + height,
                        "  fps: " + fps,
                        "  bitrateKbps: " + bitrate,
                        "  gopSeconds: 1",
                        "  encoder: " + encoder,
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
                        user,
                        "--role",
                        "supervisor",
                        "--password-stdin",
                        "--config",
                        gwYaml.toString()),
                password + "\n",
                "user-add");

        gateway = startApp(List.of("gateway", "--config", gwYaml.toString()), "gateway.log");
        writePids();
        waitHttp(base + "/health", 60_000);
        login();
        say("gateway pid %d on http %d, broker %d", gateway.pid(), httpPort, brokerPort);

        unit = startApp(List.of("device", "--config", unitYaml.toString()), "unit.log");
        writePids();
        long deadline = System.currentTimeMillis() + 60_000;
        while (true) {
            String units = get("/api/units");
            if (units.contains("\"id\":\"" + unitId + "\"")
                    && Pattern.compile("\"id\":\"" + unitId + "\"[^}]*\"online\":true")
                            .matcher(units)
                            .find()) break;
            if (System.currentTimeMillis() > deadline)
                throw new IllegalStateException(
                        "unit " + unitId + " not online after 60 s; see " + work.resolve("unit.log"));
            if (!unit.isAlive())
                throw new IllegalStateException(
                        "the unit exited (" + unit.exitValue() + "); see " + work.resolve("unit.log"));
            sleep(500);
        }
        say("unit %s online (pid %d), %dx%d@%d %s %d kb/s", unitId, unit.pid(), width, height, fps, encoder, bitrate);

        startBrowser();
        writePids();
        // Sign in through the page, as an operator would; the session cookie serves every later page.
        browser.get(base + "/login?next=/live/" + unitId);
        waitFor(() -> !browser.findElements(By.id("username")).isEmpty(), 20_000, "login form");
        browser.findElement(By.id("username")).sendKeys(user);
        browser.findElement(By.id("password")).sendKeys(password);
        browser.findElement(By.cssSelector("button[type=submit]")).click();
        waitFor(() -> browser.getCurrentUrl().contains("/live/"), 20_000, "redirect to the live page");
        waitFor(
                () -> "playing"
                        .equals(js("var v=document.querySelector('video.live-player');return v?v.dataset.state:null")),
                30_000,
                "the first live page to play");
        blank();
        // The first stream start loads the encoder path of the relay: let it settle and go idle before the cold runs.
        sleep(1000);
    }

    void startBrowser() throws IOException {
        chromeProfile = Files.createTempDirectory(work, "chrome-");
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
                "--user-data-dir=" + chromeProfile);
        ChromeDriverService svc = new ChromeDriverService.Builder()
                .usingDriverExecutable(new java.io.File("/usr/bin/chromedriver"))
                .usingAnyFreePort()
                .withLogFile(work.resolve("chromedriver.log").toFile())
                .build();
        ChromeDriver d = new ChromeDriver(svc, o);
        d.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
        d.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
        // Instrument every live page before its own scripts run: exact page-clock times of the first frame and
        // of data-state=playing (a MutationObserver), and a data-latency-ms sampler every 250 ms.
        d.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source", PAGE_PROBE));
        browser = d;
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
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(URI.create(base + "/api/login"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(
                                "{\"username\":\"" + user + "\",\"password\":\"" + password + "\"}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) throw new IllegalStateException("login: HTTP " + r.statusCode() + " " + r.body());
        token = field(r.body(), "token");
    }

    Process startApp(List<String> args, String logName) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(java);
        cmd.addAll(List.of(jvmOpts.trim().split("\\s+")));
        cmd.add("-jar");
        cmd.add(app.resolve("bwc.jar").toString());
        cmd.addAll(args);
        return new ProcessBuilder(cmd)
                .directory(work.toFile())
                .redirectErrorStream(true)
                .redirectOutput(work.resolve(logName).toFile())
                .start();
    }

    void runTool(List<String> args, String stdin, String name) throws Exception {
        Process p = startApp(args, name + ".log");
        if (stdin != null) {
            try (OutputStream o = p.getOutputStream()) {
                o.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
        } else {
            p.getOutputStream().close();
        }
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(
                    "bwc " + String.join(" ", args) + " failed: " + Files.readString(work.resolve(name + ".log")));
        }
    }

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
            if (browser != null) {
                try {
                    browser.quit();
                } catch (Exception ignored) {
                }
                browser = null;
            }
            for (Process p : new Process[] {unit, gateway}) {
                if (p == null || !p.isAlive()) continue;
                p.destroy();
                try {
                    if (!p.waitFor(10, TimeUnit.SECONDS)) p.destroyForcibly();
                } catch (InterruptedException e) {
                    p.destroyForcibly();
                }
            }
            ProcessHandle.current().descendants().forEach(ProcessHandle::destroy);
        }
    }

    // =================================================================================================================
    // click-to-first-frame

    /** One open of the live page: the player's own figure and the page-clock / driver-clock times. */
    record Open(
            double firstFrameMs,
            double navToFirstFrame,
            double navToPlaying,
            double driverToPlaying,
            double responseEnd,
            String states,
            double settled) {
        @Override
        public String toString() {
            return String.format(
                    Locale.ROOT,
                    "data-first-frame-ms %.0f, page open→first frame %.0f ms, page open→playing %.0f ms, driver get→playing %.0f ms (page HTML %.0f ms); g2g 3 s after playing %.0f ms",
                    firstFrameMs,
                    navToFirstFrame,
                    navToPlaying,
                    driverToPlaying,
                    responseEnd,
                    settled);
        }
    }

    Open openLivePage(boolean coldExpected) {
        long t0 = System.nanoTime();
        browser.get(base + "/live/" + unitId);
        double driverPlaying = Double.NaN;
        long deadline = System.currentTimeMillis() + 30_000;
        Map<?, ?> b = null;
        while (System.currentTimeMillis() < deadline) {
            Object o = js(
                    "var B=window.__bench;if(!B)return null;var n=performance.getEntriesByType('navigation')[0];"
                            + "return {p:B.playingAt,f:B.firstFrameAt,m:B.firstFrameMs,s:B.states.join(' '),r:n?n.responseEnd:null};");
            if (o instanceof Map<?, ?> m) {
                b = m;
                if (m.get("p") != null && Double.isNaN(driverPlaying)) driverPlaying = (System.nanoTime() - t0) / 1e6;
                if (m.get("p") != null && m.get("m") != null) break;
            }
            sleep(20);
        }
        if (b == null || b.get("m") == null) {
            throw new IllegalStateException("the live page did not show a first frame within 30 s ("
                    + (b == null ? "no probe" : b.get("s")) + ")");
        }
        // Where the playhead settled: the player keeps its place unless it falls > 1.2 s behind the newest frame.
        double playingAt = num(b.get("p"));
        long wait = (long) (playingAt + 3000 - num(js("return performance.now();")));
        if (wait > 0) sleep(wait);
        double settled = num(
                js(
                        "var v=document.querySelector('video.live-player');return v&&v.dataset.latencyMs?Number(v.dataset.latencyMs):null;"));
        return new Open(
                num(b.get("m")),
                num(b.get("f")),
                playingAt,
                driverPlaying,
                num(b.get("r")),
                String.valueOf(b.get("s")),
                settled);
    }

    void waitNoStream() {
        long start = System.currentTimeMillis();
        waitFor(
                () -> {
                    try {
                        return get("/api/live").trim().equals("[]");
                    } catch (Exception e) {
                        return false;
                    }
                },
                (idleStop + 30) * 1000L,
                "the stream to stop after going idle (" + safeGet("/api/live") + ")");
        // the unit's live.stop is asynchronous: give it a moment to close its uplink for good
        sleep(1500);
        log("    (stream idle-stopped after %.1f s)", (System.currentTimeMillis() - start) / 1000.0);
    }

    void blank() {
        try {
            browser.get("about:blank");
        } catch (Exception ignored) {
        }
    }

    // =================================================================================================================
    // latency windows

    /** One measured window. */
    static final class Window {
        String name;
        int viewers, chromium, javaViewers;
        List<Double> browserSamples = new ArrayList<>(); // all Chromium viewers' latency samples (ms)
        int browserMissing; // samples without a figure (not playing)
        List<String> browserStates = new ArrayList<>();
        long droppedFrames = -1, totalFrames = -1;
        List<Double> arrival = new ArrayList<>(); // Java viewers: arrival - capture stamp (ms)
        List<Double> fragDur = new ArrayList<>(); // media ms deltas between consecutive fragments
        List<Double> interArrival = new ArrayList<>();
        long javaFragments, javaBytes;
        double wall, gwCpu, unitCpu, browserCpu, benchCpu, machineBusy, other;
        double gwRssMean, gwRssMax, gwHwm;
        double quietWaited;
        boolean quietReached;
        String warn = "";

        String oneLine() {
            return String.format(
                    Locale.ROOT,
                    "%s: browser p50/p99 %s/%s ms (%d samples, %d without figure), Java arrival p50/p99 %s/%s ms, gateway %.3f cores %.0f MiB, unit %.2f, browser %.2f, other %.2f%s",
                    name,
                    fmt(pct(browserSamples, 50)),
                    fmt(pct(browserSamples, 99)),
                    browserSamples.size(),
                    browserMissing,
                    fmt(pct(arrival, 50)),
                    fmt(pct(arrival, 99)),
                    gwCpu,
                    gwRssMean,
                    unitCpu,
                    browserCpu,
                    other,
                    other > 0.5 ? " NOISY" : "");
        }
    }

    Window latencyWindow(int viewers, int trial) throws Exception {
        Window w = new Window();
        w.name = viewers + " viewer" + (viewers == 1 ? "" : "s") + " (1 Chromium"
                + (viewers > 1 ? " + " + (viewers - 1) + " Java WS" : "") + ")" + (trials > 1 ? " trial " + trial : "");
        w.viewers = viewers;
        w.chromium = 1;
        w.javaViewers = viewers - 1;
        quiet(w);
        browser.get(base + "/live/" + unitId);
        waitFor(
                () -> "playing"
                        .equals(js("var v=document.querySelector('video.live-player');return v?v.dataset.state:null")),
                30_000,
                "the live page to play");
        List<JavaViewer> jv = new ArrayList<>();
        for (int i = 0; i < viewers - 1; i++) jv.add(JavaViewer.open(this, "v" + (i + 1)));
        say("%s: warm-up %d s, then %d s measured", w.name, warmup, seconds);
        sleep(warmup * 1000L);
        measure(w, jv, List.of(browser.getWindowHandle()));
        for (JavaViewer v : jv) v.close();
        blank();
        return w;
    }

    Window chromiumWindow(int tabs) throws Exception {
        Window w = new Window();
        w.name = tabs + " Chromium tabs (one browser, " + tabs + " windows)";
        w.viewers = tabs;
        w.chromium = tabs;
        quiet(w);
        List<String> handles = new ArrayList<>();
        String problem = null;
        for (int i = 0; i < tabs; i++) {
            try {
                if (i > 0) {
                    browser.switchTo().newWindow(WindowType.WINDOW);
                    // the probe is registered per page target: register it for the new window too
                    ((ChromeDriver) browser)
                            .executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source", PAGE_PROBE));
                }
                String h = browser.getWindowHandle();
                browser.get(base + "/live/" + unitId);
                // one at a time: each tab plays before the next opens
                waitFor(
                        () -> "playing"
                                .equals(
                                        js(
                                                "var v=document.querySelector('video.live-player');return v?v.dataset.state:null")),
                        45_000,
                        "tab " + (i + 1) + " to play");
                handles.add(h);
            } catch (Exception e) {
                problem = "tab " + (i + 1) + " of " + tabs + " did not start: "
                        + e.getMessage().lines().findFirst().orElse("?");
                say("%s", problem);
                break;
            }
        }
        if (handles.isEmpty()) throw new IllegalStateException(problem);
        if (handles.size() < tabs) {
            w.name = handles.size() + " of " + tabs + " Chromium tabs (one browser)";
            w.warn += " " + problem + ";";
        }
        w.viewers = w.chromium = handles.size();
        say("%s: warm-up %d s, then %d s measured", w.name, warmup, seconds);
        sleep(warmup * 1000L);
        measure(w, List.of(), handles);
        resetBrowserWindows();
        return w;
    }

    void resetBrowserWindows() {
        List<String> hs = new ArrayList<>(browser.getWindowHandles());
        for (int i = 1; i < hs.size(); i++) {
            browser.switchTo().window(hs.get(i));
            browser.close();
        }
        browser.switchTo().window(hs.get(0));
        blank();
    }

    void measure(Window w, List<JavaViewer> jv, List<String> handles) throws Exception {
        for (String h : handles) {
            browser.switchTo().window(h);
            js(
                    "var B=window.__bench;B.samples=[];B.collecting=true;var q=document.querySelector('video.live-player').getVideoPlaybackQuality();"
                            + "B.q0=[q.totalVideoFrames,q.droppedVideoFrames];");
        }
        for (JavaViewer v : jv) v.collect(true);
        Snapshot s0 = Snapshot.take(this);
        List<Double> rss = new ArrayList<>();
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        while (System.nanoTime() < end) {
            sleep(Math.min(1000, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
            rss.add(status(gateway.pid(), "VmRSS") / 1024.0);
        }
        Snapshot s1 = Snapshot.take(this);
        for (JavaViewer v : jv) v.collect(false);
        long total = 0, dropped = 0;
        for (String h : handles) {
            browser.switchTo().window(h);
            Object o = js(
                    "var B=window.__bench;B.collecting=false;var q=document.querySelector('video.live-player').getVideoPlaybackQuality();"
                            + "var v=document.querySelector('video.live-player');"
                            + "return {s:B.samples,t:q.totalVideoFrames-B.q0[0],d:q.droppedVideoFrames-B.q0[1],st:B.states.join(' '),rc:v.dataset.reconnects||'0'};");
            Map<?, ?> m = (Map<?, ?>) o;
            for (Object x : (List<?>) m.get("s")) {
                double d = num(x);
                if (d < 0) w.browserMissing++;
                else w.browserSamples.add(d);
            }
            total += (long) num(m.get("t"));
            dropped += (long) num(m.get("d"));
            w.browserStates.add(m.get("st") + " reconnects " + m.get("rc"));
        }
        w.totalFrames = total;
        w.droppedFrames = dropped;
        for (JavaViewer v : jv) {
            w.arrival.addAll(v.arrival);
            w.fragDur.addAll(v.fragDur);
            w.interArrival.addAll(v.interArrival);
            w.javaFragments += v.arrival.size();
            w.javaBytes += v.bytes;
            if (v.ended != null) w.warn += " Java viewer " + v.name + " ended: " + v.ended + ";";
        }
        w.wall = (s1.nanos - s0.nanos) / 1e9;
        w.gwCpu = s1.cores(s0, gateway.pid(), clkTck, w.wall);
        w.unitCpu = s1.cores(s0, unit.pid(), clkTck, w.wall);
        w.benchCpu = s1.cores(s0, ProcessHandle.current().pid(), clkTck, w.wall);
        double ours = s1.oursCores(s0, clkTck, w.wall);
        w.browserCpu = ours - w.gwCpu - w.unitCpu - w.benchCpu;
        w.machineBusy = (s1.machine - s0.machine) / (double) clkTck / w.wall;
        w.other = Math.max(0, w.machineBusy - ours);
        w.gwRssMean = rss.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
        w.gwRssMax = rss.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
        w.gwHwm = status(gateway.pid(), "VmHWM") / 1024.0;
    }

    /** Waits up to --quiet-wait s until the rest of the machine uses < 0.3 core (2 s samples). */
    void quiet(Window w) {
        long start = System.nanoTime();
        w.quietReached = quietWait <= 0;
        while (quietWait > 0) {
            Snapshot a = Snapshot.take(this);
            sleep(2000);
            Snapshot b = Snapshot.take(this);
            double wall = (b.nanos - a.nanos) / 1e9;
            double other = (b.machine - a.machine) / (double) clkTck / wall - b.oursCores(a, clkTck, wall);
            if (other < 0.3) {
                w.quietReached = true;
                break;
            }
            if ((System.nanoTime() - start) / 1e9 >= quietWait) break;
        }
        w.quietWaited = (System.nanoTime() - start) / 1e9;
    }

    /** CPU ticks of the machine, and of this JVM and every process it started (gateway, unit, chromedriver, Chromium). */
    static final class Snapshot {
        long nanos, machine;
        Map<Long, Long> ticks = new HashMap<>();

        static Snapshot take(LiveBench b) {
            Snapshot s = new Snapshot();
            s.nanos = System.nanoTime();
            s.machine = machineBusy();
            s.ticks.put(
                    ProcessHandle.current().pid(),
                    procTicks(ProcessHandle.current().pid()));
            ProcessHandle.current().descendants().forEach(h -> {
                long t = procTicks(h.pid());
                if (t >= 0) s.ticks.put(h.pid(), t);
            });
            return s;
        }

        double cores(Snapshot before, long pid, long clk, double wall) {
            Long a = before.ticks.get(pid), b = ticks.get(pid);
            if (a == null || b == null) return Double.NaN;
            return (b - a) / (double) clk / wall;
        }

        /** Processes that appeared during the window count from 0; ones that vanished are lost (rare: tabs). */
        double oursCores(Snapshot before, long clk, double wall) {
            long sum = 0;
            for (Map.Entry<Long, Long> e : ticks.entrySet())
                sum += e.getValue() - before.ticks.getOrDefault(e.getKey(), 0L);
            return sum / (double) clk / wall;
        }
    }

    static long machineBusy() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long total = 0;
            for (int i = 1; i <= 8 && i < f.length; i++) total += Long.parseLong(f[i]);
            return total - Long.parseLong(f[4]) - Long.parseLong(f[5]);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read /proc/stat", e);
        }
    }

    static long procTicks(long pid) {
        try {
            String s = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);
        } catch (Exception e) {
            return -1;
        }
    }

    static long status(long pid, String key) {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (l.startsWith(key + ":")) return Long.parseLong(l.replaceAll("[^0-9]", ""));
            }
        } catch (IOException ignored) {
        }
        return -1;
    }

    // =================================================================================================================
    // Java WebSocket viewer

    static final class JavaViewer implements WebSocket.Listener {
        final String name;
        WebSocket ws;
        final java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
        final StringBuilder text = new StringBuilder();
        volatile boolean collecting;
        final List<Double> arrival = Collections.synchronizedList(new ArrayList<>());
        final List<Double> fragDur = Collections.synchronizedList(new ArrayList<>());
        final List<Double> interArrival = Collections.synchronizedList(new ArrayList<>());
        volatile long fragments, bytes;
        long lastMedia = -1, lastArrivalNanos = -1;
        volatile String ended;

        JavaViewer(String name) {
            this.name = name;
        }

        static JavaViewer open(LiveBench b, String name) throws Exception {
            HttpResponse<String> r = b.http.send(
                    HttpRequest.newBuilder(URI.create(b.base + "/api/live/" + b.unitId))
                            .header("Authorization", "Bearer " + b.token)
                            .POST(HttpRequest.BodyPublishers.noBody())
                            .timeout(Duration.ofSeconds(30))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200)
                throw new IllegalStateException("POST /api/live: HTTP " + r.statusCode() + " " + r.body());
            String path = field(r.body(), "ws");
            JavaViewer v = new JavaViewer(name);
            v.ws = b.http.newWebSocketBuilder()
                    .header("Authorization", "Bearer " + b.token)
                    .buildAsync(URI.create("ws://127.0.0.1:" + b.httpPort + path), v)
                    .get(30, TimeUnit.SECONDS);
            return v;
        }

        void collect(boolean on) {
            collecting = on;
        }

        void waitFragments(int n, long ms) {
            long deadline = System.currentTimeMillis() + ms;
            while (fragments < n && System.currentTimeMillis() < deadline) sleep(50);
            if (fragments < n)
                throw new IllegalStateException(
                        "Java viewer " + name + " got " + fragments + " fragments in " + ms + " ms");
        }

        void close() {
            try {
                ws.sendClose(WebSocket.NORMAL_CLOSURE, "bench done").get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                ws.abort();
            }
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket w, ByteBuffer data, boolean last) {
            byte[] b = new byte[data.remaining()];
            data.get(b);
            buf.write(b, 0, b.length);
            if (last) {
                long now = System.currentTimeMillis();
                long nanos = System.nanoTime();
                ByteBuffer m = ByteBuffer.wrap(buf.toByteArray());
                buf.reset();
                if (m.remaining() >= 16) {
                    long capture = m.getLong(0), media = m.getLong(8);
                    if (media >= 0) {
                        fragments++;
                        if (collecting) {
                            arrival.add((double) (now - capture));
                            bytes += m.remaining();
                            if (lastMedia >= 0) fragDur.add((double) (media - lastMedia));
                            if (lastArrivalNanos >= 0) interArrival.add((nanos - lastArrivalNanos) / 1e6);
                        }
                        lastMedia = media;
                        lastArrivalNanos = nanos;
                    }
                }
            }
            w.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                String t = text.toString();
                text.setLength(0);
                if (t.contains("\"type\":\"end\"")) ended = t;
            }
            w.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket w, int code, String reason) {
            if (ended == null && collecting) ended = "closed " + code + " " + reason;
            return null;
        }

        @Override
        public void onError(WebSocket w, Throwable error) {
            if (collecting) ended = "error " + error;
        }
    }

    // =================================================================================================================
    // report

    String report(
            String startedAt,
            String endedAt,
            List<Open> cold,
            List<Open> warm,
            List<Window> windows,
            Window c8,
            String c8Problem) {
        StringBuilder r = new StringBuilder();
        r.append("# bench/live report\n\n");
        r.append(String.format(
                Locale.ROOT,
                "Run %s – %s. Machine: %s. Chromium: %s. App: %s.%n%n",
                startedAt,
                endedAt,
                machine,
                chromiumVersion,
                appInfo));
        r.append(String.format(
                Locale.ROOT,
                "Unit: hal mock, lavfi testsrc2 %dx%d@%d, %s, %d kb/s, GOP 1 s, overlay on, audio on (AAC), 200 ms fragments. "
                        + "Gateway: embedded broker, live.idleStopSeconds %d. JVM options of gateway and unit: `%s`. Window %d s after %d s warm-up, %d trial(s).%n%n",
                width,
                height,
                fps,
                encoder,
                bitrate,
                idleStop,
                jvmOpts,
                seconds,
                warmup,
                trials));

        r.append("## Glass-to-glass latency, CPU and memory\n\n");
        r.append(
                "| window | browser g2g p50 / p99 / max ms (samples; without figure) | Java WS arrival delay p50 / p99 / max ms (fragments) | Chromium frames shown / dropped | gateway CPU cores | gateway RSS mean / max MiB | unit CPU | browser CPU | bench JVM CPU | other load | quiet wait |\n");
        r.append("|---|---|---|---|---:|---|---:|---:|---:|---:|---|\n");
        List<Window> all = new ArrayList<>(windows);
        if (c8 != null) all.add(c8);
        for (Window w : all) {
            r.append(String.format(
                    Locale.ROOT,
                    "| %s | %s / %s / %s (%d; %d) | %s | %d / %d | %.3f | %.1f / %.1f | %.3f | %.3f | %.3f | %.2f%s | %s |%n",
                    w.name,
                    fmt(pct(w.browserSamples, 50)),
                    fmt(pct(w.browserSamples, 99)),
                    fmt(max(w.browserSamples)),
                    w.browserSamples.size(),
                    w.browserMissing,
                    w.arrival.isEmpty()
                            ? "–"
                            : fmt(pct(w.arrival, 50)) + " / " + fmt(pct(w.arrival, 99)) + " / " + fmt(max(w.arrival))
                                    + " (" + w.arrival.size() + ")",
                    w.totalFrames,
                    w.droppedFrames,
                    w.gwCpu,
                    w.gwRssMean,
                    w.gwRssMax,
                    w.unitCpu,
                    w.browserCpu,
                    w.benchCpu,
                    w.other,
                    w.other > 0.5 ? " NOISY" : "",
                    String.format(Locale.ROOT, "%.0f s%s", w.quietWaited, w.quietReached ? "" : " (not quiet)")));
        }
        if (c8 == null && chromium8 > 0)
            r.append("| 8 Chromium tabs | not measured: ").append(c8Problem).append(" |||||||||||\n");
        r.append("\n");
        r.append(
                        "* **browser g2g**: `data-latency-ms` of each Chromium viewer, sampled in the page every 250 ms over the window (player's figure: browser `Date.now()` − capture stamp of the frame on screen). ")
                .append(
                        "\"without figure\" counts samples taken while the player had no figure (not playing/stalled).\n");
        r.append(
                        "* **Java WS arrival delay**: per fragment and Java viewer, arrival of the complete WebSocket message − its capture stamp (the capture time of the fragment's *first* frame). ")
                .append("Not what a person sees: no decoding, no playout buffer.\n");
        r.append(
                "* CPU = utime+stime from `/proc/<pid>/stat` over the window ÷ wall time; browser = chromedriver + all Chromium processes; other load = `/proc/stat` busy − all of the bench's processes; > 0.5 core is NOISY.\n");
        for (Window w : all) {
            if (!w.warn.isEmpty())
                r.append("* ").append(w.name).append(": ").append(w.warn).append('\n');
        }
        r.append('\n');

        // per viewer
        Window one = null, eight = null;
        for (Window w : windows) {
            if (w.viewers == 1 && one == null) one = w;
            if (w.viewers == 8 && eight == null) eight = w;
        }
        if (one != null && eight != null) {
            double cpuPer = (eight.gwCpu - one.gwCpu) / 7, rssPer = (eight.gwRssMean - one.gwRssMean) / 7;
            r.append(String.format(
                    Locale.ROOT,
                    "Gateway cost per extra viewer ((8 − 1 viewer) / 7, the 7 extra being Java WebSocket viewers): **%.4f cores** (%.1f ms CPU per second) and **%.2f MiB** RSS (mean RSS; heap/GC makes this figure noisy). ",
                    cpuPer,
                    cpuPer * 1000,
                    rssPer));
            double mbps = eight.javaBytes * 8 / 1e6 / eight.wall / Math.max(1, eight.javaViewers);
            r.append(String.format(Locale.ROOT, "Stream as received: %.2f Mb/s per viewer.%n%n", mbps));
        }

        // reference
        Window ref = eight != null
                ? eight
                : windows.stream().filter(w -> !w.arrival.isEmpty()).findFirst().orElse(null);
        if (ref != null && !ref.fragDur.isEmpty()) {
            double fd = pct(ref.fragDur, 50);
            List<Double> beyond = ref.arrival.stream().map(a -> a - fd).toList();
            r.append("## Reference: the unit's fragment cadence (same run, ")
                    .append(ref.name)
                    .append(")\n\n");
            r.append(String.format(Locale.ROOT, "| figure | p50 | p99 | max |%n|---|---:|---:|---:|%n"));
            r.append(String.format(
                    Locale.ROOT,
                    "| fragment duration (media ms between consecutive fragments) | %s | %s | %s |%n",
                    fmt(fd),
                    fmt(pct(ref.fragDur, 99)),
                    fmt(max(ref.fragDur))));
            r.append(String.format(
                    Locale.ROOT,
                    "| fragment inter-arrival at the Java viewers (ms) | %s | %s | %s |%n",
                    fmt(pct(ref.interArrival, 50)),
                    fmt(pct(ref.interArrival, 99)),
                    fmt(max(ref.interArrival))));
            r.append(String.format(
                    Locale.ROOT,
                    "| arrival delay (arrival − capture of the first frame) | %s | %s | %s |%n",
                    fmt(pct(ref.arrival, 50)),
                    fmt(pct(ref.arrival, 99)),
                    fmt(max(ref.arrival))));
            r.append(String.format(
                    Locale.ROOT,
                    "| arrival delay − fragment duration (p50 %s ms): encode + cut + uplink + relay + WebSocket | %s | %s | %s |%n%n",
                    fmt(fd),
                    fmt(pct(beyond, 50)),
                    fmt(pct(beyond, 99)),
                    fmt(max(beyond))));
            r.append(
                            "The capture stamp is the fragment's first frame (cut time − fragment duration), so about one fragment duration of every delay is the fragment filling up at the unit, not transport. ")
                    .append(
                            "The gateway exposes no receive time of its own, so unit, uplink and relay cannot be separated further here.\n\n");
        }

        // first frame
        r.append("## Click-to-first-frame\n\n");
        r.append(
                "| kind | n | `data-first-frame-ms` p50 / max | page open → first frame p50 / max | page open → `data-state=playing` p50 / max | driver `get()` → playing seen p50 / max | page HTML loaded p50 |\n");
        r.append("|---|---:|---|---|---|---|---:|\n");
        for (var e : List.of(Map.entry("cold (stream stopped)", cold), Map.entry("warm join (stream running)", warm))) {
            List<Open> l = e.getValue();
            if (l.isEmpty()) continue;
            r.append(String.format(
                    Locale.ROOT,
                    "| %s | %d | %s / %s | %s / %s | %s / %s | %s / %s | %s |%n",
                    e.getKey(),
                    l.size(),
                    fmt(pct(col(l, Open::firstFrameMs), 50)),
                    fmt(max(col(l, Open::firstFrameMs))),
                    fmt(pct(col(l, Open::navToFirstFrame), 50)),
                    fmt(max(col(l, Open::navToFirstFrame))),
                    fmt(pct(col(l, Open::navToPlaying), 50)),
                    fmt(max(col(l, Open::navToPlaying))),
                    fmt(pct(col(l, Open::driverToPlaying), 50)),
                    fmt(max(col(l, Open::driverToPlaying))),
                    fmt(pct(col(l, Open::responseEnd), 50))));
        }
        r.append(
                "\n* `data-first-frame-ms`: the player's own figure, from the player's start (after the page loaded and checked the session) to the first frame presented (`requestVideoFrameCallback`).\n");
        r.append(
                "* page open → first frame / playing: page clock (`performance.now()`, 0 = navigation start) when the probe's MutationObserver saw `data-first-frame-ms` / `data-state=playing` appear; includes loading the page (warm browser cache, same session).\n");
        r.append(
                "* driver `get()` → playing: WebDriver wall time from the navigation command to the first 20 ms poll that saw `playing`.\n");
        r.append("* g2g 3 s after playing (the player's `data-latency-ms` once, 3 s after `playing`): cold ")
                .append(cold.stream().map(o -> fmt(o.settled())).collect(Collectors.joining(", ")))
                .append(" ms; warm ")
                .append(warm.stream().map(o -> fmt(o.settled())).collect(Collectors.joining(", ")))
                .append(" ms.\n");
        List<Double> settledAll = new ArrayList<>(col(cold, Open::settled));
        settledAll.addAll(col(warm, Open::settled));
        r.append(String.format(
                Locale.ROOT,
                "* Over all %d joins, g2g 3 s after playing: p50 %s, min %s, max %s ms. A single page keeps the offset it got at its join (the player only jumps when it is > 1.2 s behind its newest buffered frame), so one window's p50 is mostly one join's offset.%n",
                settledAll.size(),
                fmt(pct(settledAll, 50)),
                fmt(settledAll.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN)),
                fmt(max(settledAll))));
        r.append("* Individual opens: cold ")
                .append(cold.stream()
                        .map(o -> fmt(o.firstFrameMs()) + "/" + fmt(o.navToFirstFrame()))
                        .collect(Collectors.joining(", ")))
                .append("; warm ")
                .append(warm.stream()
                        .map(o -> fmt(o.firstFrameMs()) + "/" + fmt(o.navToFirstFrame()))
                        .collect(Collectors.joining(", ")))
                .append(" (data-first-frame-ms / page open → first frame).\n\n");

        // verdicts
        r.append("## Targets\n\n```\n");
        for (Window w : all) {
            if (w.browserSamples.isEmpty()) {
                r.append(w.name).append(": no browser samples FAIL\n");
                continue;
            }
            String noisy =
                    w.other > 0.5 ? "  (NOISY: other load " + String.format(Locale.ROOT, "%.2f", w.other) + ")" : "";
            r.append(verdict("g2g p50 " + w.name, pct(w.browserSamples, 50), 800))
                    .append(noisy)
                    .append('\n');
            r.append(verdict("g2g p99 " + w.name, pct(w.browserSamples, 99), 1500))
                    .append(noisy)
                    .append('\n');
        }
        if (!cold.isEmpty()) {
            r.append(verdict(
                            "click-to-first-frame cold p50 (data-first-frame-ms)",
                            pct(col(cold, Open::firstFrameMs), 50),
                            1500))
                    .append('\n');
            r.append(verdict(
                            "click-to-first-frame cold max (data-first-frame-ms)",
                            max(col(cold, Open::firstFrameMs)),
                            1500))
                    .append('\n');
            r.append(verdict(
                            "page open-to-first-frame cold p50 (incl. page load)",
                            pct(col(cold, Open::navToFirstFrame), 50),
                            1500))
                    .append('\n');
        }
        if (!warm.isEmpty()) {
            r.append(verdict(
                            "click-to-first-frame warm p50 (data-first-frame-ms)",
                            pct(col(warm, Open::firstFrameMs), 50),
                            1500))
                    .append('\n');
            r.append(verdict(
                            "click-to-first-frame warm max (data-first-frame-ms)",
                            max(col(warm, Open::firstFrameMs)),
                            1500))
                    .append('\n');
        }
        List<Double> st = new ArrayList<>(col(cold, Open::settled));
        st.addAll(col(warm, Open::settled));
        if (!st.isEmpty())
            r.append(verdict(
                            "g2g p50 over " + st.size() + " joins (3 s after playing, one figure per join)",
                            pct(st, 50),
                            800))
                    .append('\n');
        r.append("```\n\n");
        r.append("## Log\n\n```\n").append(log).append("```\n");
        r.append("\nBrowser state transitions per window (page clock ms:state): ");
        for (Window w : all) r.append("\n* ").append(w.name).append(": ").append(String.join(" | ", w.browserStates));
        r.append('\n');
        return r.toString();
    }

    static String verdict(String what, double v, double target) {
        return String.format(
                Locale.ROOT, "%-70s %8s ms  (target <= %.0f)  %s", what, fmt(v), target, v <= target ? "PASS" : "FAIL");
    }

    static List<Double> col(List<Open> l, java.util.function.ToDoubleFunction<Open> f) {
        return l.stream()
                .map(o -> f.applyAsDouble(o))
                .filter(d -> !Double.isNaN(d))
                .toList();
    }

    static double pct(List<Double> l, double p) {
        if (l.isEmpty()) return Double.NaN;
        List<Double> s = new ArrayList<>(l);
        Collections.sort(s);
        int i = (int) Math.ceil(p / 100.0 * s.size()) - 1;
        return s.get(Math.max(0, Math.min(s.size() - 1, i)));
    }

    static double max(List<Double> l) {
        return l.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
    }

    static String fmt(double d) {
        return Double.isNaN(d) ? "–" : String.format(Locale.ROOT, "%.0f", d);
    }

    // =================================================================================================================
    // helpers

    Object js(String script) {
        return ((JavascriptExecutor) browser).executeScript(script);
    }

    String get(String path) throws Exception {
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(URI.create(base + path))
                        .header("Authorization", "Bearer " + token)
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) throw new IllegalStateException(path + ": HTTP " + r.statusCode());
        return r.body();
    }

    String safeGet(String path) {
        try {
            return get(path);
        } catch (Exception e) {
            return e.toString();
        }
    }

    void waitHttp(String url, long ms) {
        waitFor(
                () -> {
                    if (!gateway.isAlive())
                        throw new IllegalStateException("the gateway exited; see " + work.resolve("gateway.log"));
                    try {
                        return http.send(
                                                HttpRequest.newBuilder(URI.create(url))
                                                        .timeout(Duration.ofSeconds(2))
                                                        .build(),
                                                HttpResponse.BodyHandlers.discarding())
                                        .statusCode()
                                == 200;
                    } catch (Exception e) {
                        return false;
                    }
                },
                ms,
                url);
    }

    static void waitFor(java.util.function.BooleanSupplier c, long ms, String what) {
        long deadline = System.currentTimeMillis() + ms;
        while (!c.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline)
                throw new IllegalStateException("timed out after " + ms / 1000 + " s waiting for " + what);
            sleep(50);
        }
    }

    static String field(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\"\\s*:\\s*\"([^\"]*)\"").matcher(json);
        if (!m.find()) throw new IllegalStateException("no " + name + " in " + json);
        return m.group(1);
    }

    static double num(Object o) {
        return o instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        }
    }

    void say(String f, Object... a) {
        String s = String.format(Locale.ROOT, f, a);
        System.out.println(s);
        System.out.flush();
        log.append(s).append('\n');
    }

    void log(String f, Object... a) {
        say(f, a);
    }
}
