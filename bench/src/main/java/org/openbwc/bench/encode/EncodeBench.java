package org.openbwc.bench.encode;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The encode benchmark behind {@code bench/encode}. One class, several modes:
 * <ul>
 * <li>{@code run ...}: the orchestrator. Starts every measured process as a child, one at a time, and measures it
 * from outside through /proc: CPU (utime+stime of the process, all threads), frames (asked of the child at the
 * same instant) and peak RSS (VmHWM). It does no media work itself.</li>
 * <li>{@code locate}: prints where the natives on this classpath put their ffmpeg program (and fills the JavaCPP
 * cache, so that extraction is not part of any measurement).</li>
 * <li>{@code pipeline W H FPS ENC KBPS}: the device's {@code MediaPipeline}, overlay and audio off, into a sink that
 * discards the fragments: the like-for-like counterpart of the ffmpeg CLI.</li>
 * <li>{@code full W H FPS ENC KBPS PRE_SECONDS DIR}: the device path: pipeline with overlay and audio on, its
 * fragments to a {@code PreEventBuffer} and an {@code EvidenceWriter} that writes a real, signed recording. The
 * orchestrator then runs the ffmpeg CLI doing the same job (overlay, audio, fMP4 to a file) as its same-run reference.</li>
 * <li>{@code verify RECORDING_DIR KEY_DIR}: checks a recording the unit process wrote with {@code EvidenceVerifier}
 * against the unit's key and prints what its manifest says.</li>
 * </ul>
 * The orchestrator also runs the real unit process ({@code org.openbwc.launcher.UnitMain --config FILE}, started
 * as {@code ./bwc device} starts it) and drives it over MQTT 5 with Paho: {@code record.start} after the warm-up,
 * {@code record.stop} at the end of the window; fps and dropped frames come from the unit's own status messages.
 * Children speak a line protocol on stdin/stdout: the orchestrator sends {@code s} (stats), {@code open},
 * {@code q} (quit); the child answers with lines starting {@code @@ }. Anything else they print goes to a log.
 * <p>
 * Only the device module's public API is used (EncoderSettings, MediaPipeline, FfmpegCli, PreEventBuffer,
 * EvidenceWriter, EvidenceVerifier), so that the benchmark measures what the unit runs.
 */
public final class EncodeBench {

    /** The ids the children burn into the overlay; the full path's CLI reference draws the same text. */
    static final String UNIT_ID = "BENCH-01";

    static final String OFFICER_ID = "1234";

    private EncodeBench() {}

    public static void main(String[] args) throws Exception {
        if (args.length == 0) throw new IllegalArgumentException("usage: EncodeBench run|locate|pipeline|full ...");
        String[] rest = java.util.Arrays.copyOfRange(args, 1, args.length);
        switch (args[0]) {
            case "run" -> Orchestrator.main(rest);
            case "locate" -> Children.locate();
            case "pipeline" -> Children.pipeline(rest);
            case "full" -> Children.full(rest);
            case "verify" -> Children.verify(rest);
            default -> throw new IllegalArgumentException("unknown mode " + args[0]);
        }
    }

    // ====================================================================================== children (device side)

    /** The measured JVMs. Loaded only in the child JVMs, whose classpath has the device module and the natives. */
    static final class Children {
        private static final PrintStream OUT = System.out;

        static void locate() throws Exception {
            var cli = org.openbwc.device.media.FfmpegCli.locate();
            OUT.println("@@ FFMPEG " + cli.executable());
            OUT.println("@@ LIBDIR " + cli.libraryDirectory());
            OUT.println("@@ VERSION " + cli.version());
            OUT.println("@@ X264 " + org.openbwc.device.media.VideoEncoder.X264.isAvailable());
            OUT.println("@@ OPENH264 " + org.openbwc.device.media.VideoEncoder.OPENH264.isAvailable());
            OUT.flush();
        }

        private static org.openbwc.device.media.EncoderSettings settings(String[] a) {
            var encoder = switch (a[3]) {
                case "x264" -> org.openbwc.device.media.VideoEncoder.X264;
                case "openh264" -> org.openbwc.device.media.VideoEncoder.OPENH264;
                default -> throw new IllegalArgumentException("encoder " + a[3] + " is not x264 or openh264");
            };
            return org.openbwc.device.media.EncoderSettings.mock(UNIT_ID, OFFICER_ID)
                    .withVideo(Integer.parseInt(a[0]), Integer.parseInt(a[1]), Integer.parseInt(a[2]))
                    .withEncoder(encoder)
                    .withBitrateKbps(Integer.parseInt(a[4]));
        }

        /** Pipeline only, overlay and audio off, fragments discarded. Args: W H FPS ENC KBPS. */
        static void pipeline(String[] a) throws Exception {
            var settings = settings(a).withOverlayEnabled(false).withAudioEnabled(false);
            var discard = new org.openbwc.device.media.FragmentSink() {
                @Override
                public void onInit(org.openbwc.device.media.InitSegment init) {}

                @Override
                public void onFragment(org.openbwc.device.media.Fragment fragment) {}
            };
            var pipeline = org.openbwc.device.media.MediaPipeline.start(settings, discard);
            OUT.println("@@ READY " + settings);
            OUT.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            for (String line; (line = in.readLine()) != null; ) {
                if (line.equals("s")) {
                    OUT.println("@@ STATS " + stats(pipeline.stats()) + " running=" + (pipeline.isRunning() ? 1 : 0));
                    OUT.flush();
                } else if (line.equals("q")) {
                    break;
                }
            }
            pipeline.close();
            OUT.println("@@ DONE " + stats(pipeline.stats()) + " failure="
                    + pipeline.failure()
                            .map(t -> t.toString().replace(' ', '_'))
                            .orElse("none"));
            OUT.flush();
            System.exit(0);
        }

        /**
         * The unit's path: overlay and audio on, fan-out to the pre-event buffer then the evidence writer (the order
         * UnitCamera uses). Args: W H FPS ENC KBPS PRE_SECONDS EVIDENCE_DIR.
         */
        static void full(String[] a) throws Exception {
            var settings = settings(a).withOverlayEnabled(true).withAudioEnabled(true);
            int preSeconds = Integer.parseInt(a[5]);
            Path root = Path.of(a[6]);
            var key = org.openbwc.device.evidence.DeviceKey.generate();
            // the config's default cap, and the unit's layout: scratch files beside the evidence
            var buffer = new org.openbwc.device.evidence.PreEventBuffer(
                    preSeconds, 96L << 20, root.resolveSibling(root.getFileName() + "-pre-event"));
            var writer = org.openbwc.device.evidence.EvidenceWriter.builder(root, key)
                    .softwareVersion("bench")
                    .build();
            var fanOut = new org.openbwc.device.media.FragmentSink() {
                @Override
                public void onInit(org.openbwc.device.media.InitSegment init) {
                    buffer.onInit(init);
                    writer.onInit(init);
                }

                @Override
                public void onFragment(org.openbwc.device.media.Fragment fragment) {
                    buffer.onFragment(fragment);
                    writer.onFragment(fragment);
                }
            };
            var pipeline = org.openbwc.device.media.MediaPipeline.start(settings, fanOut, () -> true);
            // the audio settings as fields: the orchestrator gives the CLI reference the same ones
            OUT.println("@@ READY audioRate=" + settings.sampleRate() + " audioChannels=" + settings.channels()
                    + " audioKbps=" + settings.audioBitrateKbps() + " " + settings);
            OUT.flush();
            String recordingId = "bench-"
                    + DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss")
                            .withZone(ZoneOffset.UTC)
                            .format(Instant.now());
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            for (String line; (line = in.readLine()) != null; ) {
                switch (line) {
                    case "open" -> {
                        long bufferedMs = buffer.bufferedMicros() / 1000;
                        writer.open(
                                new org.openbwc.device.evidence.RecordingRequest(
                                        recordingId,
                                        UNIT_ID,
                                        OFFICER_ID,
                                        "button",
                                        Instant.now(),
                                        "system",
                                        true,
                                        null,
                                        null),
                                buffer);
                        OUT.println("@@ OPENED preEventMs=" + bufferedMs + " bufferBytes=" + buffer.bufferedBytes());
                    }
                    case "s" -> {
                        var w = writer.stats();
                        OUT.println("@@ STATS " + stats(pipeline.stats()) + " running=" + (pipeline.isRunning() ? 1 : 0)
                                + " writerFragments=" + w.fragmentsWritten() + " writerDropped=" + w.droppedFragments()
                                + " writerOverflows=" + w.queueOverflows() + " writerQueued=" + w.queuedFragments()
                                + " writerBytes=" + w.bytesWritten() + " writerMediaMs=" + w.mediaDurationMillis()
                                + " bufferMs=" + buffer.bufferedMicros() / 1000 + " bufferBytes="
                                + buffer.bufferedBytes()
                                + " bufferHeapBytes=" + buffer.heapBytes()
                                + " heapUsed="
                                + (Runtime.getRuntime().totalMemory()
                                        - Runtime.getRuntime().freeMemory())
                                + " heapCommitted=" + Runtime.getRuntime().totalMemory());
                    }
                    case "q" -> {
                        var sealed = writer.close(Instant.now());
                        pipeline.close();
                        writer.close();
                        buffer.close();
                        if (sealed.isPresent()) {
                            var r = sealed.get();
                            var v = new org.openbwc.device.evidence.EvidenceVerifier()
                                    .verify(r.directory(), Optional.of(key.publicKey()));
                            OUT.println("@@ SEALED durationMs=" + r.durationMillis() + " fragments=" + r.fragmentCount()
                                    + " segments=" + r.segmentCount() + " bytes=" + r.bytes() + " droppedFragments="
                                    + r.droppedFragments()
                                    + " verified=" + (v.ok() ? 1 : 0) + " dir=" + r.directory()
                                    + " verifyMessage="
                                    + String.valueOf(v.message()).replace(' ', '_'));
                        } else {
                            OUT.println("@@ SEALED none=1");
                        }
                        OUT.println("@@ DONE " + stats(pipeline.stats()) + " failure="
                                + pipeline.failure()
                                        .map(t -> t.toString().replace(' ', '_'))
                                        .orElse("none"));
                        OUT.flush();
                        System.exit(0);
                    }
                    default -> {}
                }
                OUT.flush();
            }
            System.exit(1);
        }

