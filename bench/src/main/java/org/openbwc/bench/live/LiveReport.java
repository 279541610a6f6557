package org.openbwc.bench.live;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.openbwc.bench.live.ClickToFirstFrame.Open;

/** The report: latency, CPU and memory per window, click-to-first-frame, the verdicts and the log. */
final class LiveReport {
    private final LiveBench bench;

    LiveReport(LiveBench bench) {
        this.bench = bench;
    }

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
                bench.machine,
                bench.chromiumVersion,
                bench.appInfo));
        r.append(String.format(
                Locale.ROOT,
                "Unit: hal mock, lavfi testsrc2 %dx%d@%d, %s, %d kb/s, GOP 1 s, overlay on, audio on (AAC), 200 ms fragments. "
                        + "Gateway: embedded broker, live.idleStopSeconds %d. JVM options of gateway and unit: `%s`. Window %d s after %d s warm-up, %d trial(s).%n%n",
                bench.width,
                bench.height,
                bench.fps,
                bench.encoder,
                bench.bitrate,
                bench.idleStop,
                bench.jvmOpts,
                bench.seconds,
                bench.warmup,
                bench.trials));

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
        if (c8 == null && bench.chromium8 > 0)
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
        r.append("## Log\n\n```\n").append(bench.log).append("```\n");
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
}
