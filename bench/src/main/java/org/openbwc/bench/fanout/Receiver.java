package org.openbwc.bench.fanout;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import org.openbwc.protocol.Topics;

/** One consumer of the status stream: remembers the first arrival latency of each (round, unit) in the window. */
final class Receiver {
    private final FanoutBench bench;
    final String name;
    final long[] latency; // µs, -1 = not (yet) seen; index (round - warmup) * units + unit
    final AtomicLong delivered = new AtomicLong();
    long duplicates, outOfWindow, frames, foreign, unparsable;

    Receiver(FanoutBench bench, String name) {
        this.bench = bench;
        this.name = name;
        latency = new long[bench.seconds * bench.units];
        Arrays.fill(latency, -1);
    }

    /** Handles one status-shaped JSON text (payload or UnitView) received at {@code recvMicros}. */
    void onJson(String json, long recvMicros, String idHint) {
        frames++;
        String id = idHint != null ? idHint : field(json, "\"id\":\"");
        if (id == null || !id.startsWith(bench.prefix)) {
            foreign++;
            return;
        }
        String fw = field(json, "\"firmware\":\"");
        if (fw == null || !fw.startsWith("fan:")) {
            unparsable++;
            return;
        }
        int c = fw.indexOf(':', 4);
        try {
            int round = Integer.parseInt(fw, 4, c, 10);
            long sent = Long.parseLong(fw, c + 1, fw.length(), 10);
            int unit = Integer.parseInt(id, bench.prefix.length(), id.length(), 10);
            if (round < bench.warmup || round >= bench.rounds || unit < 0 || unit >= bench.units) {
                outOfWindow++;
                return;
            }
            int idx = (round - bench.warmup) * bench.units + unit;
            if (latency[idx] >= 0) {
                duplicates++;
                return;
            }
            latency[idx] = Math.max(0, recvMicros - sent);
            delivered.incrementAndGet();
        } catch (RuntimeException e) {
            unparsable++;
        }
    }

    static String field(String json, String key) {
        int i = json.indexOf(key);
        if (i < 0) return null;
        int s = i + key.length();
        int e = json.indexOf('"', s);
        return e < 0 ? null : json.substring(s, e);
    }

    /** What mosquitto_sub wrote ({@code %U %t %p} lines), as a receiver. */
    static Receiver fromMosquittoSub(FanoutBench bench, Path out) throws IOException {
        Receiver rx = new Receiver(bench, "mosquitto_sub");
        if (!Files.exists(out)) return rx;
        try (BufferedReader r = Files.newBufferedReader(out, StandardCharsets.UTF_8)) {
            String line;
            while ((line = r.readLine()) != null) {
                int a = line.indexOf(' ');
                int b = a < 0 ? -1 : line.indexOf(' ', a + 1);
                if (b < 0) continue;
                String ts = line.substring(0, a);
                int dot = ts.indexOf('.');
                long micros;
                try {
                    micros = Long.parseLong(ts.substring(0, dot)) * 1_000_000L
                            + Long.parseLong(ts.substring(dot + 1, dot + 7));
                } catch (RuntimeException e) {
                    rx.unparsable++;
                    continue;
                }
                String topic = line.substring(a + 1, b);
                int s = Topics.ROOT.length() + 1;
                int e = topic.indexOf('/', s);
                rx.onJson(line.substring(b + 1), micros, e < 0 ? null : topic.substring(s, e));
            }
        }
        return rx;
    }
}
