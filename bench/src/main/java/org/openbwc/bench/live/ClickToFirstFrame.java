package org.openbwc.bench.live;

import java.util.Locale;
import java.util.Map;
import org.openbwc.bench.live.ClickToFirstFrame.Open;

/** Opening the live page, cold (stream stopped) or joining a running stream, to its first frame. */
final class ClickToFirstFrame {
    private final LiveBench bench;

    ClickToFirstFrame(LiveBench bench) {
        this.bench = bench;
    }

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
        bench.browser.get(bench.base + "/live/" + bench.unitId);
        double driverPlaying = Double.NaN;
        long deadline = System.currentTimeMillis() + 30_000;
        Map<?, ?> b = null;
        while (System.currentTimeMillis() < deadline) {
            Object o = bench.js(
                    "var B=window.__bench;if(!B)return null;var n=performance.getEntriesByType('navigation')[0];"
                            + "return {p:B.playingAt,f:B.firstFrameAt,m:B.firstFrameMs,s:B.states.join(' '),r:n?n.responseEnd:null};");
            if (o instanceof Map<?, ?> m) {
                b = m;
                if (m.get("p") != null && Double.isNaN(driverPlaying)) driverPlaying = (System.nanoTime() - t0) / 1e6;
                if (m.get("p") != null && m.get("m") != null) break;
            }
            LiveBench.sleep(20);
        }
        if (b == null || b.get("m") == null) {
            throw new IllegalStateException("the live page did not show a first frame within 30 s ("
                    + (b == null ? "no probe" : b.get("s")) + ")");
        }
        // Where the playhead settled: the player keeps its place unless it falls > 1.2 s behind the newest frame.
        double playingAt = LiveBench.num(b.get("p"));
        long wait = (long) (playingAt + 3000 - LiveBench.num(bench.js("return performance.now();")));
        if (wait > 0) LiveBench.sleep(wait);
        double settled = LiveBench.num(
                bench.js(
                        "var v=document.querySelector('video.live-player');return v&&v.dataset.latencyMs?Number(v.dataset.latencyMs):null;"));
        return new Open(
                LiveBench.num(b.get("m")),
                LiveBench.num(b.get("f")),
                playingAt,
                driverPlaying,
                LiveBench.num(b.get("r")),
                String.valueOf(b.get("s")),
                settled);
    }

    void waitNoStream() {
        long start = System.currentTimeMillis();
        LiveBench.waitFor(
                () -> {
                    try {
                        return bench.get("/api/live").trim().equals("[]");
                    } catch (Exception e) {
                        return false;
                    }
                },
                (bench.idleStop + 30) * 1000L,
                "the stream to stop after going idle (" + bench.safeGet("/api/live") + ")");
        // the unit's live.stop is asynchronous: give it a moment to close its uplink for good
        LiveBench.sleep(1500);
        bench.log("    (stream idle-stopped after %.1f s)", (System.currentTimeMillis() - start) / 1000.0);
    }
}
