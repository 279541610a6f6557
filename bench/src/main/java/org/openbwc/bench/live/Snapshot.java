package org.openbwc.bench.live;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** CPU ticks of the machine, and of this JVM and every process it started (gateway, unit, chromedriver, Chromium). */
final class Snapshot {
    long nanos, machine;
    Map<Long, Long> ticks = new HashMap<>();

    static Snapshot take(LiveBench b) {
        Snapshot s = new Snapshot();
        s.nanos = System.nanoTime();
        s.machine = machineBusy();
        s.ticks.put(
                ProcessHandle.current().pid(), procTicks(ProcessHandle.current().pid()));
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
}
