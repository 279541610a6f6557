package org.openbwc.bench.fanout;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/** CPU and memory of processes and of the machine, from /proc. */
final class Proc {
    private Proc() {}

    static final long HZ = 100; // USER_HZ on Linux

    static long[] procTicks(long pid) {
        try {
            String s = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
            return new long[] {Long.parseLong(f[11]), Long.parseLong(f[12])};
        } catch (IOException | RuntimeException e) {
            return new long[] {0, 0};
        }
    }

    static long cpuTicks(long pid) {
        long[] t = procTicks(pid);
        return t[0] + t[1];
    }

    /** Per-thread CPU ticks, keyed by thread name (as /proc truncates it, 15 chars). */
    static Map<String, Long> threadTicks(long pid) {
        Map<String, Long> m = new HashMap<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            for (Path t : (Iterable<Path>) tasks::iterator) {
                try {
                    String s = Files.readString(t.resolve("stat"));
                    String name = s.substring(s.indexOf('(') + 1, s.lastIndexOf(')'));
                    String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
                    long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
                    m.merge(normaliseThread(name), ticks, Long::sum);
                } catch (IOException | RuntimeException ignored) {
                }
            }
        } catch (IOException ignored) {
        }
        return m;
    }

    static String normaliseThread(String n) {
        return n.replaceAll("[0-9]+$", "#").replaceAll("-[0-9]+-", "-#-");
    }

    static String status(long pid, String key) {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (l.startsWith(key + ":"))
                    return l.substring(key.length() + 1).trim();
            }
        } catch (IOException ignored) {
        }
        return "?";
    }

    static long kb(String s) {
        try {
            return Long.parseLong(s.replace("kB", "").trim());
        } catch (RuntimeException e) {
            return -1;
        }
    }

    /** busy and total jiffies of the whole machine, from /proc/stat. */
    static long[] systemTicks() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long total = 0;
            for (int i = 1; i < f.length && i <= 8; i++) total += Long.parseLong(f[i]);
            long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
            return new long[] {total - idle, total};
        } catch (IOException | RuntimeException e) {
            return new long[] {0, 1};
        }
    }

    static long findPid(String comm) {
        try (Stream<Path> ps = Files.list(Path.of("/proc"))) {
            for (Path p : (Iterable<Path>) ps::iterator) {
                String n = p.getFileName().toString();
                if (!n.chars().allMatch(Character::isDigit)) continue;
                try {
                    if (Files.readString(p.resolve("comm")).trim().equals(comm)) return Long.parseLong(n);
                } catch (IOException ignored) {
                }
            }
        } catch (IOException ignored) {
        }
        return -1;
    }

    record Sample(
            long nanos, long gw, long self, long mosq, long sysBusy, long sysTotal, Map<String, Long> gwThreads) {}

    static Sample sample(long gwPid, long mosqPid) {
        long[] sys = systemTicks();
        return new Sample(
                System.nanoTime(),
                cpuTicks(gwPid),
                cpuTicks(ProcessHandle.current().pid()),
                mosqPid > 0 ? cpuTicks(mosqPid) : 0,
                sys[0],
                sys[1],
                threadTicks(gwPid));
    }
}
