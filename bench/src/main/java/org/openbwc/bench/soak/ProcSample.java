package org.openbwc.bench.soak;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * One sample of the demo process: memory, open fds and threads from /proc, its CPU time, the machine's load, the data
 * folder's size, what the units were doing, and the heap after a full collection when this sample probed it.
 *
 * @param t seconds since the units came online
 * @param cpuSeconds the process's user + system CPU time so far
 * @param machineCores busy cores of the whole machine since the previous sample (NaN for the first)
 * @param heapUsedKib heap used after a full collection, -1 when not probed at this sample
 */
record ProcSample(
        double t,
        Instant at,
        long rssKib,
        long hwmKib,
        long anonKib,
        long fileKib,
        int fds,
        int threads,
        double cpuSeconds,
        long machineBusyTicks,
        double machineCores,
        long dataBytes,
        int unitsRecording,
        int recordingsStarted,
        long heapUsedKib,
        long heapCommittedKib) {

    static final String CSV_HEADER = "t_s,utc,rss_kib,hwm_kib,rss_anon_kib,rss_file_kib,fds,threads,cpu_s,"
            + "machine_busy_cores,data_bytes,units_recording,recordings_started,heap_used_after_gc_kib,"
            + "heap_committed_kib";

    static ProcSample take(SoakBench b, Demo demo, long t0, ProcSample previous, Jcmd.Heap heap, UnitCycler cycler) {
        long now = System.nanoTime();
        long pid = demo.pid();
        long[] status = status(pid);
        long busy = readMachineBusyTicks();
        double t = (now - t0) / 1e9;
        double machine = previous == null || t <= previous.t
                ? Double.NaN
                : (busy - previous.machineBusyTicks) / (double) b.clkTck / (t - previous.t);
        return new ProcSample(
                t,
                Instant.now(),
                status[0],
                status[1],
                status[2],
                status[3],
                fdCount(pid),
                (int) status[4],
                processTicks(pid) / (double) b.clkTck,
                busy,
                machine,
                treeBytes(demo.dataDir()),
                cycler.recordingNow(),
                cycler.started(),
                heap == null ? -1 : heap.usedKib(),
                heap == null ? -1 : heap.committedKib());
    }

    String csv() {
        return String.format(
                Locale.ROOT,
                "%.1f,%s,%d,%d,%d,%d,%d,%d,%.2f,%s,%d,%d,%d,%s,%s",
                t,
                at,
                rssKib,
                hwmKib,
                anonKib,
                fileKib,
                fds,
                threads,
                cpuSeconds,
                Double.isNaN(machineCores) ? "" : String.format(Locale.ROOT, "%.2f", machineCores),
                dataBytes,
                unitsRecording,
                recordingsStarted,
                heapUsedKib < 0 ? "" : Long.toString(heapUsedKib),
                heapCommittedKib < 0 ? "" : Long.toString(heapCommittedKib));
    }

    String progressLine() {
        return String.format(
                Locale.ROOT,
                "%s  RSS %.1f MiB (peak %.1f, anon %.1f)  fds %d  threads %d  CPU %.0f s  data %.0f MB  recordings %d"
                        + " (%d recording)%s",
                SoakBench.clock((long) (t * 1e9)),
                rssKib / 1024.0,
                hwmKib / 1024.0,
                anonKib / 1024.0,
                fds,
                threads,
                cpuSeconds,
                dataBytes / 1e6,
                recordingsStarted,
                unitsRecording,
                heapUsedKib < 0 ? "" : String.format(Locale.ROOT, "  heap after GC %.1f MiB", heapUsedKib / 1024.0));
    }

    // ---- /proc ----------------------------------------------------------------------------------------------------

    /** VmRSS, VmHWM, RssAnon, RssFile (KiB) and Threads; -1 where missing. */
    static long[] status(long pid) {
        long[] v = {-1, -1, -1, -1, -1};
        String[] keys = {"VmRSS:", "VmHWM:", "RssAnon:", "RssFile:", "Threads:"};
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                for (int i = 0; i < keys.length; i++) {
                    if (line.startsWith(keys[i]))
                        v[i] = Long.parseLong(
                                line.substring(keys[i].length()).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // the process ended meanwhile: the sample shows -1
        }
        return v;
    }

    static int fdCount(long pid) {
        try (Stream<Path> fds = Files.list(Path.of("/proc/" + pid + "/fd"))) {
            return (int) fds.count();
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    static long processTicks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // fields 14 (utime) and 15 (stime) of proc(5); f[0] is field 3
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    static long readMachineBusyTicks() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            // cpu user nice system idle iowait irq softirq steal ...
            long total = 0;
            for (int i = 1; i <= 8 && i < f.length; i++) total += Long.parseLong(f[i]);
            return total - Long.parseLong(f[4]) - Long.parseLong(f[5]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** Bytes of the regular files under {@code root}; files that vanish while it walks (pre-event scratch) are skipped. */
    static long treeBytes(Path root) {
        long[] sum = {0};
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    if (attrs.isRegularFile()) sum[0] += attrs.size();
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            return -1;
        }
        return sum[0];
    }
}
