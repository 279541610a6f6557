package org.openbwc.bench.live;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.chrome.ChromeDriver;

/** The measured windows: glass-to-glass latency in Chromium and at the Java viewers, with CPU and memory. */
final class LatencyWindows {
    private final LiveBench bench;

    LatencyWindows(LiveBench bench) {
        this.bench = bench;
    }

    Window latencyWindow(int viewers, int trial) throws Exception {
        Window w = new Window();
        w.name = viewers + " viewer" + (viewers == 1 ? "" : "s") + " (1 Chromium"
                + (viewers > 1 ? " + " + (viewers - 1) + " Java WS" : "") + ")"
                + (bench.trials > 1 ? " trial " + trial : "");
        w.viewers = viewers;
        w.chromium = 1;
        w.javaViewers = viewers - 1;
        quiet(w);
        bench.browser.get(bench.base + "/live/" + bench.unitId);
        LiveBench.waitFor(
                () -> "playing"
                        .equals(bench.js(
                                "var v=document.querySelector('video.live-player');return v?v.dataset.state:null")),
                30_000,
                "the live page to play");
        List<JavaViewer> jv = new ArrayList<>();
        for (int i = 0; i < viewers - 1; i++) jv.add(JavaViewer.open(bench, "v" + (i + 1)));
        bench.say("%s: warm-up %d s, then %d s measured", w.name, bench.warmup, bench.seconds);
        LiveBench.sleep(bench.warmup * 1000L);
        measure(w, jv, List.of(bench.browser.getWindowHandle()));
        for (JavaViewer v : jv) v.close();
        bench.blank();
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
                    bench.browser.switchTo().newWindow(WindowType.WINDOW);
                    // the probe is registered per page target: register it for the new window too
                    ((ChromeDriver) bench.browser)
                            .executeCdpCommand(
                                    "Page.addScriptToEvaluateOnNewDocument", Map.of("source", LiveSetup.PAGE_PROBE));
                }
                String h = bench.browser.getWindowHandle();
                bench.browser.get(bench.base + "/live/" + bench.unitId);
                // one at a time: each tab plays before the next opens
                LiveBench.waitFor(
                        () -> "playing"
                                .equals(
                                        bench.js(
                                                "var v=document.querySelector('video.live-player');return v?v.dataset.state:null")),
                        45_000,
                        "tab " + (i + 1) + " to play");
                handles.add(h);
            } catch (Exception e) {
                problem = "tab " + (i + 1) + " of " + tabs + " did not start: "
                        + e.getMessage().lines().findFirst().orElse("?");
                bench.say("%s", problem);
                break;
            }
        }
        if (handles.isEmpty()) throw new IllegalStateException(problem);
        if (handles.size() < tabs) {
            w.name = handles.size() + " of " + tabs + " Chromium tabs (one browser)";
            w.warn += " " + problem + ";";
        }
        w.viewers = w.chromium = handles.size();
        bench.say("%s: warm-up %d s, then %d s measured", w.name, bench.warmup, bench.seconds);
        LiveBench.sleep(bench.warmup * 1000L);
        measure(w, List.of(), handles);
        resetBrowserWindows();
        return w;
    }

    void resetBrowserWindows() {
        List<String> hs = new ArrayList<>(bench.browser.getWindowHandles());
        for (int i = 1; i < hs.size(); i++) {
            bench.browser.switchTo().window(hs.get(i));
            bench.browser.close();
        }
        bench.browser.switchTo().window(hs.get(0));
        bench.blank();
    }

    void measure(Window w, List<JavaViewer> jv, List<String> handles) throws Exception {
        for (String h : handles) {
            bench.browser.switchTo().window(h);
            bench.js(
                    "var B=window.__bench;B.samples=[];B.collecting=true;var q=document.querySelector('video.live-player').getVideoPlaybackQuality();"
                            + "B.q0=[q.totalVideoFrames,q.droppedVideoFrames];");
        }
        for (JavaViewer v : jv) v.collect(true);
        Snapshot s0 = Snapshot.take(bench);
        List<Double> rss = new ArrayList<>();
        long end = System.nanoTime() + bench.seconds * 1_000_000_000L;
        while (System.nanoTime() < end) {
            LiveBench.sleep(Math.min(1000, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
            rss.add(Snapshot.status(bench.gateway.pid(), "VmRSS") / 1024.0);
        }
        Snapshot s1 = Snapshot.take(bench);
        for (JavaViewer v : jv) v.collect(false);
        long total = 0, dropped = 0;
        for (String h : handles) {
            bench.browser.switchTo().window(h);
            Object o = bench.js(
                    "var B=window.__bench;B.collecting=false;var q=document.querySelector('video.live-player').getVideoPlaybackQuality();"
                            + "var v=document.querySelector('video.live-player');"
                            + "return {s:B.samples,t:q.totalVideoFrames-B.q0[0],d:q.droppedVideoFrames-B.q0[1],st:B.states.join(' '),rc:v.dataset.reconnects||'0'};");
            Map<?, ?> m = (Map<?, ?>) o;
            for (Object x : (List<?>) m.get("s")) {
                double d = LiveBench.num(x);
                if (d < 0) w.browserMissing++;
                else w.browserSamples.add(d);
            }
            total += (long) LiveBench.num(m.get("t"));
            dropped += (long) LiveBench.num(m.get("d"));
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
        w.gwCpu = s1.cores(s0, bench.gateway.pid(), bench.clkTck, w.wall);
        w.unitCpu = s1.cores(s0, bench.unit.pid(), bench.clkTck, w.wall);
        w.benchCpu = s1.cores(s0, ProcessHandle.current().pid(), bench.clkTck, w.wall);
        double ours = s1.oursCores(s0, bench.clkTck, w.wall);
        w.browserCpu = ours - w.gwCpu - w.unitCpu - w.benchCpu;
        w.machineBusy = (s1.machine - s0.machine) / (double) bench.clkTck / w.wall;
        w.other = Math.max(0, w.machineBusy - ours);
        w.gwRssMean = rss.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
        w.gwRssMax = rss.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
        w.gwHwm = Snapshot.status(bench.gateway.pid(), "VmHWM") / 1024.0;
    }

    /** Waits up to --quiet-wait s until the rest of the machine uses < 0.3 core (2 s samples). */
    void quiet(Window w) {
        long start = System.nanoTime();
        w.quietReached = bench.quietWait <= 0;
        while (bench.quietWait > 0) {
            Snapshot a = Snapshot.take(bench);
            LiveBench.sleep(2000);
            Snapshot b = Snapshot.take(bench);
            double wall = (b.nanos - a.nanos) / 1e9;
            double other = (b.machine - a.machine) / (double) bench.clkTck / wall - b.oursCores(a, bench.clkTck, wall);
            if (other < 0.3) {
                w.quietReached = true;
                break;
            }
            if ((System.nanoTime() - start) / 1e9 >= bench.quietWait) break;
        }
        w.quietWaited = (System.nanoTime() - start) / 1e9;
    }
}
