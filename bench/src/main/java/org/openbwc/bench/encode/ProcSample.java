package org.openbwc.bench.encode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** What /proc says about one process and the whole machine at one instant. */
record ProcSample(long nanos, long processCpuTicks, long machineCpuTicks, Map<String, Long> threadTicks) {
    static ProcSample of(long pid) {
        long now = System.nanoTime();
        return new ProcSample(now, processTicks(pid), machineBusyTicks(), threadTicks(pid));
    }

    /** CPU ticks per thread name (threads of one name added up), for where the time goes. */
    static Map<String, Long> threadTicks(long pid) {
        Map<String, Long> byName = new LinkedHashMap<>();
        try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            for (Path task : tasks.toList()) {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    byName.merge(name, Long.parseLong(f[11]) + Long.parseLong(f[12]), Long::sum);
                } catch (IOException | RuntimeException e) {
                    // the thread ended meanwhile
                }
            }
        } catch (IOException e) {
            // the process ended meanwhile
        }
        return byName;
    }

    static long processTicks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // fields 14 (utime) and 15 (stime) of proc(5); f[0] is field 3
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read /proc/" + pid + "/stat: " + e, e);
        }
    }

    static long machineBusyTicks() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            // cpu user nice system idle iowait irq softirq steal ...
            return Long.parseLong(f[1])
                    + Long.parseLong(f[2])
                    + Long.parseLong(f[3])
                    + Long.parseLong(f[6])
                    + Long.parseLong(f[7])
                    + (f.length > 8 ? Long.parseLong(f[8]) : 0);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read /proc/stat: " + e, e);
        }
    }

    /** VmHWM (peak resident set) in KiB. */
    static long peakRssKib(long pid) {
        return statusField(pid, "VmHWM:");
    }

    /** VmHWM, VmRSS, RssAnon, RssFile, RssShmem in KiB. */
    static long[] memory(long pid) {
        return new long[] {
            statusField(pid, "VmHWM:"),
            statusField(pid, "VmRSS:"),
            statusField(pid, "RssAnon:"),
            statusField(pid, "RssFile:"),
            statusField(pid, "RssShmem:")
        };
    }

    static long statusField(long pid, String name) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith(name))
                    return Long.parseLong(line.substring(name.length()).trim().split("\\s+")[0]);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read /proc/" + pid + "/status: " + e, e);
        }
        return -1;
    }

    /** A sample, or null when the process is gone. */
    static ProcSample safeSample(long pid) {
        try {
            return ProcSample.of(pid);
        } catch (RuntimeException e) {
            return null;
        }
    }
}
