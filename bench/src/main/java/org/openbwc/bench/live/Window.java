package org.openbwc.bench.live;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** One measured window. */
final class Window {
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
                LiveReport.fmt(LiveReport.pct(browserSamples, 50)),
                LiveReport.fmt(LiveReport.pct(browserSamples, 99)),
                browserSamples.size(),
                browserMissing,
                LiveReport.fmt(LiveReport.pct(arrival, 50)),
                LiveReport.fmt(LiveReport.pct(arrival, 99)),
                gwCpu,
                gwRssMean,
                unitCpu,
                browserCpu,
                other,
                other > 0.5 ? " NOISY" : "");
    }
}
