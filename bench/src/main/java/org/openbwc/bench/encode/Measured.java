package org.openbwc.bench.encode;

import java.util.Map;

/** A measurement window: frames and CPU between two samples. */
record Measured(
        String what,
        double wallSeconds,
        long frames,
        long droppedInWindow,
        long droppedTotal,
        double cpuSeconds,
        double otherCores,
        long peakRssKib,
        String rssSplit,
        double wholeRunCpuMsPerFrame,
        String threads,
        Map<String, String> last) {
    double fps() {
        return frames / wallSeconds;
    }

    double cpuMsPerFrame() {
        return frames == 0 ? Double.NaN : cpuSeconds * 1000 / frames;
    }

    double cores() {
        return cpuSeconds / wallSeconds;
    }

    double rssMib() {
        return peakRssKib / 1024.0;
    }
}
