package org.openbwc.bench.talk;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Voice call benchmark (issue 17): mouth-to-ear delay of a tone burst through the real path, both ways, on loopback.
 * Starts {@code bwc demo} with one unit (its own process, from the copied app), signs headless Chromium in on the
 * unit's live page and presses Talk. Officer → room: the virtual-units API makes the unit's microphone hear a burst
 * ({@code POST /mouth}, which returns the injection's wall-clock time); the page times its onset in the player's audio
 * (Web Audio analyser, Goertzel at the tone). Room → officer: the page adds a burst to what it sends (WebCodecs Opus
 * from an AudioWorklet, as a microphone's sound goes); the unit's emulated speaker reports the wall-clock time each
 * chunk sounds ({@code GET /speaker}), and the bench finds the burst's onset in them. Same machine, same clock.
 * Run through {@code bench/talk}.
 */
public final class TalkBench {
    static final double OFFICER_HZ = 1000;
    static final double ROOM_HZ = 2000;
    static final int SAMPLE_RATE = 48_000;

    int bursts = 20;
    long burstMillis = 200;
    long gapMillis = 1200;
    Path work, app, report;
    String java = "java", machine = "?", chromiumVersion = "?", appInfo = "?";
    final String password = "bench-pass-" + Long.toHexString(System.nanoTime());
    final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    Process demo;
    WebDriver browser;
    String base, sim, unitId;
    final StringBuilder notes = new StringBuilder();

    public static void main(String[] args) throws Exception {
        TalkBench b = new TalkBench();
        for (int i = 0; i < args.length; i += 2) {
            String v = args[i + 1];
            switch (args[i]) {
                case "--bursts" -> b.bursts = Integer.parseInt(v);
                case "--burst-ms" -> b.burstMillis = Long.parseLong(v);
                case "--gap-ms" -> b.gapMillis = Long.parseLong(v);
                case "--work" -> b.work = Path.of(v);
                case "--app" -> b.app = Path.of(v);
                case "--report" -> b.report = Path.of(v);
                case "--java" -> b.java = v;
                case "--machine" -> b.machine = v;
                case "--chromium-version" -> b.chromiumVersion = v;
                case "--app-info" -> b.appInfo = v;
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        Runtime.getRuntime().addShutdownHook(new Thread(b::cleanup, "talk-bench-cleanup"));
        try {
            b.run();
        } finally {
            b.cleanup();
        }
    }

    void run() throws Exception {
        int httpPort = freePort(), simPort = freePort(), mqttPort = freePort(), unitPort = freePort();
        Path data = work.resolve("demo-data");
        ProcessBuilder pb = new ProcessBuilder(
                        java,
                        "--enable-native-access=ALL-UNNAMED",
                        "-jar",
                        app.resolve("bwc.jar").toString(),
                        "demo",
                        "--units",
                        "1",
                        "--http-port",
                        Integer.toString(httpPort),
                        "--sim-port",
                        Integer.toString(simPort),
                        "--mqtt-port",
                        Integer.toString(mqttPort),
                        "--unit-port",
                        Integer.toString(unitPort),
                        "--data-dir",
                        data.toString(),
                        "--admin-password",
                        password)
                .redirectErrorStream(true)
                .redirectOutput(work.resolve("demo.log").toFile());
        demo = pb.start();
        Files.writeString(work.resolve("pids"), demo.pid() + "\n");
        base = "http://127.0.0.1:" + httpPort;
        sim = "http://127.0.0.1:" + simPort;
        waitFor(() -> get(sim + "/api/units").contains("\"connected\":true"), 120_000, "the demo's unit online");
        Matcher m = Pattern.compile("\"id\":\"([^\"]+)\"").matcher(get(sim + "/api/units"));
        if (!m.find()) throw new IllegalStateException("no unit in the demo");
        unitId = m.group(1);

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
                "--autoplay-policy=no-user-gesture-required",
                "--user-data-dir=" + work.resolve("chromium"));
        browser = new ChromeDriver(o);
        String path = "/live/" + unitId + "?talk=test";
        browser.get(base + "/login?next=" + URLEncoder.encode(path, StandardCharsets.UTF_8));
        waitFor(() -> !browser.findElements(By.id("username")).isEmpty(), 20_000, "login form");
        browser.findElement(By.id("username")).sendKeys("admin");
        browser.findElement(By.id("password")).sendKeys(password);
        browser.findElement(By.cssSelector("button[type=submit]")).click();
        waitFor(() -> browser.getCurrentUrl().endsWith(path), 20_000, "the live page");
        waitFor(
                () -> "playing"
                        .equals(browser.findElement(By.cssSelector("video.live-player"))
                                .getAttribute("data-state")),
                30_000,
                "the live picture");
        browser.findElement(By.id("live-talk")).click();
        waitFor(
                () -> "open".equals(browser.findElement(By.tagName("body")).getAttribute("data-talk")),
                20_000,
                "the call open");
        String codec = (String) js("return window.openbwcTalk.codec;");
        Thread.sleep(2_000); // the unit's recording starts and its audio settles

        List<Long> up = new ArrayList<>();
        int upLost = 0;
        js("window.openbwcTalk.listen(arguments[0]);", OFFICER_HZ);
        for (int i = 0; i < bursts; i++) {
            String r = post(sim + "/api/units/" + unitId + "/mouth?hz=" + (int) OFFICER_HZ + "&ms=" + burstMillis);
            Matcher at = Pattern.compile("\"injectedAt\":(\\d+)").matcher(r);
            if (!at.find()) throw new IllegalStateException("mouth: " + r);
            long said = Long.parseLong(at.group(1));
            Long heard = null;
            long deadline = System.currentTimeMillis() + 5_000;
            while (heard == null && System.currentTimeMillis() < deadline) {
                for (Object t : (List<?>) js("return window.openbwcTalk.onsets();")) {
                    long v = ((Number) t).longValue();
                    if (v >= said) {
                        heard = v;
                        break;
                    }
                }
                Thread.sleep(20);
            }
            if (heard == null) upLost++;
            else up.add(heard - said);
            Thread.sleep(gapMillis);
        }

        List<Long> down = new ArrayList<>();
        int downLost = 0;
        js("window.openbwcTalk.transmit(true);");
        Thread.sleep(1_000);
        long after = lastSpeakerSeq();
        for (int i = 0; i < bursts; i++) {
            long sent = ((Number) js(
                            "return window.openbwcTalk.injectTone(arguments[0], arguments[1]);", ROOM_HZ, burstMillis))
                    .longValue();
            Long played = null;
            long deadline = System.currentTimeMillis() + 5_000;
            while (played == null && System.currentTimeMillis() < deadline) {
                Thread.sleep(40);
                Speaker s = speakerAfter(after);
                after = s.lastSeq;
                played = s.onsetAfter(sent);
            }
            if (played == null) downLost++;
            else down.add(played - sent);
            Thread.sleep(gapMillis);
            after = lastSpeakerSeq();
        }
        js("window.openbwcTalk.transmit(false);");
        write(codec, up, upLost, down, downLost);
    }

    /** What the unit's speaker played after a chunk, and where the room's burst starts in it. */
    record Speaker(long lastSeq, List<long[]> onsets) {
        Long onsetAfter(long t) {
            for (long[] o : onsets) if (o[0] >= t) return o[0];
            return null;
        }
    }

    long lastSpeakerSeq() throws Exception {
        return speakerAfter(0).lastSeq;
    }

    Speaker speakerAfter(long seq) throws Exception {
        String body = get(sim + "/api/units/" + unitId + "/speaker?after=" + seq);
        // The simulator writes each chunk's fields in this order (seq, startMillis, pcm).
        Matcher c = Pattern.compile("\"seq\":(\\d+),\"startMillis\":(\\d+),\"pcm\":\"([^\"]*)\"")
                .matcher(body);
        long last = seq;
        List<long[]> onsets = new ArrayList<>();
        while (c.find()) {
            long s = Long.parseLong(c.group(1));
            long start = Long.parseLong(c.group(2));
            String pcm = c.group(3);
            last = Math.max(last, s);
            byte[] raw = Base64.getDecoder().decode(pcm.replace("\\/", "/"));
            short[] samples = new short[raw.length / 2];
            ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asShortBuffer().get(samples);
            int at = onset(samples, ROOM_HZ);
            if (at >= 0) onsets.add(new long[] {start + at * 1000L / SAMPLE_RATE});
        }
        return new Speaker(last, onsets);
    }

    /** First sample where a 5 ms window holds the tone (Goertzel; as test-support's ToneDetector), or -1. */
    static int onset(short[] pcm, double hz) {
        int window = SAMPLE_RATE / 200;
        double k = 2 * Math.cos(2 * Math.PI * hz / SAMPLE_RATE);
        for (int start = 0; start + window <= pcm.length; start += window / 2) {
            double s1 = 0, s2 = 0, energy = 0;
            for (int i = start; i < start + window; i++) {
                double x = pcm[i] / 32768.0;
                double s0 = x + k * s1 - s2;
                s2 = s1;
                s1 = s0;
                energy += x * x;
            }
            double power = (s1 * s1 + s2 * s2 - k * s1 * s2) / (window * (double) window / 4);
            if (power >= 0.0025 && power >= energy / window) return start;
        }
        return -1;
    }

    void write(String codec, List<Long> up, int upLost, List<Long> down, int downLost) throws IOException {
        StringBuilder r = new StringBuilder();
        r.append("# bench/talk ").append(Instant.now()).append("\n\n");
        r.append("Machine: ")
                .append(machine)
                .append("  \nChromium: ")
                .append(chromiumVersion)
                .append("  \nApp: ")
                .append(appInfo)
                .append("  \nBrowser's voice codec: ")
                .append(codec)
                .append("  \nBursts: ")
                .append(bursts)
                .append(" each way, ")
                .append(burstMillis)
                .append(" ms, ")
                .append(gapMillis)
                .append(" ms apart; loopback\n\n");
        r.append("| direction | n | lost | p50 ms | p90 ms | min ms | max ms | target p50 | verdict |\n");
        r.append("|---|---|---|---|---|---|---|---|---|\n");
        row(r, "officer → room (unit mic → AAC live stream → MSE player)", up, upLost);
        row(r, "room → officer (AudioWorklet → Opus → gateway → uplink → unit speaker)", down, downLost);
        r.append("\nRaw (ms): officer → room ")
                .append(up)
                .append("; room → officer ")
                .append(down)
                .append('\n');
        Files.writeString(report, r.toString());
        System.out.print(r);
    }

    private static void row(StringBuilder r, String name, List<Long> v, int lost) {
        List<Long> s = new ArrayList<>(v);
        s.sort(null);
        String p50 = s.isEmpty() ? "-" : Long.toString(pct(s, 50));
        String p90 = s.isEmpty() ? "-" : Long.toString(pct(s, 90));
        boolean pass = !s.isEmpty() && pct(s, 50) <= 400;
        r.append(String.format(
                Locale.ROOT,
                "| %s | %d | %d | %s | %s | %s | %s | 400 | %s |%n",
                name,
                s.size(),
                lost,
                p50,
                p90,
                s.isEmpty() ? "-" : s.get(0),
                s.isEmpty() ? "-" : s.get(s.size() - 1),
                pass ? "PASS" : "FAIL"));
    }

    static long pct(List<Long> sorted, int p) {
        int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
    }

    Object js(String script, Object... args) {
        return ((JavascriptExecutor) browser).executeScript(script, args);
    }

    String get(String url) throws Exception {
        return http.send(
                        HttpRequest.newBuilder(URI.create(url))
                                .timeout(Duration.ofSeconds(10))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
    }

    String post(String url) throws Exception {
        return http.send(
                        HttpRequest.newBuilder(URI.create(url))
                                .timeout(Duration.ofSeconds(10))
                                .POST(HttpRequest.BodyPublishers.noBody())
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
    }

    interface Check {
        boolean ok() throws Exception;
    }

    static void waitFor(Check c, long millis, String what) throws Exception {
        long deadline = System.currentTimeMillis() + millis;
        while (System.currentTimeMillis() < deadline) {
            try {
                if (c.ok()) return;
            } catch (Exception e) {
                // not yet
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("timed out waiting for " + what);
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    synchronized void cleanup() {
        if (browser != null) {
            try {
                browser.quit();
            } catch (RuntimeException e) {
                // already gone
            }
            browser = null;
        }
        if (demo != null && demo.isAlive()) {
            demo.destroy();
            try {
                if (!demo.waitFor(20, TimeUnit.SECONDS)) demo.destroyForcibly();
            } catch (InterruptedException e) {
                demo.destroyForcibly();
            }
        }
    }
}
