package org.openbwc.bench.fanout;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/** The report at the end of a run: latency and delivery per receiver, CPU and memory, the verdict. */
final class FanoutReport {
    private final FanoutBench bench;

    FanoutReport(FanoutBench bench) {
        this.bench = bench;
    }

    record Stats(long n, long p50, long p95, long p99, long max) {}

    static Stats stats(long[]... arrays) {
        int n = 0;
        for (long[] a : arrays) for (long v : a) if (v >= 0) n++;
        long[] all = new long[n];
        int k = 0;
        for (long[] a : arrays) for (long v : a) if (v >= 0) all[k++] = v;
        Arrays.sort(all);
        if (n == 0) return new Stats(0, -1, -1, -1, -1);
        return new Stats(n, pct(all, 50), pct(all, 95), pct(all, 99), all[n - 1]);
    }

    static long pct(long[] sorted, double p) {
        int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    static String ms(long micros) {
        return micros < 0 ? "n/a" : String.format(Locale.ROOT, "%.1f", micros / 1000.0);
    }

    void report(
            long published,
            List<SseClient> sse,
            Receiver paho,
            Receiver mosq,
            Proc.Sample[] w,
            String hwm,
            String rss,
            int gwThreads,
            String healthJson,
            Path gwLog)
            throws IOException {
        StringBuilder o = new StringBuilder();
        o.append("\n== bench/fanout: gateway SSE fan-out, run ")
                .append(bench.run)
                .append(" ==\n");
        o.append(String.format(
                Locale.ROOT,
                "date %s, %d cores (%s), java %s%n",
                Instant.now().toString().substring(0, 19) + "Z",
                Runtime.getRuntime().availableProcessors(),
                cpuModel(),
                System.getProperty("java.version")));
        o.append(String.format(
                Locale.ROOT,
                "load: %d units x 1 retained QoS %d UnitStatus/s, over %d MQTT connections (%d in-flight each), %d s measured after %d s warm-up; %d SSE clients%n",
                bench.units,
                bench.qos,
                bench.conns,
                bench.pubSlots,
                bench.seconds,
                bench.warmup,
                bench.clients));
        if (bench.brokerDropped[0] >= 0 && bench.brokerDropped[1] >= 0) {
            o.append(String.format(
                    Locale.ROOT,
                    "broker $SYS/broker/publish/messages/dropped rose by %d during the run (all clients of the shared broker; updated every ~10 s)%n",
                    bench.brokerDropped[1] - bench.brokerDropped[0]));
        }
        o.append(String.format(
                Locale.ROOT,
                "published in window: %d (%.0f msg/s; publish errors %d, PUBACK refusals %d, inflight retries %d)%n",
                published,
                published / (double) bench.seconds,
                bench.publishErrors.get(),
                bench.pubackRefused.get(),
                bench.publishRetries.get()));
        if (bench.pubackRefused.get() > 0) {
            o.append(String.format(
                    Locale.ROOT,
                    "  WARNING: the broker refused %d publishes (last PUBACK reason code 0x%x) and did not forward them%n",
                    bench.pubackRefused.get(),
                    bench.lastRefusal));
        }
        Stats late = stats(bench.lateness);
        o.append(String.format(
                Locale.ROOT,
                "load generator lateness vs schedule: p50 %s ms, p99 %s ms, max %s ms; waited %.1f s in total for QoS 1 in-flight slots%n",
                ms(late.p50()),
                ms(late.p99()),
                ms(late.max()),
                bench.inflightWaitNanos.get() / 1e9));
        if (bench.qos == 0) {
            Stats wr = stats(bench.written);
            o.append(String.format(
                    Locale.ROOT,
                    "publish -> written to the socket by Paho (load generator's own queue): p50 %s ms, p99 %s ms, max %s ms%n",
                    ms(wr.p50()),
                    ms(wr.p99()),
                    ms(wr.max())));
        }
        if (late.p99() > 100_000) {
            o.append(
                    "  WARNING: the load generator fell behind its schedule (p99 lateness > 100 ms), so it published in catch-up\n"
                            + "  bursts above the nominal rate: the offered load was not the even 1/N s spacing this bench is meant to\n"
                            + "  apply. Check the machine load below (other processes) or raise --conns.\n");
        }

        o.append("\nlatency publish -> receiver, ms (first arrival of each publish in the window)\n");
        o.append(String.format(
                Locale.ROOT,
                "  %-16s %10s %8s %8s %8s %8s %8s%n",
                "receiver",
                "delivered",
                "%",
                "p50",
                "p95",
                "p99",
                "max"));
        long[][] sseLat = new long[sse.size()][];
        long minDel = Long.MAX_VALUE, sumDel = 0;
        for (int i = 0; i < sse.size(); i++) {
            Receiver rx = sse.get(i).rx;
            sseLat[i] = rx.latency;
            long d = rx.delivered.get();
            minDel = Math.min(minDel, d);
            sumDel += d;
            row(o, rx.name, d, published, stats(rx.latency));
        }
        Stats all = stats(sseLat);
        if (!sse.isEmpty()) {
            row(o, "SSE (all)", sumDel / sse.size(), published, all);
        }
        row(o, "paho-ref", paho.delivered.get(), published, stats(paho.latency));
        if (mosq != null) row(o, "mosquitto_sub", mosq.delivered.get(), published, stats(mosq.latency));
        // Stalls: how the tail is spread over the window (a single stall of the machine shows as a few bad seconds).
        List<Receiver> spread = new ArrayList<>();
        if (!sse.isEmpty()) spread.add(sse.get(0).rx);
        spread.add(paho);
        if (mosq != null) spread.add(mosq);
        for (Receiver rx : spread) {
            int bad = 0;
            long worst = -1;
            int worstAt = -1;
            for (int r = 0; r < bench.seconds; r++) {
                long m = -1;
                for (int u = 0; u < bench.units; u++) m = Math.max(m, rx.latency[r * bench.units + u]);
                if (m > 250_000) bad++;
                if (m > worst) {
                    worst = m;
                    worstAt = r;
                }
            }
            o.append(String.format(
                    Locale.ROOT,
                    "  %-16s seconds of the window with a message over 250 ms: %d of %d (worst: second %d, %s ms)%n",
                    rx.name,
                    bad,
                    bench.seconds,
                    worstAt,
                    ms(worst)));
        }
        for (SseClient c : sse) {
            Receiver rx = c.rx;
            if (rx.duplicates + rx.unparsable > 0 || c.failure != null) {
                o.append(String.format(
                        Locale.ROOT,
                        "  %s: %d duplicate, %d unparsable frames%s%n",
                        rx.name,
                        rx.duplicates,
                        rx.unparsable,
                        c.failure == null ? "" : "; stream failed: " + c.failure));
            }
        }
        if (!sse.isEmpty()) {
            o.append(String.format(
                    Locale.ROOT,
                    "SSE delivered per client: min %d, avg %.1f of %d published (%.2f%% / %.2f%%)%n",
                    minDel,
                    sumDel / (double) sse.size(),
                    published,
                    100.0 * minDel / Math.max(1, published),
                    100.0 * sumDel / sse.size() / Math.max(1, published)));
        }

        if (w[0] != null && w[1] != null) {
            double wall = (w[1].nanos() - w[0].nanos()) / 1e9;
            double gwCores = (w[1].gw() - w[0].gw()) / (double) Proc.HZ / wall;
            double selfCores = (w[1].self() - w[0].self()) / (double) Proc.HZ / wall;
            double mosqCores = (w[1].mosq() - w[0].mosq()) / (double) Proc.HZ / wall;
            double sysBusy =
                    (w[1].sysBusy() - w[0].sysBusy()) / (double) Math.max(1, w[1].sysTotal() - w[0].sysTotal());
            int ncpu = Runtime.getRuntime().availableProcessors();
            o.append(String.format(
                    Locale.ROOT,
                    "%ngateway CPU: %.2f cores (%.1f CPU-s over %.1f s wall); peak RSS (VmHWM) %s, RSS at end %s, %d threads%n",
                    gwCores,
                    gwCores * wall,
                    wall,
                    hwm,
                    rss,
                    gwThreads));
            o.append(String.format(
                    Locale.ROOT,
                    "others in the window: bench JVM %.2f cores, mosquitto %.2f cores, whole machine %.0f%% busy of %d cores"
                            + " (so %.2f cores used by processes outside this bench); load average at end %s%n",
                    selfCores,
                    mosqCores,
                    sysBusy * 100,
                    ncpu,
                    Math.max(0, sysBusy * ncpu - gwCores - selfCores - mosqCores),
                    loadavg()));
            Map<String, Long> d = new HashMap<>();
            w[1].gwThreads().forEach((k, v) -> d.put(k, v - w[0].gwThreads().getOrDefault(k, 0L)));
            List<Map.Entry<String, Long>> top = new ArrayList<>(d.entrySet());
            top.sort((x, y) -> Long.compare(y.getValue(), x.getValue()));
            o.append("gateway CPU by thread (name as /proc shows it, numbers folded to #):");
            int shown = 0;
            for (var e : top) {
                if (shown++ >= 8 || e.getValue() <= 0) break;
                o.append(String.format(Locale.ROOT, " %s %.2f;", e.getKey(), e.getValue() / (double) Proc.HZ / wall));
            }
            o.append('\n');
        }
        String drops = healthJson.replaceAll(".*\"droppedTotal\":([0-9]+).*", "$1");
        o.append("gateway /api/health droppedTotal at end: ")
                .append(drops.length() < 12 ? drops : "?")
                .append('\n');
        long warns = 0;
        try (Stream<String> lines = Files.lines(gwLog)) {
            warns = lines.filter(l -> l.contains(" WARN ") || l.contains(" ERROR "))
                    .count();
        }
        o.append("gateway log: ").append(gwLog).append(" (").append(warns).append(" WARN/ERROR lines)\n");

        boolean delivery = !sse.isEmpty() && minDel >= 0.99 * published;
        boolean latency = all.n() > 0 && all.p99() <= 250_000;
        String verdict = (latency && delivery) ? "PASS" : "FAIL";
        o.append(String.format(
                Locale.ROOT,
                "%nTARGET p99 publish->SSE <= 250 ms at 2,000 units (and every client >= 99%% delivered): %s%s%n",
                verdict,
                bench.units >= 2000
                        ? ""
                        : " (indicative only: run with " + bench.units + " units, target is defined at 2,000)"));
        o.append(String.format(
                Locale.ROOT,
                "  p99 %s ms over %d SSE deliveries; min delivered %.2f%%%n",
                ms(all.p99()),
                all.n(),
                100.0 * (sse.isEmpty() ? 0 : minDel) / Math.max(1, published)));
        Receiver ref = mosq != null ? mosq : paho;
        Stats refStats = stats(ref.latency);
        if (all.n() > 0 && refStats.n() > 0) {
            o.append(String.format(
                    Locale.ROOT,
                    "  added by the gateway (SSE minus %s): p50 %+.1f ms, p95 %+.1f ms, p99 %+.1f ms%n",
                    ref.name,
                    (all.p50() - refStats.p50()) / 1000.0,
                    (all.p95() - refStats.p95()) / 1000.0,
                    (all.p99() - refStats.p99()) / 1000.0));
            if (refStats.p99() > 250_000) {
                o.append(String.format(
                        Locale.ROOT,
                        "  NOTE: the broker reference alone has p99 %s ms > 250 ms: the tail comes from the broker or the machine"
                                + " (see 'others in the window'), so this run cannot show whether the gateway itself meets the target.%n",
                        ms(refStats.p99())));
            }
        }
        System.out.print(o);
        Files.writeString(bench.work.resolve("report.txt"), o.toString());
        // Detail for diagnosis: delivered per measured round and per publishing connection, per receiver.
        StringBuilder d = new StringBuilder(
                "receiver: delivered per measured round | per publishing connection (unit % conns)\n");
        List<Receiver> rxs = new ArrayList<>();
        for (SseClient c : sse) rxs.add(c.rx);
        rxs.add(paho);
        if (mosq != null) rxs.add(mosq);
        if (bench.qos == 0) {
            Receiver wr = new Receiver(bench, "written-by-paho");
            System.arraycopy(bench.written, 0, wr.latency, 0, bench.written.length);
            rxs.add(wr);
        }
        for (Receiver rx : rxs) {
            int[] perRound = new int[bench.seconds];
            int[] perConn = new int[bench.conns];
            for (int i = 0; i < rx.latency.length; i++) {
                if (rx.latency[i] >= 0) {
                    perRound[i / bench.units]++;
                    perConn[(i % bench.units) % bench.conns]++;
                }
            }
            d.append(rx.name)
                    .append(": ")
                    .append(Arrays.toString(perRound))
                    .append(" | ")
                    .append(Arrays.toString(perConn))
                    .append('\n');
            for (int r = 0; r < bench.seconds; r++) {
                if (perRound[r] == bench.units) continue;
                d.append("  round ").append(bench.warmup + r).append(" missing units:");
                int start = -1;
                for (int u = 0; u <= bench.units; u++) {
                    boolean miss = u < bench.units && rx.latency[r * bench.units + u] < 0;
                    if (miss && start < 0) start = u;
                    if (!miss && start >= 0) {
                        d.append(' ').append(start).append('-').append(u - 1);
                        start = -1;
                    }
                }
                d.append('\n');
            }
        }
        // Latency over time: max per 100 ms of send schedule, per receiver (one line per measured second).
        d.append("\nmax latency (ms) per 100 ms slice of the send schedule, one line per measured second\n");
        for (Receiver rx : rxs) {
            d.append(rx.name).append(":\n");
            for (int r = 0; r < bench.seconds; r++) {
                d.append(String.format(Locale.ROOT, "  s%02d", r));
                for (int b = 0; b < 10; b++) {
                    long m = -1;
                    for (int u = b * bench.units / 10; u < (b + 1) * bench.units / 10; u++)
                        m = Math.max(m, rx.latency[r * bench.units + u]);
                    d.append(String.format(Locale.ROOT, " %6s", ms(m)));
                }
                d.append('\n');
            }
        }
        Files.writeString(bench.work.resolve("delivery-detail.txt"), d.toString());
    }

    static void row(StringBuilder o, String name, long delivered, long published, Stats s) {
        o.append(String.format(
                Locale.ROOT,
                "  %-16s %10d %7.2f%% %8s %8s %8s %8s%n",
                name,
                delivered,
                100.0 * delivered / Math.max(1, published),
                ms(s.p50()),
                ms(s.p95()),
                ms(s.p99()),
                ms(s.max())));
    }

    static String loadavg() {
        try {
            return String.join(
                    " ",
                    Arrays.copyOf(
                            Files.readString(Path.of("/proc/loadavg")).trim().split(" "), 3));
        } catch (IOException e) {
            return "?";
        }
    }

    static String cpuModel() {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (l.startsWith("model name"))
                    return l.substring(l.indexOf(':') + 1).trim();
            }
        } catch (IOException ignored) {
        }
        return "?";
    }
}
