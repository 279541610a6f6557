package org.openbwc.bench.live;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.openbwc.bench.live.ClickToFirstFrame.Open;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;

/**
 * Live video benchmark: one unit (hal mock, lavfi test picture) streams through a gateway (both their own processes,
 * started from the copied jars) to headless Chromium viewers and Java WebSocket viewers. Measures glass-to-glass
 * latency as the player shows it ({@code data-latency-ms}, sampled in the page every 250 ms), the Java viewers'
 * arrival delay (arrival − capture stamp), click-to-first-frame (cold and warm), and gateway/unit/browser CPU and
 * RSS from /proc. Run through {@code bench/live}; see {@code bench/live.md}.
 *
 * <p>This class holds the options, the run and the processes it started; {@link LiveSetup} starts gateway, unit and
 * browser, {@link ClickToFirstFrame} and {@link LatencyWindows} measure (with {@link JavaViewer}s and {@link
 * Snapshot}s of /proc), and {@link LiveReport} writes the report.
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
    private final ClickToFirstFrame firstFrames = new ClickToFirstFrame(this);
    private final LatencyWindows latencyWindows = new LatencyWindows(this);

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
        new LiveSetup(this).setUp();
        String startedAt = Instant.now().toString();

        // ---- click-to-first-frame -------------------------------------------------------------------------------
        say(
                "click-to-first-frame: %d cold opens (stream stopped, idleStopSeconds %d) and %d warm joins",
                coldRuns, idleStop, warmRuns);
        List<Open> cold = new ArrayList<>(), warm = new ArrayList<>();
        for (int i = 0; i < coldRuns; i++) {
            firstFrames.waitNoStream();
            Open o = firstFrames.openLivePage(true);
            say("  cold %d: %s", i + 1, o);
            cold.add(o);
            blank();
        }
        JavaViewer holder = JavaViewer.open(this, "holder");
        holder.waitFragments(5, 20_000);
        sleep(2000);
        for (int i = 0; i < warmRuns; i++) {
            Open o = firstFrames.openLivePage(false);
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
                Window w = latencyWindows.latencyWindow(v, t + 1);
                windows.add(w);
                say("%s", w.oneLine());
            }
        }
        Window chrome8 = null;
        String chrome8Problem = null;
        if (chromium8 > 0) {
            try {
                chrome8 = latencyWindows.chromiumWindow(8);
                say("%s", chrome8.oneLine());
            } catch (Exception e) {
                chrome8Problem =
                        String.valueOf(e.getMessage()).lines().findFirst().orElse("?");
                say("8 Chromium tabs: not measured: %s", chrome8Problem);
                try {
                    latencyWindows.resetBrowserWindows();
                } catch (Exception ignored) {
                }
            }
        }
        String endedAt = Instant.now().toString();
        String md = new LiveReport(this).report(startedAt, endedAt, cold, warm, windows, chrome8, chrome8Problem);
        Files.writeString(report, md);
        System.out.println();
        System.out.println(md);
        return 0;
    }

    // =================================================================================================================
    // processes

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

    void blank() {
        try {
            browser.get("about:blank");
        } catch (Exception ignored) {
        }
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
