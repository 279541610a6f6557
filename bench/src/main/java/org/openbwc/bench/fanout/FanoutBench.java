package org.openbwc.bench.fanout;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.openbwc.protocol.Battery;
import org.openbwc.protocol.Payload;
import org.openbwc.protocol.Storage;
import org.openbwc.protocol.Topics;
import org.openbwc.protocol.UnitState;
import org.openbwc.protocol.UnitStatus;
import org.openbwc.protocol.WireCodec;

/**
 * Fan-out benchmark of the gateway: N simulated units publish one retained UnitStatus per second each (through a few
 * shared MQTT connections), K SSE clients read /api/events from a gateway running as its own process, and two broker
 * references (mosquitto_sub, and a Paho subscriber in this JVM) read the same statuses straight from the broker.
 *
 * <p>Every status carries its send time in {@code firmware} as {@code fan:<round>:<epoch micros>} (wall clock, the same
 * CLOCK_REALTIME that mosquitto_sub's {@code %U} uses); {@code time} carries the same instant at ms precision. The
 * gateway copies firmware into the UnitView it streams, so each SSE frame says which publish it is and when it was
 * sent. Run through {@code bench/fanout}; see {@code bench/fanout.md}.
 *
 * <p>This class holds the options and the run; {@link GatewayUnderTest} is the gateway's process, {@link Publisher} the
 * load, {@link Receiver} (fed by {@link SseClient}, {@link Quiet} and mosquitto_sub's output) what arrives, {@link
 * Proc} the CPU and memory figures and {@link FanoutReport} the report.
 */
public final class FanoutBench {

    // ---- options -------------------------------------------------------------------------------------------------
    int units = 2000, clients = 4, seconds = 30, warmup = 20, conns = 100, qos = 0;
    double drainSeconds = 5;
    String url = "tcp://127.0.0.1:1883";
    Path root, work;
    String gwJava, gwJavaOpts = "--enable-native-access=ALL-UNNAMED -XX:+UseSerialGC -Xss512k";
    boolean mosquittoRef = true;
    /** system: the broker at --url; plain or tls: a Mosquitto of the bench's own, alike but for TLS. */
    String brokerMode = "system";

    BenchBroker broker;

    // ---- run state -----------------------------------------------------------------------------------------------
    final String run = HexFormat.of().formatHex(randomBytes(3));
    final String prefix = "fan-" + run + "-";
    long t0Nanos; // start of round 0
    int rounds; // warmup + seconds
    final WireCodec codec = new WireCodec();
    final AtomicLong publishedInWindow = new AtomicLong();
    final AtomicLong publishErrors = new AtomicLong();
    final AtomicLong publishRetries = new AtomicLong();
    final AtomicLong inflightWaitNanos = new AtomicLong();
    final AtomicLong pubackRefused = new AtomicLong();
    volatile int lastRefusal;
    int inflightCap = 0; // 0 = broker's Receive Maximum - 2
    long[] lateness; // scheduler lateness per publish in the window (µs)
    int pubSlots;
    long[] written; // QoS 0: µs from stamp until Paho wrote the message to its socket, -1 unknown
    final long[] brokerDropped = {-1, -1}; // $SYS dropped counter: first and latest value seen

    public static void main(String[] args) throws Exception {
        FanoutBench b = new FanoutBench();
        b.parse(args);
        int rc = b.runAll();
        System.out.flush();
        System.exit(rc);
    }

    void parse(String[] a) {
        for (int i = 0; i < a.length; i++) {
            String k = a[i];
            String v = i + 1 < a.length ? a[i + 1] : null;
            switch (k) {
                case "--units" -> {
                    units = Integer.parseInt(v);
                    i++;
                }
                case "--clients" -> {
                    clients = Integer.parseInt(v);
                    i++;
                }
                case "--seconds" -> {
                    seconds = Integer.parseInt(v);
                    i++;
                }
                case "--warmup" -> {
                    warmup = Integer.parseInt(v);
                    i++;
                }
                case "--conns" -> {
                    conns = Integer.parseInt(v);
                    i++;
                }
                case "--qos" -> {
                    qos = Integer.parseInt(v);
                    i++;
                }
                case "--inflight" -> {
                    inflightCap = Integer.parseInt(v);
                    i++;
                }
                case "--drain" -> {
                    drainSeconds = Double.parseDouble(v);
                    i++;
                }
                case "--url" -> {
                    url = v;
                    i++;
                }
                case "--root" -> {
                    root = Path.of(v);
                    i++;
                }
                case "--work" -> {
                    work = Path.of(v);
                    i++;
                }
                case "--gw-java" -> {
                    gwJava = v;
                    i++;
                }
                case "--gw-java-opts" -> {
                    gwJavaOpts = v;
                    i++;
                }
                case "--broker" -> {
                    brokerMode = v;
                    i++;
                }
                case "--no-mosquitto-sub" -> mosquittoRef = false;
                default -> throw new IllegalArgumentException("unknown option " + k);
            }
        }
        if (units < 1 || units > 99999) throw new IllegalArgumentException("--units must be 1..99999");
        if (clients < 0 || seconds < 1 || warmup < 2 || conns < 1 || qos < 0 || qos > 1) {
            throw new IllegalArgumentException(
                    "bad option value (clients >= 0, seconds >= 1, warmup >= 2, conns >= 1, qos 0|1)");
        }
        if (!List.of("system", "plain", "tls").contains(brokerMode)) {
            throw new IllegalArgumentException("--broker must be system, plain or tls");
        }
        if (root == null || work == null) throw new IllegalArgumentException("--root and --work are required");
        if (gwJava == null)
            gwJava = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        rounds = warmup + seconds;
    }