        /**
         * Checks a recording of the unit process against the unit's own key (as {@code bwc evidence verify} would) and
         * prints its manifest's figures. Args: RECORDING_DIR KEY_DIR.
         */
        static void verify(String[] a) throws Exception {
            Path dir = Path.of(a[0]);
            Path keyDir = Path.of(a[1]);
            if (!Files.isRegularFile(keyDir.resolve(org.openbwc.device.evidence.DeviceKey.KEY_FILE))) {
                throw new IllegalStateException("no unit key in " + keyDir);
            }
            var key = org.openbwc.device.evidence.DeviceKey.loadOrCreate(keyDir);
            var v = new org.openbwc.device.evidence.EvidenceVerifier().verify(dir, Optional.of(key.publicKey()));
            var m = new com.fasterxml.jackson.databind.ObjectMapper()
                    .readTree(dir.resolve("manifest.json").toFile());
            long bytes = 0;
            for (var seg : m.path("segments")) bytes += seg.path("bytes").asLong();
            OUT.println("@@ VERIFIED verified=" + (v.ok() ? 1 : 0) + " durationMs="
                    + m.path("durationMicros").asLong() / 1000
                    + " preEventMs="
                    + Math.round(m.path("preEventSecondsIncluded").asDouble() * 1000)
                    + " fragments=" + m.path("fragmentCount").asLong() + " droppedFragments="
                    + m.path("droppedFragments").asLong()
                    + " segments=" + m.path("segments").size() + " bytes=" + bytes + " endReason="
                    + m.path("endReason").asText()
                    + " verifyMessage=" + String.valueOf(v.message()).replace(' ', '_'));
            OUT.flush();
        }

        private static String stats(org.openbwc.device.media.PipelineStats s) {
            return "grabbed=" + s.framesGrabbed() + " frames=" + s.framesEncoded() + " dropped=" + s.framesDropped()
                    + " audioDropped=" + s.audioChunksDropped() + " fragments=" + s.fragments() + " bytes=" + s.bytes();
        }
    }