    static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        ThreadLocalRandom.current().nextBytes(b);
        return b;
    }

    static long wallMicros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1000;
    }

    static void log(String fmt, Object... args) {
        System.err.printf(
                "[fanout %s] %s%n",
                DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC).format(Instant.now()),
                String.format(Locale.ROOT, fmt, args));
    }

    String unitId(int i) {
        return prefix + String.format(Locale.ROOT, "%05d", i);
    }

    // ---- MQTT ----------------------------------------------------------------------------------------------------

    MqttAsyncClient connect(String clientId, MqttCallback cb) throws MqttException {
        return connect(clientId, cb, null);
    }

    /** Connects with a clean, non-persistent session; {@code receiveMax[0]} gets the broker's Receive Maximum. */
    MqttAsyncClient connect(String clientId, MqttCallback cb, int[] receiveMax) throws MqttException {
        MqttAsyncClient c = new MqttAsyncClient(url, clientId, new MemoryPersistence());
        c.setCallback(cb);
        MqttConnectionOptions o = new MqttConnectionOptions();
        if (broker != null) o.setSocketFactory(broker.socketFactory());
        o.setCleanStart(true);
        o.setSessionExpiryInterval(0L);
        o.setKeepAliveInterval(30);
        o.setAutomaticReconnect(false);
        o.setConnectionTimeout(10);
        IMqttToken t = c.connect(o);
        t.waitForCompletion(15_000);
        if (receiveMax != null) {
            Integer rm = t.getResponseProperties() == null
                    ? null
                    : t.getResponseProperties().getReceiveMaximum();
            receiveMax[0] = rm == null ? 65535 : rm;
        }
        return c;
    }

    // ---- the run -------------------------------------------------------------------------------------------------

    volatile String token;

    int runAll() throws Exception {
        Files.createDirectories(work);
        log(
                "run %s: %d units, %d SSE clients, %d s measured after %d s warm-up, %d publishing connections, QoS %d",
                run, units, clients, seconds, warmup, conns, qos);
        if (!brokerMode.equals("system")) {
            broker = BenchBroker.start(brokerMode.equals("tls"), work, work.resolve("gw-data"));
            url = broker.url();
            log("own mosquitto (%s) on %s, pid %d", brokerMode, url, broker.process.pid());
        }
        GatewayUnderTest gateway = GatewayUnderTest.start(this);
        Process mosq = null;
        List<SseClient> sse = new ArrayList<>();
        List<Publisher> pubs = new ArrayList<>();
        MqttAsyncClient refClient = null;
        MqttAsyncClient sysClient = null;
        Thread hook = new Thread(() -> {
            gateway.process.destroy();
        });
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            HttpClient probe = HttpClient.newHttpClient();
            gateway.awaitHealthy(probe);
            token = GatewayUnderTest.signIn(probe, gateway.port);
            long gwPid = gateway.process.pid();
            long mosqPid = broker != null ? broker.process.pid() : Proc.findPid("mosquitto");
            log("gateway pid %d healthy on port %d (mosquitto pid %d)", gwPid, gateway.port, mosqPid);

            // Broker references, then SSE clients, then load.
            Path mosqOut = work.resolve("mosquitto_sub.txt");
            if (mosquittoRef) {
                URI u = URI.create(url);
                List<String> sub = new ArrayList<>(List.of(
                        "mosquitto_sub",
                        "-V",
                        "mqttv5",
                        "-h",
                        u.getHost(),
                        "-p",
                        String.valueOf(u.getPort()),
                        "-i",
                        "fanref-sub-" + run,
                        "-q",
                        String.valueOf(qos),
                        "-t",
                        "bwc/v1/+/status",
                        "-F",
                        "%U %t %p"));
                if (broker != null) sub.addAll(broker.subscriberTlsOptions());
                mosq = new ProcessBuilder(sub)
                        .redirectOutput(mosqOut.toFile())
                        .redirectError(work.resolve("mosquitto_sub.err").toFile())
                        .start();
            }
            Receiver pahoRx = new Receiver(this, "paho-ref");
            refClient = connect("fanref-paho-" + run, new Quiet(pahoRx));
            refClient.subscribe(new MqttSubscription("bwc/v1/+/status", qos)).waitForCompletion(10_000);

            sysClient = connect("fanref-sys-" + run, new DroppedCounter(brokerDropped));
            sysClient
                    .subscribe(new MqttSubscription("$SYS/broker/publish/messages/dropped", 0))
                    .waitForCompletion(10_000);

            URI events = URI.create("http://127.0.0.1:" + gateway.port + "/api/events");
            for (int i = 0; i < clients; i++) {
                SseClient c = new SseClient(this, i + 1, events);
                sse.add(c);
                c.thread.start();
            }
            for (SseClient c : sse) {
                long d = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (!c.connected && c.failure == null && System.nanoTime() < d) Thread.sleep(20);
                if (!c.connected)
                    throw new IllegalStateException("SSE client " + c.rx.name + " did not connect: " + c.failure);
            }
            // Connect the publishing connections in parallel (one by one takes ~0.3 s each on a busy machine).
            List<java.util.concurrent.Future<Publisher>> connecting = new ArrayList<>();
            try (var pool = java.util.concurrent.Executors.newFixedThreadPool(16)) {
                for (int i = 0; i < conns; i++) {
                    int n = i;
                    connecting.add(pool.submit(() -> new Publisher(this, n)));
                }
                for (var f : connecting) pubs.add(f.get());
            }
            pubSlots = pubs.get(0).slots;
            Thread.sleep(500);

            // Load: rounds of N publishes, each spread evenly over one second.
            lateness = new long[seconds * units];
            written = new long[seconds * units];
            Arrays.fill(written, -1);
            Proc.Sample[] window = new Proc.Sample[2];
            long slotNanos = 1_000_000_000L / units;
            long slotRem = 1_000_000_000L % units;
            t0Nanos = System.nanoTime() + 200_000_000L;
            Thread sampler = Thread.ofPlatform().name("sampler").daemon().start(() -> {
                try {
                    sleepUntil(t0Nanos + TimeUnit.SECONDS.toNanos(warmup));
                    window[0] = Proc.sample(gwPid, mosqPid);
                    sleepUntil(t0Nanos + TimeUnit.SECONDS.toNanos(rounds));
                    window[1] = Proc.sample(gwPid, mosqPid);
                } catch (InterruptedException ignored) {
                }
            });
            log("publishing: %d rounds (%d warm-up + %d measured) of %d statuses", rounds, warmup, seconds, units);
            Battery battery = new Battery(87, false, false);
            Storage storage = new Storage(51_234_567_890L, 64_000_000_000L);
            String[] ids = new String[units];
            String[] topics = new String[units];
            for (int i = 0; i < units; i++) {
                ids[i] = unitId(i);
                topics[i] = Topics.status(ids[i]);
            }
            long sent = 0;
            for (int r = 0; r < rounds; r++) {
                long roundStart = t0Nanos + r * 1_000_000_000L;
                for (int i = 0; i < units; i++) {
                    long target = roundStart + i * slotNanos + (i * slotRem) / units;
                    sleepUntil(target);
                    long late = (System.nanoTime() - target) / 1000;
                    long stamp = wallMicros();
                    UnitStatus st = new UnitStatus(
                            Payload.VERSION,
                            ids[i],
                            UnitState.BUFFERING,
                            true,
                            false,
                            false,
                            "b" + i,
                            battery,
                            storage,
                            null,
                            null,
                            false,
                            true,
                            "fan:" + r + ":" + stamp,
                            r,
                            Instant.ofEpochSecond(stamp / 1_000_000, (stamp % 1_000_000) / 1000 * 1_000_000));
                    int idx = r >= warmup ? (r - warmup) * units + i : -1;
                    pubs.get(i % conns).publish(topics[i], codec.encode(st), true, idx, stamp);
                    if (r >= warmup) {
                        lateness[(r - warmup) * units + i] = late;
                        publishedInWindow.incrementAndGet();
                    }
                    sent++;
                }
                if (r == warmup - 1) log("warm-up done; measuring %d s", seconds);
            }
            for (Publisher p : pubs) p.awaitIdle(5_000);
            sampler.join(5_000);
            long published = publishedInWindow.get() - publishErrors.get();

            // Drain: wait until every receiver has everything, or the drain time is up.
            long drainEnd = System.nanoTime() + (long) (drainSeconds * 1e9);
            while (System.nanoTime() < drainEnd) {
                boolean all = pahoRx.delivered.get() >= published;
                for (SseClient c : sse) all &= c.rx.delivered.get() >= published;
                if (all) break;
                Thread.sleep(50);
            }
            Thread.sleep(300); // mosquitto_sub is not watched; give it the same grace
            String healthJson = "";
            try {
                healthJson = probe.send(
                                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port + "/api/health"))
                                        .header("Authorization", "Bearer " + token)
                                        .build(),
                                HttpResponse.BodyHandlers.ofString())
                        .body();
            } catch (IOException ignored) {
            }
            String hwm = Proc.status(gwPid, "VmHWM"), rss = Proc.status(gwPid, "VmRSS");
            int gwThreads =
                    Proc.kb(Proc.status(gwPid, "Threads")) > 0 ? (int) Proc.kb(Proc.status(gwPid, "Threads")) : -1;

            for (SseClient c : sse) c.stop();
            for (SseClient c : sse) c.thread.join(2_000);
            if (mosq != null) {
                mosq.destroy();
                mosq.waitFor(5, TimeUnit.SECONDS);
            }
            refClient.disconnect().waitForCompletion(5_000);
            refClient.close();
            refClient = null;
            if (sysClient != null) {
                sysClient.disconnect().waitForCompletion(5_000);
                sysClient.close();
                sysClient = null;
            }
            gateway.process.destroy();
            if (!gateway.process.waitFor(15, TimeUnit.SECONDS)) gateway.process.destroyForcibly();

            Receiver mosqRx = null;
            if (mosquittoRef) mosqRx = Receiver.fromMosquittoSub(this, mosqOut);

            new FanoutReport(this)
                    .report(published, sse, pahoRx, mosqRx, window, hwm, rss, gwThreads, healthJson, gateway.log);
            return 0;
        } finally {
            for (SseClient c : sse) c.stop();
            if (mosq != null) mosq.destroy();
            if (broker != null) broker.close();
            if (refClient != null)
                try {
                    refClient.disconnectForcibly(1000);
                    refClient.close();
                } catch (Exception ignored) {
                }
            if (sysClient != null)
                try {
                    sysClient.disconnectForcibly(1000);
                    sysClient.close();
                } catch (Exception ignored) {
                }
            gateway.process.destroy();
            try {
                if (!gateway.process.waitFor(15, TimeUnit.SECONDS)) gateway.process.destroyForcibly();
            } catch (InterruptedException ignored) {
            }
            forgetSession("gw-" + prefix + "bench");
            clearRetained(pubs);
            for (Publisher p : pubs) {
                try {
                    p.client.disconnect().waitForCompletion(5_000);
                    p.client.close();
                } catch (Exception ignored) {
                }
            }
            Runtime.getRuntime().removeShutdownHook(hook);
        }
    }

    /**
     * The gateway connects with clean start off and a 1 h session expiry, so the shared broker would keep queueing
     * (and dropping) QoS 1 messages for this run's gateway long after it stopped; a clean-start connect ends that.
     */
    void forgetSession(String clientId) {
        try {
            MqttAsyncClient c = connect(clientId, new Quiet(null));
            c.disconnect().waitForCompletion(5_000);
            c.close();
        } catch (Exception e) {
            log("could not remove the gateway's broker session %s: %s", clientId, e);
        }
    }

    void clearRetained(List<Publisher> pubs) {
        try {
            if (pubs.isEmpty()) pubs.add(new Publisher(this, 0));
            int n = 0;
            for (int i = 0; i < units; i++) {
                pubs.get(i % pubs.size()).publish(Topics.status(unitId(i)), new byte[0], true);
                n++;
            }
            for (Publisher p : pubs) p.awaitIdle(10_000);
            log("cleared %d retained statuses (%s*)", n, prefix);
        } catch (Exception e) {
            log(
                    "could not clear the retained statuses of %s*: %s (clear them with: mosquitto_sub -t 'bwc/v1/+/status' --remove-retained ...)",
                    prefix, e);
        }
    }

    static void sleepUntil(long target) throws InterruptedException {
        while (true) {
            long d = target - System.nanoTime();
            if (d <= 0) return;
            if (d > 2_000_000) Thread.sleep((d - 1_000_000) / 1_000_000);
            else LockSupport.parkNanos(d);
            if (Thread.interrupted()) throw new InterruptedException();
        }
    }
}