    // ====================================================================================== /proc

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
                String[] f =
                        Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
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
                        return Long.parseLong(
                                line.substring(name.length()).trim().split("\\s+")[0]);
                }
            } catch (IOException e) {
                throw new IllegalStateException("cannot read /proc/" + pid + "/status: " + e, e);
            }
            return -1;
        }
    }

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

    // ====================================================================================== MQTT (orchestrator side)

    /**
     * The orchestrator's MQTT 5 client for the unit process run (Eclipse Paho, as the gateway uses): sends commands the
     * way docs/protocol.md describes (QoS 1, response topic, correlation data, message expiry) and collects the unit's
     * status messages, each with a /proc sample of the unit taken the moment it arrived, so that the media time the
     * status reports and the CPU are read at the same instant.
     */
    static final class UnitMqtt implements AutoCloseable {
        /** One message; proc is set for status messages once the unit's pid is known. */
        record Message(String topic, String payload, long nanos, ProcSample proc) {}

        private final org.eclipse.paho.mqttv5.client.MqttClient client;
        private final String unitId;
        private final String replyTopic;
        final BlockingQueue<Message> statuses = new LinkedBlockingQueue<>();
        final BlockingQueue<Message> events = new LinkedBlockingQueue<>();
        private final BlockingQueue<Message> replies = new LinkedBlockingQueue<>();
        /** The unit's pid: status messages are paired with a /proc sample of it. */
        volatile long pid = -1;

        private UnitMqtt(String url, String unitId) throws org.eclipse.paho.mqttv5.common.MqttException {
            this.unitId = unitId;
            String me = "bench-" + ProcessHandle.current().pid();
            this.replyTopic = "bwc/v1/_replies/" + me;
            this.client = new org.eclipse.paho.mqttv5.client.MqttClient(
                    url, me, new org.eclipse.paho.mqttv5.client.persist.MemoryPersistence());
            client.setCallback(new org.eclipse.paho.mqttv5.client.MqttCallback() {
                @Override
                public void disconnected(org.eclipse.paho.mqttv5.client.MqttDisconnectResponse response) {}

                @Override
                public void mqttErrorOccurred(org.eclipse.paho.mqttv5.common.MqttException e) {}

                @Override
                public void messageArrived(String topic, org.eclipse.paho.mqttv5.common.MqttMessage m) {
                    long now = System.nanoTime();
                    // a retained status is an earlier unit's last word, not this one's
                    if (m.isRetained()) return;
                    String payload = new String(m.getPayload(), StandardCharsets.UTF_8);
                    if (topic.endsWith("/status")) {
                        long p = pid;
                        statuses.add(new Message(topic, payload, now, p > 0 ? Orchestrator.safeSample(p) : null));
                    } else if (topic.endsWith("/event")) {
                        events.add(new Message(topic, payload, now, null));
                    } else if (topic.equals(replyTopic)) {
                        replies.add(new Message(topic, payload, now, null));
                    }
                }

                @Override
                public void deliveryComplete(org.eclipse.paho.mqttv5.client.IMqttToken token) {}

                @Override
                public void connectComplete(boolean reconnect, String serverUri) {}

                @Override
                public void authPacketArrived(
                        int reasonCode, org.eclipse.paho.mqttv5.common.packet.MqttProperties properties) {}
            });
            var options = new org.eclipse.paho.mqttv5.client.MqttConnectionOptions();
            options.setConnectionTimeout(5);
            options.setCleanStart(true);
            options.setAutomaticReconnect(false);
            client.connect(options);
            client.subscribe(
                            new String[] {"bwc/v1/" + unitId + "/status", "bwc/v1/" + unitId + "/event", replyTopic},
                            new int[] {1, 1, 1})
                    .waitForCompletion(5000);
        }

        /** Connects to the broker or throws (unreachable, refused). */
        static UnitMqtt connect(String url, String unitId) throws org.eclipse.paho.mqttv5.common.MqttException {
            return new UnitMqtt(url, unitId);
        }

        /** Sends a command as docs/protocol.md describes it and waits for the reply; null when none came in time. */
        String command(String name, int timeoutSeconds) throws Exception {
            String sentAt = DateTimeFormatter.ISO_INSTANT.format(
                    Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
            String body = "{\"version\":1,\"command\":\"" + name
                    + "\",\"args\":{},\"requestedBy\":\"bench\",\"sentAt\":\"" + sentAt + "\"}";
            var message = new org.eclipse.paho.mqttv5.common.MqttMessage(body.getBytes(StandardCharsets.UTF_8));
            message.setQos(1);
            var properties = new org.eclipse.paho.mqttv5.common.packet.MqttProperties();
            properties.setResponseTopic(replyTopic);
            properties.setCorrelationData(java.util.UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8));
            properties.setMessageExpiryInterval((long) timeoutSeconds);
            message.setProperties(properties);
            replies.clear();
            client.publish("bwc/v1/" + unitId + "/cmd/" + name, message);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
            for (long left; (left = deadline - System.nanoTime()) > 0; ) {
                Message reply = replies.poll(left, TimeUnit.NANOSECONDS);
                if (reply != null && name.equals(json(reply.payload(), "command"))) return reply.payload();
            }
            return null;
        }

        /** The first status (from now on) that matches, or null after the timeout. */
        Message awaitStatus(java.util.function.Predicate<Message> matches, int timeoutSeconds)
                throws InterruptedException {
            return await(statuses, matches, timeoutSeconds);
        }

        static Message await(
                BlockingQueue<Message> queue, java.util.function.Predicate<Message> matches, int timeoutSeconds)
                throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
            for (long left; (left = deadline - System.nanoTime()) > 0; ) {
                Message m = queue.poll(left, TimeUnit.NANOSECONDS);
                if (m != null && matches.test(m)) return m;
            }
            return null;
        }

        /** Removes the unit's retained messages, so that no "bench-unit" lingers in a fleet view on a shared broker. */
        void clearRetained() {
            for (String kind : List.of("status", "location", "stream")) {
                try {
                    client.publish("bwc/v1/" + unitId + "/" + kind, new byte[0], 1, true);
                } catch (org.eclipse.paho.mqttv5.common.MqttException e) {
                    // best effort
                }
            }
        }

        @Override
        public void close() {
            try {
                client.disconnect(2000);
            } catch (org.eclipse.paho.mqttv5.common.MqttException e) {
                // the broker went away: nothing to do
            }
            try {
                client.close();
            } catch (org.eclipse.paho.mqttv5.common.MqttException e) {
                // ignore
            }
        }
    }

    private static final java.util.regex.Pattern JSON_MEMBER_END = java.util.regex.Pattern.compile("[,}\\]\\s]");

    /**
     * A member of a flat JSON object (the first with that name): a string's content (escapes kept), or a number,
     * true, false, null as written; null when absent. Enough for the unit's status, event and reply payloads.
     */
    static String json(String payload, String name) {
        String key = "\"" + name + "\"";
        int i = payload.indexOf(key);
        if (i < 0) return null;
        int j = payload.indexOf(':', i + key.length());
        if (j < 0) return null;
        j++;
        while (j < payload.length() && Character.isWhitespace(payload.charAt(j))) j++;
        if (j >= payload.length()) return null;
        if (payload.charAt(j) == '"') {
            StringBuilder b = new StringBuilder();
            for (int k = j + 1; k < payload.length(); k++) {
                char c = payload.charAt(k);
                if (c == '\\' && k + 1 < payload.length()) {
                    b.append(payload.charAt(++k));
                } else if (c == '"') {
                    return b.toString();
                } else {
                    b.append(c);
                }
            }
            return b.toString();
        }
        var m = JSON_MEMBER_END.matcher(payload);
        int end = m.find(j) ? m.start() : payload.length();
        return payload.substring(j, end).trim();
    }

    // ====================================================================================== orchestrator

    static final class Orchestrator {
        private final Map<String, String> opt;
        private final long clkTck;
        private final Path work;
        private final Path logs;
        private final PrintWriter report;
        private final String javaBin;
        private final String classes;
        private final String xmx;
        private final int warmup;

        private Orchestrator(Map<String, String> opt) throws IOException {
            this.opt = opt;
            this.clkTck = Long.parseLong(opt.getOrDefault("clk-tck", "100"));
            this.work = Path.of(opt.get("work"));
            this.logs = work.resolve("logs");
            Files.createDirectories(logs);
            this.javaBin = opt.get("java");
            this.classes = opt.get("classes");
            // empty: the heap settings of ./bwc device (from --unit-jvm) alone
            this.xmx = opt.getOrDefault("xmx", "");
            this.warmup = Integer.parseInt(opt.getOrDefault("warmup", "10"));
            Writer file = Files.newBufferedWriter(Path.of(opt.get("report")), StandardCharsets.UTF_8);
            this.report = new PrintWriter(file, true);
        }

        static void main(String[] args) throws Exception {
            Map<String, String> opt = new LinkedHashMap<>();
            for (int i = 0; i < args.length; i += 2) opt.put(args[i].replaceFirst("^--", ""), args[i + 1]);
            new Orchestrator(opt).run();
        }

        /** Prints to the console and to the report file. */
        private void say(String format, Object... args) {
            String s = args.length == 0 ? format : String.format(Locale.ROOT, format, args);
            System.out.println(s);
            System.out.flush();
            report.println(s);
        }

        private record Case(String name, int w, int h, int fps, String encoder) {}

        private record Row(Case c, Measured pipeline, Measured cli) {}

        private void run() throws Exception {
            int seconds = Integer.parseInt(opt.get("seconds"));
            int fullSeconds = Integer.parseInt(opt.get("full-seconds"));
            int kbps = Integer.parseInt(opt.get("bitrate"));
            int preSeconds = Integer.parseInt(opt.getOrDefault("pre-event", "30"));
            String only = opt.getOrDefault("only", "all");
            int repeat = Integer.parseInt(opt.getOrDefault("repeat", "1"));
            Map<String, String[]> cli = new LinkedHashMap<>();
            say(
                    "# encode benchmark, %s",
                    DateTimeFormatter.ISO_INSTANT.format(
                            Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS)));
            say("# machine: %s", opt.getOrDefault("machine", "?"));
            say(
                    "# device JVM: %s %s%s --enable-native-access=ALL-UNNAMED (java %s); environment: %s (both from ./bwc jvm-options)",
                    javaBin,
                    String.join(" ", unitJvm()),
                    xmx.isEmpty() ? "" : " -Xmx" + xmx,
                    System.getProperty("java.version"),
                    String.join(
                            " ",
                            unitEnv().entrySet().stream()
                                    .map(e -> e.getKey() + "=" + e.getValue())
                                    .toList()));
            say(
                    "# settings: lavfi testsrc2, %d kb/s, GOP 1 s, no B-frames, fMP4 200 ms fragments; %d s warm-up (not measured), %d s window per run; "
                            + "full-path row %d s window",
                    kbps, warmup, seconds, fullSeconds);
            for (String flavor : List.of("lgpl", "gpl")) {
                Map<String, String> found = locate(flavor);
                cli.put(flavor, new String[] {found.get("FFMPEG"), found.get("LIBDIR")});
                say(
                        "# natives %-4s: %s (%s); x264=%s openh264=%s",
                        flavor, found.get("FFMPEG"), found.get("VERSION"), found.get("X264"), found.get("OPENH264"));
            }
            say(
                    "# load average before: %s",
                    Files.readString(Path.of("/proc/loadavg")).trim());

            List<Case> cases = List.of(
                    new Case("720p30 openh264", 1280, 720, 30, "openh264"),
                    new Case("720p30 x264 veryfast", 1280, 720, 30, "x264"),
                    new Case("1080p30 openh264", 1920, 1080, 30, "openh264"),
                    new Case("1080p30 x264 veryfast", 1920, 1080, 30, "x264"));
            List<Row> rows = new ArrayList<>();
            if (!only.equals("full")) {
                for (Case c : cases) {
                    if (!only.equals("all") && !c.name().contains(only)) continue;
                    // openh264 is in both natives; the LGPL ones are what units ship with by default
                    String flavor = c.encoder().equals("x264") ? "gpl" : "lgpl";
                    say("");
                    say("## %s (%s natives)", c.name(), flavor);
                    List<Measured> ps = new ArrayList<>();
                    List<Measured> fs = new ArrayList<>();
                    for (int r = 1; r <= repeat; r++) {
                        if (repeat > 1) say("   (repeat %d of %d)", r, repeat);
                        ps.add(measurePipeline(c, flavor, kbps, seconds));
                        fs.add(measureCli(c, cli.get(flavor), kbps, seconds));
                    }
                    rows.add(new Row(c, median(ps), median(fs)));
                }
            }
            Measured full = null;
            Measured fullCli = null;
            Map<String, String> sealed = Map.of();
            if (only.equals("all") || only.equals("full")) {
                say("");
                say(
                        "## full device path: 1080p30 x264 veryfast, overlay on, audio on, pre-event %d s, evidence writer (gpl natives)",
                        preSeconds);
                Case c = new Case("1080p30 x264 full path", 1920, 1080, 30, "x264");
                Object[] result = measureFull(c, kbps, preSeconds, fullSeconds);
                full = (Measured) result[0];
                @SuppressWarnings("unchecked")
                Map<String, String> s = (Map<String, String>) result[1];
                sealed = s;
                // the machine's speed varies by the day: the CLI doing the same job in the same run is what the cores
                // compare with
                if (!"0".equals(opt.get("full-cli"))) {
                    say("");
                    say(
                            "## ffmpeg CLI, same job as the full path: testsrc2 + sine, drawtext overlay, x264 veryfast + AAC, fMP4 to a file (gpl natives)");
                    fullCli = measureFullCli(c, cli.get("gpl"), kbps, sealed, fullSeconds);
                    say(
                            "   pipeline / CLI: cores ratio %.2f (CPU ms/frame %.2f / %.2f), RSS ratio %.2f (%.1f / %.1f MiB)%s",
                            full.cpuMsPerFrame() / fullCli.cpuMsPerFrame(),
                            full.cpuMsPerFrame(),
                            fullCli.cpuMsPerFrame(),
                            full.rssMib() / fullCli.rssMib(),
                            full.rssMib(),
                            fullCli.rssMib(),
                            noisy(full, fullCli) ? " NOISY" : "");
                }
            }
            // the real thing: the unit process, which also carries MQTT, config, the mock HAL, telemetry, ...
            UnitRun unit = null;
            if ((only.equals("all") || only.equals("full")) && "1".equals(opt.get("unit"))) {
                say("");
                say(
                        "## unit process: ./bwc device --config %s (1080p30 x264 veryfast, overlay on, audio on, pre-event %d s, mock HAL, MQTT %s; gpl natives)",
                        opt.get("unit-config"), preSeconds, opt.get("mqtt-url"));
                try {
                    unit = measureUnit(kbps, preSeconds, fullSeconds);
                } catch (Exception e) {
                    // a report: the other rows stand; the unit row says what went wrong
                    say("   the unit process could not be measured: %s (log: %s)", e, logs.resolve(UNIT_LOG));
                    unit = new UnitRun(
                            null,
                            Map.of("failure", String.valueOf(e.getMessage() == null ? e.toString() : e.getMessage())));
                }
                if (unit.m() != null && fullCli != null) {
                    say(
                            "   unit / CLI: cores ratio %.2f (CPU ms/frame %.2f / %.2f), RSS ratio %.2f (%.1f / %.1f MiB)%s",
                            unit.m().cpuMsPerFrame() / fullCli.cpuMsPerFrame(),
                            unit.m().cpuMsPerFrame(),
                            fullCli.cpuMsPerFrame(),
                            unit.m().rssMib() / fullCli.rssMib(),
                            unit.m().rssMib(),
                            fullCli.rssMib(),
                            noisy(unit.m(), fullCli) ? " NOISY" : "");
                }
                if (unit.m() != null && full != null) {
                    say(
                            "   unit / full-path child: peak RSS %+.1f MiB (%.1f / %.1f), CPU ms/frame %.2f / %.2f",
                            unit.m().rssMib() - full.rssMib(),
                            unit.m().rssMib(),
                            full.rssMib(),
                            unit.m().cpuMsPerFrame(),
                            full.cpuMsPerFrame());
                }
            }
            say("");
            say(
                    "# load average after: %s",
                    Files.readString(Path.of("/proc/loadavg")).trim());
            printTables(rows, full, sealed, fullCli, unit, kbps, preSeconds);
            report.close();
        }

        // ------------------------------------------------------------------ runs

        /** Of several runs, the one with the median CPU per frame; its peak RSS replaced by the largest seen. */
        private static Measured median(List<Measured> runs) {
            List<Measured> sorted = new ArrayList<>(runs);
            sorted.sort(java.util.Comparator.comparingDouble(Measured::cpuMsPerFrame));
            Measured m = sorted.get((sorted.size() - 1) / 2);
            long peak = runs.stream().mapToLong(Measured::peakRssKib).max().orElse(m.peakRssKib());
            double other = runs.stream().mapToDouble(Measured::otherCores).max().orElse(m.otherCores());
            return new Measured(
                    m.what(),
                    m.wallSeconds(),
                    m.frames(),
                    m.droppedInWindow(),
                    m.droppedTotal(),
                    m.cpuSeconds(),
                    other,
                    peak,
                    m.rssSplit(),
                    m.wholeRunCpuMsPerFrame(),
                    m.threads(),
                    m.last());
        }

        /** The JVM options ./bwc starts a unit with (bench/encode passes them from ./bwc jvm-options). */
        private List<String> unitJvm() {
            String v = opt.getOrDefault("unit-jvm", "").trim();
            return v.isEmpty() ? List.of("-Xss512k", "-XX:+UseSerialGC") : List.of(v.split("\\s+"));
        }

        /** The environment ./bwc starts a unit with (glibc malloc settings). */
        private Map<String, String> unitEnv() {
            Map<String, String> env = new LinkedHashMap<>();
            for (String kv : opt.getOrDefault("unit-env", "").trim().split("\\s+")) {
                int eq = kv.indexOf('=');
                if (eq > 0) env.put(kv.substring(0, eq), kv.substring(eq + 1));
            }
            return env;
        }

        private List<String> jvm(String flavor, String... args) {
            List<String> cmd = new ArrayList<>(List.of(javaBin));
            cmd.addAll(unitJvm());
            if (!xmx.isEmpty()) cmd.add("-Xmx" + xmx);
            cmd.add("--enable-native-access=ALL-UNNAMED");
            if (opt.containsKey("tinylog")) cmd.add("-Dtinylog.configuration=" + opt.get("tinylog"));
            if ("1".equals(opt.get("nmt"))) cmd.add("-XX:NativeMemoryTracking=summary");
            String extra = System.getenv("BENCH_JVM_EXTRA");
            if (extra != null && !extra.isBlank())
                cmd.addAll(List.of(extra.trim().split("\\s+")));
            cmd.addAll(List.of("-cp", classes + ":" + opt.get("lib-" + flavor) + "/*", EncodeBench.class.getName()));
            cmd.addAll(List.of(args));
            return cmd;
        }

        /**
         * The unit process's command line, as ./bwc device builds it: {@code java --enable-native-access=ALL-UNNAMED
         * <./bwc's unit JVM options> -jar bwc.jar device --config FILE}, with the GPL copy of the jars instead of -jar (so
         * that x264 is there and a rebuild cannot pull the jars away), and no tinylog override: the unit logs through the
         * launcher's own tinylog.properties, from bwc.jar, as ./bwc device does.
         */
        private List<String> unitCommand(Path config) {
            List<String> cmd = new ArrayList<>(List.of(javaBin, "--enable-native-access=ALL-UNNAMED"));
            cmd.addAll(unitJvm());
            if (!xmx.isEmpty()) cmd.add("-Xmx" + xmx);
            if ("1".equals(opt.get("nmt"))) cmd.add("-XX:NativeMemoryTracking=summary");
            String extra = System.getenv("BENCH_JVM_EXTRA");
            if (extra != null && !extra.isBlank())
                cmd.addAll(List.of(extra.trim().split("\\s+")));
            String lib = opt.get("lib-gpl");
            cmd.addAll(List.of(
                    "-cp",
                    lib + "/bwc.jar:" + lib + "/*",
                    "org.openbwc.launcher.UnitMain",
                    "--config",
                    config.toString()));
            return cmd;
        }

        private Map<String, String> locate(String flavor) throws Exception {
            Path log = logs.resolve("locate-" + flavor + ".log");
            Process p = new ProcessBuilder(jvm(flavor, "locate"))
                    .redirectError(log.toFile())
                    .start();
            Map<String, String> found = new LinkedHashMap<>();
            try (BufferedReader r = p.inputReader(StandardCharsets.UTF_8)) {
                for (String line; (line = r.readLine()) != null; ) {
                    if (line.startsWith("@@ ")) {
                        String[] kv = line.substring(3).split(" ", 2);
                        found.put(kv[0], kv.length > 1 ? kv[1] : "");
                    }
                }
            }
            if (!p.waitFor(180, TimeUnit.SECONDS) || p.exitValue() != 0 || !found.containsKey("FFMPEG")) {
                throw new IllegalStateException("locating ffmpeg in the " + flavor + " natives failed; see " + log);
            }
            return found;
        }

        /** A child JVM speaking the @@ protocol; non-protocol output goes to its log. */
        private final class JvmChild implements AutoCloseable {
            final Process process;
            final BlockingQueue<String> replies = new LinkedBlockingQueue<>();
            final PrintWriter stdin;
            final Path log;

            JvmChild(String name, List<String> cmd) throws IOException {
                this.log = logs.resolve(name + ".log");
                Files.writeString(log, unitEnv() + " " + String.join(" ", cmd) + "\n");
                ProcessBuilder pb =
                        new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
                pb.environment().putAll(unitEnv());
                this.process = pb.start();
                this.stdin = new PrintWriter(process.outputWriter(StandardCharsets.UTF_8), true);
                Thread reader = new Thread(
                        () -> {
                            try (BufferedReader r = process.inputReader(StandardCharsets.UTF_8);
                                    Writer l = Files.newBufferedWriter(
                                            log, StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND)) {
                                for (String line; (line = r.readLine()) != null; ) {
                                    l.write(line + "\n");
                                    l.flush();
                                    if (line.startsWith("@@ ")) replies.add(line.substring(3));
                                }
                            } catch (IOException ignored) {
                                // the child is gone
                            }
                            replies.add("EOF");
                        },
                        "child-reader-" + name);
                reader.setDaemon(true);
                reader.start();
            }

            String await(String prefix, int timeoutSeconds) throws InterruptedException {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
                while (true) {
                    long left = deadline - System.nanoTime();
                    String line = left <= 0 ? null : replies.poll(left, TimeUnit.NANOSECONDS);
                    if (line == null)
                        throw new IllegalStateException(
                                "no '" + prefix + "' from the child within " + timeoutSeconds + " s; see " + log);
                    if (line.equals("EOF"))
                        throw new IllegalStateException("the child exited before '" + prefix + "'; see " + log);
                    if (line.startsWith(prefix)) return line;
                }
            }

            /** Asks for stats and samples /proc the moment they arrive. */
            Object[] sample() throws InterruptedException {
                stdin.println("s");
                String line = await("STATS", 10);
                ProcSample proc = ProcSample.of(process.pid());
                return new Object[] {proc, parse(line)};
            }

            @Override
            public void close() {
                try {
                    if (process.isAlive() && !process.waitFor(30, TimeUnit.SECONDS)) {
                        process.destroyForcibly();
                        process.waitFor(10, TimeUnit.SECONDS);
                    }
                } catch (InterruptedException e) {
                    process.destroyForcibly();
                    Thread.currentThread().interrupt();
                }
            }
        }

        /**
         * On a shared machine: waits (at most --quiet-wait seconds) until the rest of the machine has used less than
         * {@value #QUIET_CORES} cores over 2 s, so that runs start in a quiet moment. Only when a run starts is chosen;
         * what it measures is reported whatever the load during it (the "other load" column).
         */
        private void waitQuiet() throws InterruptedException {
            int max = Integer.parseInt(opt.getOrDefault("quiet-wait", "20"));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(max);
            double busy;
            do {
                long t0 = System.nanoTime();
                long b0 = ProcSample.machineBusyTicks();
                Thread.sleep(2000);
                busy = (ProcSample.machineBusyTicks() - b0) / (double) clkTck / ((System.nanoTime() - t0) / 1e9);
                if (busy < QUIET_CORES) return;
            } while (System.nanoTime() < deadline);
            if (max > 0)
                say("   (machine still busy after %d s: %.2f cores in use by other work; measuring anyway)", max, busy);
        }

        private static final double QUIET_CORES = 0.3;

        private Measured measurePipeline(Case c, String flavor, int kbps, int seconds) throws Exception {
            waitQuiet();
            String name = "pipeline-" + c.w() + "x" + c.h() + "-" + c.encoder();
            try (JvmChild child = new JvmChild(
                    name, jvm(flavor, "pipeline", "" + c.w(), "" + c.h(), "" + c.fps(), c.encoder(), "" + kbps))) {
                child.await("READY", 60);
                Thread.sleep(warmup * 1000L);
                Object[] a = child.sample();
                Thread.sleep(seconds * 1000L);
                Object[] b = child.sample();
                long[] hwm = ProcSample.memory(child.process.pid());
                nmt(child.process.pid(), child.log);
                child.stdin.println("q");
                Map<String, String> done = parse(child.await("DONE", 30));
                Measured m = window("pipeline", a, b, hwm, "frames", "dropped", done);
                sayMeasured(m);
                if (!"none".equals(done.get("failure"))) say("   pipeline failure: %s", done.get("failure"));
                return m;
            }
        }

        private Object[] measureFull(Case c, int kbps, int preSeconds, int seconds) throws Exception {
            waitQuiet();
            Path dir = Files.createTempDirectory(work, "evidence-");
            try (JvmChild child = new JvmChild(
                    "full-1080p-x264",
                    jvm(
                            "gpl",
                            "full",
                            "" + c.w(),
                            "" + c.h(),
                            "" + c.fps(),
                            c.encoder(),
                            "" + kbps,
                            "" + preSeconds,
                            dir.toString()))) {
                Map<String, String> ready = parse(child.await("READY", 60));
                // let the pre-event buffer fill a little, as a unit that has been on for a while before the record
                // press
                int before = Math.max(warmup, 5);
                Thread.sleep(before * 1000L);
                child.stdin.println("open");
                Map<String, String> opened = parse(child.await("OPENED", 30));
                say(
                        "   recording opened after %d s with %s ms of pre-event media (%s bytes) in %s",
                        before, opened.get("preEventMs"), opened.get("bufferBytes"), dir);
                Object[] a = child.sample();
                long progressEvery = Math.max(60, seconds / 10);
                long start = System.nanoTime();
                // stats every second, to tell when pictures were dropped (relative to the open)
                long lastDropped = Long.parseLong(asMap(a[1]).get("dropped"));
                List<String> dropEvents = new ArrayList<>();
                long nextProgress = progressEvery;
                for (long t = 1; t < seconds; t++) {
                    Thread.sleep(Math.max(0, start + TimeUnit.SECONDS.toNanos(t) - System.nanoTime()) / 1_000_000);
                    Map<String, String> m = asMap(child.sample()[1]);
                    long d = Long.parseLong(m.get("dropped"));
                    if (d > lastDropped) dropEvents.add("+" + (d - lastDropped) + " in second " + t);
                    lastDropped = d;
                    if (t == nextProgress) {
                        nextProgress += progressEvery;
                        say(
                                "   ... %4d s: frames=%s dropped=%s writerMediaMs=%s writerDropped=%s VmRSS=%d KiB VmHWM=%d KiB heapUsed=%s",
                                t,
                                m.get("frames"),
                                m.get("dropped"),
                                m.get("writerMediaMs"),
                                m.get("writerDropped"),
                                ProcSample.statusField(child.process.pid(), "VmRSS:"),
                                ProcSample.peakRssKib(child.process.pid()),
                                m.get("heapUsed"));
                    }
                }
                Thread.sleep(Math.max(0, start + TimeUnit.SECONDS.toNanos(seconds) - System.nanoTime()) / 1_000_000);
                Object[] b = child.sample();
                long[] hwm = ProcSample.memory(child.process.pid());
                nmt(child.process.pid(), child.log);
                child.stdin.println("q");
                Map<String, String> sealed = parse(child.await("SEALED", 120));
                Map<String, String> done = parse(child.await("DONE", 60));
                Measured m = window("full path", a, b, hwm, "frames", "dropped", done);
                long finalDropped = Long.parseLong(asMap(b[1]).get("dropped"));
                if (finalDropped > lastDropped)
                    dropEvents.add("+" + (finalDropped - lastDropped) + " in second " + seconds);
                sayMeasured(m);
                say(
                        "   dropped before the recording opened: %s; in the window (seconds after the open): %s",
                        asMap(a[1]).get("dropped"), dropEvents.isEmpty() ? "none" : String.join(", ", dropEvents));
                Map<String, String> last = asMap(b[1]);
                say(
                        "   writer: %s fragments written, %s dropped, %s queue overflows, %s bytes, %s ms of media; buffer %s ms / %s bytes; heap used %s of %s committed",
                        last.get("writerFragments"),
                        last.get("writerDropped"),
                        last.get("writerOverflows"),
                        last.get("writerBytes"),
                        last.get("writerMediaMs"),
                        last.get("bufferMs"),
                        last.get("bufferBytes"),
                        last.get("heapUsed"),
                        last.get("heapCommitted"));
                say("   sealed: %s", sealed);
                if (!"none".equals(done.get("failure"))) say("   pipeline failure: %s", done.get("failure"));
                Map<String, String> info = new LinkedHashMap<>(sealed);
                info.putAll(ready);
                info.put("audioDropped", done.get("audioDropped"));
                info.put("writerOverflows", last.get("writerOverflows"));
                return new Object[] {m, info};
            }
        }

        @SuppressWarnings("unchecked")
        private static Map<String, String> asMap(Object o) {
            return (Map<String, String>) o;
        }

        private Measured window(
                String what,
                Object[] a,
                Object[] b,
                long[] hwm,
                String framesKey,
                String dropKey,
                Map<String, String> done) {
            ProcSample pa = (ProcSample) a[0];
            ProcSample pb = (ProcSample) b[0];
            Map<String, String> sa = asMap(a[1]);
            Map<String, String> sb = asMap(b[1]);
            double wall = (pb.nanos() - pa.nanos()) / 1e9;
            long frames = Long.parseLong(sb.get(framesKey)) - Long.parseLong(sa.get(framesKey));
            long dropped = Long.parseLong(sb.get(dropKey)) - Long.parseLong(sa.get(dropKey));
            long droppedTotal = Long.parseLong(done.getOrDefault(dropKey, sb.get(dropKey)));
            double cpu = (pb.processCpuTicks() - pa.processCpuTicks()) / (double) clkTck;
            double machine = (pb.machineCpuTicks() - pa.machineCpuTicks()) / (double) clkTck;
            return new Measured(
                    what,
                    wall,
                    frames,
                    dropped,
                    droppedTotal,
                    cpu,
                    Math.max(0, machine - cpu) / wall,
                    hwm[0],
                    String.format(
                            Locale.ROOT,
                            "RSS at end %.1f MiB = anon %.1f + file %.1f + shmem %.1f",
                            hwm[1] / 1024.0,
                            hwm[2] / 1024.0,
                            hwm[3] / 1024.0,
                            hwm[4] / 1024.0),
                    pb.processCpuTicks() * 1000.0 / clkTck / Math.max(1, Long.parseLong(sb.get(framesKey))),
                    threads(pa.threadTicks(), pb.threadTicks(), frames),
                    sb);
        }

        /** With --nmt 1: the JVM's own account of its native memory, next to the child's log. */
        private void nmt(long pid, Path log) {
            if (!"1".equals(opt.get("nmt"))) return;
            try {
                Path out = Path.of(log.toString().replace(".log", "-nmt.txt"));
                Process p = new ProcessBuilder(
                                Path.of(javaBin).resolveSibling("jcmd").toString(),
                                "" + pid,
                                "VM.native_memory",
                                "summary")
                        .redirectErrorStream(true)
                        .redirectOutput(out.toFile())
                        .start();
                p.waitFor(60, TimeUnit.SECONDS);
                // and what is resident, by mapping (the JVM heap is the largest anonymous one)
                Map<String, Long> rss = new LinkedHashMap<>();
                String name = "?";
                for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/smaps"))) {
                    String[] f = line.trim().split("\\s+");
                    if (f.length >= 5 && f[0].contains("-") && f[0].matches("[0-9a-f]+-[0-9a-f]+")) {
                        long size = (Long.parseUnsignedLong(f[0].split("-")[1], 16)
                                        - Long.parseUnsignedLong(f[0].split("-")[0], 16))
                                / 1024;
                        name = f.length >= 6 ? Path.of(f[5]).getFileName() + "" : "anon " + size + " KiB mapping";
                    } else if (f[0].equals("Rss:")) {
                        rss.merge(name, Long.parseLong(f[1]), Long::sum);
                    }
                }
                Path smaps = Path.of(log.toString().replace(".log", "-rss-by-mapping.txt"));
                Files.write(
                        smaps,
                        rss.entrySet().stream()
                                .filter(e -> e.getValue() >= 512)
                                .sorted(Map.Entry.<String, Long>comparingByValue()
                                        .reversed())
                                .map(e -> String.format(Locale.ROOT, "%8d KiB  %s", e.getValue(), e.getKey()))
                                .toList());
                say("   native memory summary: %s; resident by mapping: %s", out, smaps);
            } catch (IOException | InterruptedException e) {
                say("   jcmd VM.native_memory failed: %s", e);
            }
        }

        /** The busiest threads over the window, in CPU ms per frame. */
        private String threads(Map<String, Long> before, Map<String, Long> after, long frames) {
            Map<String, Long> delta = new LinkedHashMap<>();
            after.forEach((name, ticks) -> delta.put(name, ticks - before.getOrDefault(name, 0L)));
            return delta.entrySet().stream()
                    .filter(e -> e.getValue() > 0)
                    .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                    .limit(8)
                    .map(e -> String.format(
                            Locale.ROOT, "%s %.2f", e.getKey(), e.getValue() * 1000.0 / clkTck / Math.max(1, frames)))
                    .reduce((x, y) -> x + ", " + y)
                    .orElse("-");
        }

        private void sayMeasured(Measured m) {
            say(
                    "   %-9s %6.2f fps  %6.2f ms CPU/frame  %5.3f cores  peak RSS %6.1f MiB  %d frames in %.2f s  dropped %d (window) %d (whole run)  other load %.2f cores",
                    m.what(),
                    m.fps(),
                    m.cpuMsPerFrame(),
                    m.cores(),
                    m.rssMib(),
                    m.frames(),
                    m.wallSeconds(),
                    m.droppedInWindow(),
                    m.droppedTotal(),
                    m.otherCores());
            say(
                    "             %s; whole process so far, startup included: %.2f ms CPU/frame (%s frames)",
                    m.rssSplit(), m.wholeRunCpuMsPerFrame(), m.last().get("frames"));
            say("             CPU ms/frame by thread: %s", m.threads());
        }

        /** The ffmpeg CLI from the same natives, same source and settings, into a temp file deleted afterwards. */
        private Measured measureCli(Case c, String[] ffmpeg, int kbps, int seconds) throws Exception {
            Path out = Files.createTempFile(work, "cli-", ".mp4");
            try {
                return runCli(
                        "cli-" + c.w() + "x" + c.h() + "-" + c.encoder(),
                        cliCommand(c, ffmpeg, kbps, List.of(), out),
                        ffmpeg,
                        warmup,
                        seconds);
            } finally {
                Files.deleteIfExists(out);
            }
        }

        /**
         * The ffmpeg CLI doing the full path's job: the same picture with the device's overlay, the same tone encoded
         * the same way (audio settings as the full child reported them), fMP4 written to a file as the evidence writer
         * writes one. Same warm-up as the full path; the file is kept, like the recording, until the next run.
         */
        private Measured measureFullCli(Case c, String[] ffmpeg, int kbps, Map<String, String> audio, int seconds)
                throws Exception {
            List<String> extra = List.of(
                    "-re",
                    "-f",
                    "lavfi",
                    "-i",
                    "sine=frequency=1000:sample_rate=" + audio.get("audioRate"),
                    "-vf",
                    overlayFilter(c),
                    "-c:a",
                    "aac",
                    "-b:a",
                    audio.get("audioKbps") + "k",
                    "-ac",
                    audio.get("audioChannels"));
            Path out = Files.createTempFile(work, "cli-full-", ".mp4");
            Measured m = runCli(
                    "cli-full-1080p-x264",
                    cliCommand(c, ffmpeg, kbps, extra, out),
                    ffmpeg,
                    Math.max(warmup, 5),
                    seconds);
            say("   CLI output: %s, %.1f MB (kept until the next run)", out, Files.size(out) / 1e6);
            return m;
        }

        /** The CLI command of a case: testsrc2, the case's encoder and settings, fMP4 into out; extra adds inputs, filters, audio. */
        private static List<String> cliCommand(Case c, String[] ffmpeg, int kbps, List<String> extra, Path out) {
            List<String> cmd = new ArrayList<>(List.of(
                    ffmpeg[0],
                    "-hide_banner",
                    "-nostdin",
                    "-loglevel",
                    "error",
                    "-progress",
                    "pipe:1",
                    "-stats_period",
                    "0.1",
                    "-re",
                    "-f",
                    "lavfi",
                    "-i",
                    "testsrc2=size=" + c.w() + "x" + c.h() + ":rate=" + c.fps()));
            cmd.addAll(extra);
            cmd.addAll(List.of("-c:v", c.encoder().equals("x264") ? "libx264" : "libopenh264"));
            if (c.encoder().equals("x264")) cmd.addAll(List.of("-preset", "veryfast", "-tune", "zerolatency"));
            cmd.addAll(List.of(
                    "-b:v",
                    kbps + "k",
                    "-g",
                    "" + c.fps(),
                    "-bf",
                    "0",
                    "-pix_fmt",
                    "yuv420p",
                    "-f",
                    "mp4",
                    "-movflags",
                    "frag_keyframe+empty_moov+default_base_moof",
                    "-frag_duration",
                    "200000",
                    "-flush_packets",
                    "1",
                    "-y",
                    out.toString()));
            return cmd;
        }

        /**
         * The device overlay as a CLI filter: what OverlayFilter.describe builds (font, text, size, box, place) for the
         * ids the children use, with the DejaVu Sans Mono from the device jar. Kept in step with OverlayFilter by hand,
         * because that class is not public API.
         */
        private String overlayFilter(Case c) throws IOException {
            String ids = "  UNIT " + UNIT_ID + "  OFFICER " + OFFICER_ID;
            int margin = Math.max(4, c.h() / 45);
            int fitsWidth = (int) ((c.w() - 2 * margin) / (("2025-03-01T14:07:09Z".length() + ids.length()) * 0.62));
            int fontSize = Math.max(8, Math.min(Math.max(12, c.h() / 22), fitsWidth));
            // option-level escaping, then graph-level quoting, as OverlayFilter does for the path
            String font =
                    overlayFont().toString().replaceAll("[\\\\':]", "\\\\$0").replace("'", "'\\''");
            return "drawtext=fontfile='" + font + "'"
                    + ":text='%{gmtime\\:%Y-%m-%dT%H\\\\\\:%M\\\\\\:%SZ}" + ids + "'"
                    + ":fontsize=" + fontSize + ":fontcolor=white"
                    + ":box=1:boxcolor=black@0.75:boxborderw=" + Math.max(2, margin / 2)
                    + ":x=" + margin + ":y=" + margin;
        }

        /** The overlay font shipped in the device jar (drawtext opens fonts by path only), copied into the work folder. */
        private Path overlayFont() throws IOException {
            String entry = "org/openbwc/device/media/DejaVuSansMono.ttf";
            try (var jars = Files.newDirectoryStream(Path.of(opt.get("lib-gpl")), "openbwc-device-*.jar")) {
                for (Path jar : jars) {
                    try (var zip = new java.util.zip.ZipFile(jar.toFile())) {
                        var e = zip.getEntry(entry);
                        if (e == null) continue;
                        Path font = work.resolve("overlay-font.ttf");
                        try (var in = zip.getInputStream(e)) {
                            Files.copy(in, font, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                        }
                        return font;
                    }
                }
            }
            throw new IllegalStateException("no " + entry + " in the device jar in " + opt.get("lib-gpl"));
        }

        /**
         * Runs one ffmpeg CLI command and measures it: warm-up from the first progress block, then the window. Frames
         * come from its -progress output; /proc is sampled the moment a progress block arrives, so frames and CPU are
         * read at the same instant.
         */
        private Measured runCli(String name, List<String> cmd, String[] ffmpeg, int warmupSeconds, int seconds)
                throws Exception {
            waitQuiet();
            Path log = logs.resolve(name + ".log");
            Files.writeString(log, String.join(" ", cmd) + "\n");
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
            pb.environment().put("LD_LIBRARY_PATH", ffmpeg[1]);
            Process p = pb.start();
            long pid = p.pid();
            BlockingQueue<Object[]> progress = new LinkedBlockingQueue<>();
            Thread reader = new Thread(
                    () -> {
                        Map<String, String> block = new LinkedHashMap<>();
                        try (BufferedReader r = p.inputReader(StandardCharsets.UTF_8)) {
                            for (String line; (line = r.readLine()) != null; ) {
                                int eq = line.indexOf('=');
                                if (eq < 0) continue;
                                String k = line.substring(0, eq).trim();
                                block.put(k, line.substring(eq + 1).trim());
                                if (k.equals("progress")) {
                                    ProcSample s = p.isAlive() ? safeSample(pid) : null;
                                    if (s != null) progress.add(new Object[] {s, new LinkedHashMap<>(block)});
                                    block.clear();
                                }
                            }
                        } catch (IOException ignored) {
                            // ffmpeg is gone
                        }
                    },
                    "cli-progress");
            reader.setDaemon(true);
            reader.start();
            try {
                if (progress.poll(60, TimeUnit.SECONDS) == null)
                    throw new IllegalStateException("ffmpeg printed no progress; see " + log);
                Thread.sleep(warmupSeconds * 1000L);
                progress.clear();
                Object[] a = awaitProgress(progress, log);
                long end = ((ProcSample) a[0]).nanos() + TimeUnit.SECONDS.toNanos(seconds);
                Thread.sleep(Math.max(0, end - System.nanoTime()) / 1_000_000);
                progress.clear();
                Object[] b = awaitProgress(progress, log);
                long[] hwm = ProcSample.memory(pid);
                for (Object[] x : List.of(a, b)) {
                    Map<String, String> m = asMap(x[1]);
                    m.put("frames", m.getOrDefault("frame", "0"));
                    m.put("dropped", m.getOrDefault("drop_frames", "0"));
                }
                Measured m = window("ffmpeg", a, b, hwm, "frames", "dropped", Map.of());
                sayMeasured(m);
                return m;
            } finally {
                p.destroy(); // SIGTERM: ffmpeg finishes the file and exits
                if (!p.waitFor(20, TimeUnit.SECONDS)) p.destroyForcibly();
            }
        }

        static final String UNIT_LOG = "unit-1080p-x264.log";

        /** The unit process run: its window (null when it could not be measured) and what else is known about it. */
        private record UnitRun(Measured m, Map<String, String> info) {}

        /**
         * The real unit process: {@code UnitMain --config FILE} in its own JVM, started as ./bwc device starts it. After
         * the warm-up (at least the pre-event length, so that the buffer is full) the orchestrator sends record.start over
         * MQTT; the window runs from the unit's first status after the start to the first status one window later, and
         * /proc is sampled the moment each status arrives. Frames in the window: the recording's media time times the
         * frame rate, less the frames the unit dropped (the media time runs on across dropped frames), both read from
         * the status. Then record.stop, the sealed recording is awaited, the unit is stopped with SIGTERM, and the
         * recording is checked with EvidenceVerifier. Without a broker the unit runs and is measured without a recording.
         */
        private UnitRun measureUnit(int kbps, int preSeconds, int seconds) throws Exception {
            waitQuiet();
            int fps = 30;
            String unitId = opt.getOrDefault("unit-id", "bench-unit");
            Path config = Path.of(opt.get("unit-config"));
            Path data = Path.of(opt.get("unit-data"));
            String url = opt.get("mqtt-url");
            Map<String, String> info = new LinkedHashMap<>();
            UnitMqtt mqtt = null;
            try {
                mqtt = UnitMqtt.connect(url, unitId);
                info.put("broker", "ok");
            } catch (Exception e) {
                info.put("broker", "none");
                say(
                        "   NO MQTT BROKER at %s (%s): the unit is measured WITHOUT a recording (no record.start, no status;"
                                + " fps over the unit's whole run, from its log)",
                        url, e.getMessage() == null ? e.toString() : e.getMessage());
            }
            Path log = logs.resolve(UNIT_LOG);
            List<String> cmd = unitCommand(config);
            Files.writeString(log, unitEnv() + " " + String.join(" ", cmd) + "\n");
            ProcessBuilder pb =
                    new ProcessBuilder(cmd).redirectErrorStream(true).directory(work.toFile());
            pb.environment().putAll(unitEnv());
            Process p = pb.start();
            long pid = p.pid();
            if (mqtt != null) mqtt.pid = pid;
            // the unit's output goes to its log; the lines that matter are also handed over, with their arrival time
            BlockingQueue<String> marks = new LinkedBlockingQueue<>();
            Thread reader = new Thread(
                    () -> {
                        try (BufferedReader r = p.inputReader(StandardCharsets.UTF_8);
                                Writer l = Files.newBufferedWriter(
                                        log, StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND)) {
                            for (String line; (line = r.readLine()) != null; ) {
                                l.write(line + "\n");
                                l.flush();
                                if (line.contains("media pipeline started")
                                        || line.contains("media pipeline stopped:")
                                        || line.contains("camera failed to start")
                                        || line.contains("dropping pictures")) {
                                    marks.add(line);
                                }
                            }
                        } catch (IOException ignored) {
                            // the unit is gone
                        }
                        marks.add("EOF");
                    },
                    "unit-reader");
            reader.setDaemon(true);
            reader.start();
            try {
                String started = awaitMark(marks, "media pipeline started", 90, log);
                long t0 = System.nanoTime();
                say("   %s", started.replaceFirst("^\\S+\\s+\\S+\\s+", ""));
                if (mqtt != null && mqtt.awaitStatus(s -> "true".equals(json(s.payload(), "online")), 30) == null) {
                    say(
                            "   (no status from the unit within 30 s of its start: is it connected to %s? see %s)",
                            url, log);
                }
                int warm = Math.max(warmup, preSeconds + 2);
                sleepUntil(t0 + TimeUnit.SECONDS.toNanos(warm));

                Object[] a;
                Object[] b;
                String recordingId = null;
                List<String> dropEvents = new ArrayList<>();
                if (mqtt != null) {
                    String reply = mqtt.command("record.start", 15);
                    info.put("startReply", replySummary(reply));
                    say("   record.start after %d s (pre-event buffer full): %s", warm, replySummary(reply));
                    // the window starts at the first status that carries the recording's media time, a second or more
                    // after the start
                    long notBefore = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
                    mqtt.statuses.clear();
                    UnitMqtt.Message first = mqtt.awaitStatus(
                            s -> s.proc() != null
                                    && s.nanos() >= notBefore
                                    && isNumber(json(s.payload(), "recordingMillis")),
                            40);
                    if (first == null) {
                        say(
                                "   no status with the recording's media time within 40 s: measuring CPU and memory only (see %s)",
                                log);
                    } else {
                        recordingId = json(first.payload(), "recordingId");
                        a = statusSample(first, fps);
                        long end = first.nanos() + TimeUnit.SECONDS.toNanos(seconds);
                        long progressEvery = Math.max(60, seconds / 10);
                        long nextProgress = progressEvery;
                        long lastDropped = Long.parseLong(asMap(a[1]).get("dropped"));
                        UnitMqtt.Message last = null;
                        while (last == null) {
                            // statuses come every statusIntervalSeconds: the first one within a second of the window's
                            // end closes it
                            UnitMqtt.Message s = mqtt.awaitStatus(
                                    x -> x.proc() != null && isNumber(json(x.payload(), "recordingMillis")),
                                    (int) Math.max(1, (end - System.nanoTime()) / 1_000_000_000L + 30));
                            if (s == null)
                                throw new IllegalStateException("the unit stopped sending status messages; see " + log);
                            long t = (s.nanos() - first.nanos()) / 1_000_000_000L;
                            long d = Long.parseLong(json(s.payload(), "droppedFrames"));
                            if (d > lastDropped) dropEvents.add("+" + (d - lastDropped) + " by second " + t);
                            lastDropped = d;
                            if (s.nanos() >= end - TimeUnit.SECONDS.toNanos(1)) {
                                last = s;
                            } else if (t >= nextProgress) {
                                nextProgress += progressEvery;
                                say(
                                        "   ... %4d s: recordingMillis=%s droppedFrames=%s VmRSS=%d KiB VmHWM=%d KiB",
                                        t,
                                        json(s.payload(), "recordingMillis"),
                                        d,
                                        ProcSample.statusField(pid, "VmRSS:"),
                                        ProcSample.peakRssKib(pid));
                            }
                        }
                        b = statusSample(last, fps);
                        info.put("window", "status");
                        return finishUnit(p, pid, mqtt, log, marks, data, recordingId, a, b, dropEvents, fps, t0, info);
                    }
                }
                // no broker, or no status with the media time: CPU and memory over the window, frames from the log at
                // the end
                a = new Object[] {ProcSample.of(pid), new LinkedHashMap<>(Map.of("frames", "0", "dropped", "0"))};
                sleepUntil(((ProcSample) a[0]).nanos() + TimeUnit.SECONDS.toNanos(seconds));
                b = new Object[] {ProcSample.of(pid), new LinkedHashMap<>(Map.of("frames", "0", "dropped", "0"))};
                info.put("window", "log");
                return finishUnit(p, pid, mqtt, log, marks, data, recordingId, a, b, dropEvents, fps, t0, info);
            } finally {
                if (p.isAlive()) {
                    p.toHandle().destroy();
                    if (!p.waitFor(30, TimeUnit.SECONDS)) p.destroyForcibly();
                }
                if (mqtt != null) {
                    mqtt.clearRetained();
                    mqtt.close();
                }
            }
        }

        /**
         * The end of the unit run: memory at the end of the window, record.stop, the sealed recording awaited, SIGTERM,
         * the pipeline's own final counters from the log, the recording verified.
         */
        private UnitRun finishUnit(
                Process p,
                long pid,
                UnitMqtt mqtt,
                Path log,
                BlockingQueue<String> marks,
                Path data,
                String recordingId,
                Object[] a,
                Object[] b,
                List<String> dropEvents,
                int fps,
                long t0,
                Map<String, String> info)
                throws Exception {
            long[] atWindowEnd = ProcSample.memory(pid);
            nmt(pid, log);
            Path recording = null;
            if (mqtt != null && info.containsKey("startReply")) {
                String reply = mqtt.command("record.stop", 15);
                info.put("stopReply", replySummary(reply));
                say("   record.stop: %s", replySummary(reply));
                // the manifest is written when the recording is sealed (after the post-event time, if any)
                Path evidence = data.resolve("evidence");
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while (recording == null && System.nanoTime() < deadline) {
                    recording = sealedRecording(evidence, recordingId);
                    if (recording == null) Thread.sleep(100);
                }
                if (recording != null) {
                    // the unit checks its own recording right after sealing (hashing it all again: more than 5 s for
                    // the ten-minute run's 200 MB) and says so in an event
                    UnitMqtt.Message sealedEvent =
                            UnitMqtt.await(mqtt.events, e -> "recording.sealed".equals(json(e.payload(), "type")), 30);
                    if (sealedEvent != null) info.put("selfCheck", json(sealedEvent.payload(), "verified"));
                } else {
                    say(
                            "   no manifest.json under %s within 20 s of record.stop",
                            recordingId == null ? evidence : evidence.resolve(recordingId));
                }
            }
            long[] beforeStop = ProcSample.memory(pid);
            long cpuBeforeStop = ProcSample.processTicks(pid);
            long stopAt = System.nanoTime();
            // SIGTERM, as systemd stops a unit: its shutdown hook closes it cleanly. Through the ProcessHandle, because
            // Process.destroy() also closes our end of the unit's output at once, losing what it logs while it stops.
            p.toHandle().destroy();
            boolean exited = p.waitFor(30, TimeUnit.SECONDS);
            if (!exited) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
            Map<String, String> stopped = new LinkedHashMap<>();
            String line = pollMark(marks, "media pipeline stopped:", 10);
            if (line != null) {
                var m = java.util.regex.Pattern.compile("(\\w+)=([0-9.]+)")
                        .matcher(line.substring(line.indexOf("PipelineStats[")));
                while (m.find()) stopped.put(m.group(1), m.group(2));
            }
            say(
                    "   unit stopped with SIGTERM: %s; %s",
                    exited ? "exit " + p.exitValue() : "did not exit within 30 s, killed",
                    stopped.isEmpty()
                            ? "no 'media pipeline stopped' line in its log"
                            : "final pipeline stats " + stopped);

            ProcSample pa = (ProcSample) a[0];
            ProcSample pb = (ProcSample) b[0];
            double wall = (pb.nanos() - pa.nanos()) / 1e9;
            long framesEncoded = Long.parseLong(stopped.getOrDefault("framesEncoded", "0"));
            Map<String, String> sa = asMap(a[1]);
            Map<String, String> sb = asMap(b[1]);
            if (!"status".equals(info.get("window"))) {
                if (framesEncoded == 0) info.put("fpsUnknown", "1");
                // no status: the frame rate of the whole run (from the pipeline start to SIGTERM), from the log
                double wholeFps = framesEncoded / Math.max(1e-9, (stopAt - t0) / 1e9);
                sb.put("frames", Long.toString(Math.round(wholeFps * wall)));
                sb.put("dropped", "0");
            }
            Map<String, String> done = new LinkedHashMap<>();
            if (stopped.containsKey("framesDropped")) done.put("dropped", stopped.get("framesDropped"));
            Measured w = window("unit", a, b, atWindowEnd, "frames", "dropped", done);
            Map<String, String> last = new LinkedHashMap<>(sb);
            last.put("frames", stopped.getOrDefault("framesEncoded", "?"));
            // peak: VmHWM just before SIGTERM, so that it covers startup, the recording, its sealing and self-check
            Measured m = new Measured(
                    "unit",
                    w.wallSeconds(),
                    w.frames(),
                    w.droppedInWindow(),
                    w.droppedTotal(),
                    w.cpuSeconds(),
                    w.otherCores(),
                    Math.max(atWindowEnd[0], beforeStop[0]),
                    w.rssSplit(),
                    framesEncoded == 0 ? Double.NaN : cpuBeforeStop * 1000.0 / clkTck / framesEncoded,
                    w.threads(),
                    last);
            sayMeasured(m);
            say(
                    "             frames in the window: %s; RSS before SIGTERM %.1f MiB (VmHWM %.1f MiB) = anon %.1f + file %.1f + shmem %.1f",
                    "status".equals(info.get("window"))
                            ? "the recording's media time x " + fps
                                    + " fps - dropped frames, from the unit's status (to about one 200 ms fragment)"
                            : "NO STATUS: the whole run's frame rate (log) x the window",
                    beforeStop[1] / 1024.0,
                    beforeStop[0] / 1024.0,
                    beforeStop[2] / 1024.0,
                    beforeStop[3] / 1024.0,
                    beforeStop[4] / 1024.0);
            if ("status".equals(info.get("window"))) {
                say(
                        "   dropped before the window: %s; in the window (seconds after its start, per status): %s",
                        sa.get("dropped"), dropEvents.isEmpty() ? "none" : String.join(", ", dropEvents));
            }
            info.put("rssEndKib", Long.toString(beforeStop[1]));
            info.put("rssWindowEndKib", Long.toString(atWindowEnd[1]));
            if (recording != null) {
                Map<String, String> v = verifyRecording(recording, data.resolve("keys"));
                info.putAll(v);
                say(
                        "   recording %s: %s s of media (%s s pre-event), %s fragments, %s dropped fragments, %s segment(s), %.1f MB, verified=%s (%s); the unit's own check: verified=%s",
                        recording,
                        seconds(v.get("durationMs")),
                        seconds(v.get("preEventMs")),
                        v.get("fragments"),
                        v.get("droppedFragments"),
                        v.get("segments"),
                        Long.parseLong(v.getOrDefault("bytes", "0")) / 1e6,
                        v.get("verified"),
                        String.valueOf(v.get("verifyMessage")).replace('_', ' '),
                        info.getOrDefault("selfCheck", "?"));
            }
            return new UnitRun(m, info);
        }

        /** The folder of the sealed recording (its manifest.json is there), or null; any recording when the id is unknown. */
        private static Path sealedRecording(Path evidence, String recordingId) throws IOException {
            if (recordingId != null) {
                Path dir = evidence.resolve(recordingId);
                return Files.exists(dir.resolve("manifest.json")) ? dir : null;
            }
            if (!Files.isDirectory(evidence)) return null;
            try (var dirs = Files.list(evidence)) {
                return dirs.filter(d -> Files.exists(d.resolve("manifest.json")))
                        .findFirst()
                        .orElse(null);
            }
        }

        /** EvidenceVerifier on the unit's recording, in a JVM of its own (the orchestrator has no device classes). */
        private Map<String, String> verifyRecording(Path recording, Path keys) throws Exception {
            Path log = logs.resolve("unit-verify.log");
            List<String> cmd =
                    new ArrayList<>(List.of(javaBin, "-XX:+UseSerialGC", "--enable-native-access=ALL-UNNAMED"));
            if (opt.containsKey("tinylog")) cmd.add("-Dtinylog.configuration=" + opt.get("tinylog"));
            cmd.addAll(List.of(
                    "-cp",
                    classes + ":" + opt.get("lib-gpl") + "/*",
                    EncodeBench.class.getName(),
                    "verify",
                    recording.toString(),
                    keys.toString()));
            Process p = new ProcessBuilder(cmd).redirectError(log.toFile()).start();
            Map<String, String> result = new LinkedHashMap<>();
            try (BufferedReader r = p.inputReader(StandardCharsets.UTF_8)) {
                for (String line; (line = r.readLine()) != null; ) {
                    if (line.startsWith("@@ VERIFIED ")) result.putAll(parse(line.substring(3)));
                }
            }
            if (!p.waitFor(120, TimeUnit.SECONDS) || result.isEmpty()) {
                p.destroyForcibly();
                result.put("verified", "?");
                result.put("verifyMessage", "the verifier did not answer; see " + log);
            }
            return result;
        }

        private static String seconds(String millis) {
            return millis == null || !millis.matches("-?\\d+")
                    ? "?"
                    : String.format(Locale.ROOT, "%.1f", Long.parseLong(millis) / 1000.0);
        }

        private static boolean isNumber(String s) {
            return s != null && s.matches("\\d+");
        }

        private static String replySummary(String reply) {
            if (reply == null) return "no reply within 15 s";
            return "ok=" + json(reply, "ok") + ", reason \"" + json(reply, "reason") + "\", state "
                    + json(reply, "state");
        }

        /** A status as a window sample: frames = media time x fps - dropped frames (media time runs on over a drop). */
        private static Object[] statusSample(UnitMqtt.Message s, int fps) {
            long mediaMs = Long.parseLong(json(s.payload(), "recordingMillis"));
            String droppedText = json(s.payload(), "droppedFrames");
            long dropped = isNumber(droppedText) ? Long.parseLong(droppedText) : 0;
            Map<String, String> m = new LinkedHashMap<>();
            m.put("frames", Long.toString(Math.round(mediaMs * fps / 1000.0) - dropped));
            m.put("dropped", Long.toString(dropped));
            m.put("recordingMillis", Long.toString(mediaMs));
            return new Object[] {s.proc(), m};
        }

        private static void sleepUntil(long nanos) throws InterruptedException {
            long left = nanos - System.nanoTime();
            if (left > 0) Thread.sleep(left / 1_000_000, (int) (left % 1_000_000));
        }

        private static String awaitMark(BlockingQueue<String> marks, String what, int timeoutSeconds, Path log)
                throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
            for (long left; (left = deadline - System.nanoTime()) > 0; ) {
                String line = marks.poll(left, TimeUnit.NANOSECONDS);
                if (line == null) break;
                if (line.equals("EOF"))
                    throw new IllegalStateException("the unit exited before '" + what + "'; see " + log);
                if (line.contains("camera failed to start"))
                    throw new IllegalStateException("the unit's " + line.trim() + "; see " + log);
                if (line.contains(what)) return line;
            }
            throw new IllegalStateException(
                    "no '" + what + "' from the unit within " + timeoutSeconds + " s; see " + log);
        }

        private static String pollMark(BlockingQueue<String> marks, String what, int timeoutSeconds)
                throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
            for (long left; (left = deadline - System.nanoTime()) > 0; ) {
                String line = marks.poll(left, TimeUnit.NANOSECONDS);
                if (line == null || line.equals("EOF")) return null;
                if (line.contains(what)) return line;
            }
            return null;
        }

        static ProcSample safeSample(long pid) {
            try {
                return ProcSample.of(pid);
            } catch (RuntimeException e) {
                return null;
            }
        }

        private static Object[] awaitProgress(BlockingQueue<Object[]> progress, Path log) throws InterruptedException {
            Object[] x = progress.poll(10, TimeUnit.SECONDS);
            if (x == null) throw new IllegalStateException("ffmpeg stopped reporting progress; see " + log);
            return x;
        }

        private static Map<String, String> parse(String line) {
            Map<String, String> m = new LinkedHashMap<>();
            for (String token : line.split(" ")) {
                int eq = token.indexOf('=');
                if (eq > 0) m.put(token.substring(0, eq), token.substring(eq + 1));
            }
            return m;
        }

        // ------------------------------------------------------------------ report

        /** Other work above this many cores during a window makes the comparison unreliable on a 2-core machine. */
        private static final double NOISY_CORES = 0.5;

        private static boolean noisy(Measured... ms) {
            for (Measured m : ms) if (m.otherCores() > NOISY_CORES) return true;
            return false;
        }

        /** A -progress value (µs, bytes) in millions (s, MB); ffmpeg prints N/A until it knows. */
        private static String millions(String value) {
            return value == null || !value.matches("\\d+")
                    ? "?"
                    : String.format(Locale.ROOT, "%.1f", Long.parseLong(value) / 1e6);
        }

        /**
         * The unit process's row of the full-path table, under the same targets as the full path: it is what a unit
         * runs, so the device RSS target applies to this row; the full-path child is its proxy.
         */
        private void unitRow(UnitRun unit, Measured fullCli, double rssTarget, List<String> missed) {
            String name = "unit process (./bwc device, 1080p30 x264, mock HAL, MQTT)";
            Measured u = unit.m();
            Map<String, String> i = unit.info();
            if (u == null) {
                say("| %s | - | - | - | - | - | - | not measured: %s | - | - |", name, i.getOrDefault("failure", "?"));
                missed.add("unit process: not measured (" + i.getOrDefault("failure", "?") + ")");
                return;
            }
            boolean byStatus = "status".equals(i.get("window"));
            boolean fpsKnown = !i.containsKey("fpsUnknown");
            boolean realtime = !fpsKnown || u.fps() >= 0.99 * 30;
            boolean cores = u.cores() <= 0.5;
            long dropped = u.droppedTotal()
                    + (isNumber(i.get("droppedFragments")) ? Long.parseLong(i.get("droppedFragments")) : 0);
            boolean noDrops = dropped == 0;
            boolean rss = u.rssMib() <= rssTarget;
            String recording = i.containsKey("durationMs")
                    ? String.format(
                            Locale.ROOT,
                            "%s s (%s s pre-event), %s fragments, %s segment(s), %.1f MB, verified=%s",
                            seconds(i.get("durationMs")),
                            seconds(i.get("preEventMs")),
                            i.get("fragments"),
                            i.get("segments"),
                            Long.parseLong(i.getOrDefault("bytes", "0")) / 1e6,
                            i.get("verified"))
                    : "none".equals(i.get("broker")) ? "none: NO MQTT BROKER" : "none (see the unit's log)";
            String ratios = fullCli == null
                    ? "-"
                    : String.format(
                            Locale.ROOT,
                            "cores ratio %.2f, RSS ratio %.2f%s",
                            u.cpuMsPerFrame() / fullCli.cpuMsPerFrame(),
                            u.rssMib() / fullCli.rssMib(),
                            noisy(u, fullCli) ? " NOISY" : "");
            String fpsCell = !fpsKnown
                    ? "? (no status, no final stats in the log)"
                    : String.format(
                            Locale.ROOT,
                            "%.2f %s%s",
                            u.fps(),
                            pf(realtime),
                            byStatus ? "" : " (whole run, from the log)");
            String cpuCell = fpsKnown ? String.format(Locale.ROOT, "%.2f", u.cpuMsPerFrame()) : "?";
            if (!fpsKnown)
                ratios = String.format(
                        Locale.ROOT, "RSS ratio %.2f", fullCli == null ? Double.NaN : u.rssMib() / fullCli.rssMib());
            say(
                    "| %s | %s | %.4f %s | %s | %d %s | %s | %.1f %s | %s | %.2f%s | %s |",
                    name,
                    fpsCell,
                    u.cores(),
                    pf(cores),
                    cpuCell,
                    u.droppedTotal(),
                    pf(noDrops),
                    i.getOrDefault("droppedFragments", "-"),
                    u.rssMib(),
                    pf(rss),
                    recording,
                    u.otherCores(),
                    noisy(u) ? " NOISY" : "",
                    ratios);
            String note = noisy(u)
                    ? String.format(Locale.ROOT, " [measured while other work used %.2f cores]", u.otherCores())
                    : "";
            if (!realtime)
                missed.add(String.format(
                        Locale.ROOT, "unit process: %.2f fps, not real time (target >= 29.7)%s", u.fps(), note));
            if (!cores)
                missed.add(String.format(Locale.ROOT, "unit process: %.4f cores (target <= 0.5)%s", u.cores(), note));
            if (!noDrops) missed.add("unit process: " + dropped + " frames/fragments dropped (target 0)" + note);
            if (!rss)
                missed.add(String.format(
                        Locale.ROOT, "unit process: peak RSS %.1f MiB (target <= %.0f)", u.rssMib(), rssTarget));
            say("");
            say(
                    "(unit process: the RSS target applies to this row, the full path above is its proxy without MQTT, config, HAL and telemetry;"
                            + " peak RSS = VmHWM just before SIGTERM, startup, recording and sealing included; RSS at the window's end %.1f MiB, before SIGTERM %.1f MiB;"
                            + " %s)",
                    Long.parseLong(i.getOrDefault("rssWindowEndKib", "0")) / 1024.0,
                    Long.parseLong(i.getOrDefault("rssEndKib", "0")) / 1024.0,
                    byStatus
                            ? "fps from the unit's MQTT status: recording media time x 30 - dropped frames, to about one 200 ms fragment over the window"
                            : "NO RECORDING: "
                                    + ("none".equals(i.get("broker"))
                                            ? "no MQTT broker was reachable"
                                            : "the unit sent no status with a recording")
                                    + ", fps is the whole run's from the unit's log");
        }

        private static String pf(boolean ok) {
            return ok ? "PASS" : "FAIL";
        }

        private void printTables(
                List<Row> rows,
                Measured full,
                Map<String, String> sealed,
                Measured fullCli,
                UnitRun unit,
                int kbps,
                int preSeconds) {
            double fpsTarget = 0.95;
            double cpuTarget = 1.05;
            double rssTarget = 160;
            List<String> missed = new ArrayList<>();
            if (!rows.isEmpty()) {
                say("");
                say(
                        "## pipeline vs ffmpeg CLI (same natives, same source and settings, overlay off, audio off; RSS = VmHWM, MiB)");
                say("");
                say(
                        "| case | pipeline fps | CLI fps | fps ratio (>= %.2f) | pipeline CPU ms/frame | CLI CPU ms/frame | CPU ratio (<= %.2f) | pipeline RSS MiB (<= %.0f) | CLI RSS MiB | other load (cores) |",
                        fpsTarget, cpuTarget, rssTarget);
                say("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
                for (Row r : rows) {
                    double fr = r.pipeline().fps() / r.cli().fps();
                    double cr = r.pipeline().cpuMsPerFrame() / r.cli().cpuMsPerFrame();
                    double rss = r.pipeline().rssMib();
                    say(
                            "| %s | %.2f | %.2f | %.3f %s | %.2f | %.2f | %.3f %s | %.1f %s | %.1f | %.2f / %.2f%s |",
                            r.c().name(),
                            r.pipeline().fps(),
                            r.cli().fps(),
                            fr,
                            pf(fr >= fpsTarget),
                            r.pipeline().cpuMsPerFrame(),
                            r.cli().cpuMsPerFrame(),
                            cr,
                            pf(cr <= cpuTarget),
                            rss,
                            pf(rss <= rssTarget),
                            r.cli().rssMib(),
                            r.pipeline().otherCores(),
                            r.cli().otherCores(),
                            noisy(r.pipeline(), r.cli()) ? " NOISY" : "");
                    String note = noisy(r.pipeline(), r.cli())
                            ? String.format(
                                    Locale.ROOT,
                                    " [measured while other work used %.2f / %.2f cores]",
                                    r.pipeline().otherCores(),
                                    r.cli().otherCores())
                            : "";
                    if (fr < fpsTarget)
                        missed.add(String.format(
                                Locale.ROOT,
                                "%s: pipeline fps %.3f x the CLI (target >= %.2f)%s",
                                r.c().name(),
                                fr,
                                fpsTarget,
                                note));
                    if (cr > cpuTarget)
                        missed.add(String.format(
                                Locale.ROOT,
                                "%s: pipeline CPU per frame %.3f x the CLI (target <= %.2f)%s",
                                r.c().name(),
                                cr,
                                cpuTarget,
                                note));
                    if (rss > rssTarget)
                        missed.add(String.format(
                                Locale.ROOT,
                                "%s: pipeline peak RSS %.1f MiB (target <= %.0f)",
                                r.c().name(),
                                rss,
                                rssTarget));
                }
                say("");
                say(
                        "(other load: CPU used on the machine by everything else during the pipeline / CLI window; the machine has %s cores;"
                                + " NOISY = more than %.2f cores of other work in either window: that comparison is not trustworthy, run it again)",
                        Runtime.getRuntime().availableProcessors(), NOISY_CORES);
            }
            if (full != null) {
                boolean realtime = full.fps() >= 0.99 * 30;
                boolean cores = full.cores() <= 0.5;
                long dropped = full.droppedTotal() + Long.parseLong(sealed.getOrDefault("droppedFragments", "0"));
                boolean noDrops = dropped == 0;
                boolean rss = full.rssMib() <= rssTarget;
                say("");
                say(
                        "## full device path: 1080p30 x264 veryfast, %d kb/s, overlay on, audio on, pre-event buffer %d s, evidence writer (window %.0f s)",
                        kbps, preSeconds, full.wallSeconds());
                say("");
                say(
                        "| case | fps (>= 29.7) | cores (<= 0.50) | CPU ms/frame | dropped frames (= 0) | writer dropped fragments | peak RSS MiB (<= %.0f) | recording | other load (cores) | pipeline / CLI (information) |",
                        rssTarget);
                say("|---|---:|---:|---:|---:|---:|---:|---|---:|---|");
                // the ratios are information, not a target: the absolute targets above are what PASS/FAIL means
                String ratios = fullCli == null
                        ? "-"
                        : String.format(
                                Locale.ROOT,
                                "cores ratio %.2f, RSS ratio %.2f%s",
                                full.cpuMsPerFrame() / fullCli.cpuMsPerFrame(),
                                full.rssMib() / fullCli.rssMib(),
                                noisy(full, fullCli) ? " NOISY" : "");
                say(
                        "| 1080p30 x264 full path | %.2f %s | %.4f %s | %.2f | %d %s | %s | %.1f %s | %s s, %s segment(s), %s MB, verified=%s | %.2f%s | %s |",
                        full.fps(),
                        pf(realtime),
                        full.cores(),
                        pf(cores),
                        full.cpuMsPerFrame(),
                        full.droppedTotal(),
                        pf(noDrops),
                        sealed.getOrDefault("droppedFragments", "?"),
                        full.rssMib(),
                        pf(rss),
                        sealed.containsKey("durationMs")
                                ? String.format(Locale.ROOT, "%.1f", Long.parseLong(sealed.get("durationMs")) / 1000.0)
                                : "?",
                        sealed.getOrDefault("segments", "?"),
                        sealed.containsKey("bytes")
                                ? String.format(Locale.ROOT, "%.1f", Long.parseLong(sealed.get("bytes")) / 1e6)
                                : "?",
                        sealed.getOrDefault("verified", "?"),
                        full.otherCores(),
                        noisy(full) ? " NOISY" : "",
                        ratios);
                if (fullCli != null) {
                    Map<String, String> end = fullCli.last();
                    say(
                            "| ffmpeg CLI, same job | %.2f | %.4f | %.2f | %d | - | %.1f | %s s, %s MB written (fMP4 file, window end) | %.2f%s | reference |",
                            fullCli.fps(),
                            fullCli.cores(),
                            fullCli.cpuMsPerFrame(),
                            fullCli.droppedTotal(),
                            fullCli.rssMib(),
                            millions(end.get("out_time_us")),
                            millions(end.get("total_size")),
                            fullCli.otherCores(),
                            noisy(fullCli) ? " NOISY" : "");
                }
                String note = noisy(full)
                        ? String.format(Locale.ROOT, " [measured while other work used %.2f cores]", full.otherCores())
                        : "";
                if (!realtime)
                    missed.add(String.format(
                            Locale.ROOT, "full path: %.2f fps, not real time (target >= 29.7)%s", full.fps(), note));
                if (!cores)
                    missed.add(
                            String.format(Locale.ROOT, "full path: %.4f cores (target <= 0.5)%s", full.cores(), note));
                if (!noDrops) missed.add("full path: " + dropped + " frames/fragments dropped (target 0)" + note);
                if (!rss)
                    missed.add(String.format(
                            Locale.ROOT, "full path: peak RSS %.1f MiB (target <= %.0f)", full.rssMib(), rssTarget));
                if (unit != null) unitRow(unit, fullCli, rssTarget, missed);
            }
            say("");
            if (missed.isEmpty()) {
                say("ALL TARGETS MET");
            } else {
                say("TARGETS MISSED (%d):", missed.size());
                for (String m : missed) say("  - %s", m);
            }
        }
    }
}
