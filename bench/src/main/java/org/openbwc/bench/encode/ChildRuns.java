package org.openbwc.bench.encode;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.openbwc.bench.encode.Orchestrator.Case;

/** The measured device JVMs ({@link Children}): the pipeline alone, and the full path with a recording. */
final class ChildRuns {
    private final Orchestrator bench;

    ChildRuns(Orchestrator bench) {
        this.bench = bench;
    }

    /** A child JVM speaking the @@ protocol; non-protocol output goes to its log. */
    final class JvmChild implements AutoCloseable {
        final Process process;
        final BlockingQueue<String> replies = new LinkedBlockingQueue<>();
        final PrintWriter stdin;
        final Path log;

        JvmChild(String name, List<String> cmd) throws IOException {
            this.log = bench.logs.resolve(name + ".log");
            Files.writeString(log, bench.unitEnv() + " " + String.join(" ", cmd) + "\n");
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
            pb.environment().putAll(bench.unitEnv());
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
            return new Object[] {proc, Orchestrator.parse(line)};
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

    Measured measurePipeline(Case c, String flavor, int kbps, int seconds) throws Exception {
        bench.waitQuiet();
        String name = "pipeline-" + c.w() + "x" + c.h() + "-" + c.encoder();
        try (JvmChild child = new JvmChild(
                name, bench.jvm(flavor, "pipeline", "" + c.w(), "" + c.h(), "" + c.fps(), c.encoder(), "" + kbps))) {
            child.await("READY", 60);
            Thread.sleep(bench.warmup * 1000L);
            Object[] a = child.sample();
            Thread.sleep(seconds * 1000L);
            Object[] b = child.sample();
            long[] hwm = ProcSample.memory(child.process.pid());
            bench.nmt(child.process.pid(), child.log);
            child.stdin.println("q");
            Map<String, String> done = Orchestrator.parse(child.await("DONE", 30));
            Measured m = bench.window("pipeline", a, b, hwm, "frames", "dropped", done);
            bench.sayMeasured(m);
            if (!"none".equals(done.get("failure"))) bench.say("   pipeline failure: %s", done.get("failure"));
            return m;
        }
    }

    Object[] measureFull(Case c, int kbps, int preSeconds, int seconds) throws Exception {
        return measureFull(c, kbps, preSeconds, seconds, "off", "full-1080p-x264");
    }

    /** {@code encryption}: "on" encrypts the recording to an agency key, "off" writes it in plaintext. */
    Object[] measureFull(Case c, int kbps, int preSeconds, int seconds, String encryption, String name)
            throws Exception {
        bench.waitQuiet();
        Path dir = Files.createTempDirectory(bench.work, "evidence-");
        try (JvmChild child = new JvmChild(
                name,
                bench.jvm(
                        "gpl",
                        "full",
                        "" + c.w(),
                        "" + c.h(),
                        "" + c.fps(),
                        c.encoder(),
                        "" + kbps,
                        "" + preSeconds,
                        dir.toString(),
                        encryption))) {
            Map<String, String> ready = Orchestrator.parse(child.await("READY", 60));
            // let the pre-event buffer fill a little, as a unit that has been on for a while before the record
            // press
            int before = Math.max(bench.warmup, 5);
            Thread.sleep(before * 1000L);
            child.stdin.println("open");
            Map<String, String> opened = Orchestrator.parse(child.await("OPENED", 30));
            bench.say(
                    "   recording opened after %d s with %s ms of pre-event media (%s bytes) in %s",
                    before, opened.get("preEventMs"), opened.get("bufferBytes"), dir);
            Object[] a = child.sample();
            long progressEvery = Math.max(60, seconds / 10);
            long start = System.nanoTime();
            // stats every second, to tell when pictures were dropped (relative to the open)
            long lastDropped = Long.parseLong(Orchestrator.asMap(a[1]).get("dropped"));
            List<String> dropEvents = new ArrayList<>();
            long nextProgress = progressEvery;
            for (long t = 1; t < seconds; t++) {
                Thread.sleep(Math.max(0, start + TimeUnit.SECONDS.toNanos(t) - System.nanoTime()) / 1_000_000);
                Map<String, String> m = Orchestrator.asMap(child.sample()[1]);
                long d = Long.parseLong(m.get("dropped"));
                if (d > lastDropped) dropEvents.add("+" + (d - lastDropped) + " in second " + t);
                lastDropped = d;
                if (t == nextProgress) {
                    nextProgress += progressEvery;
                    bench.say(
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
            bench.nmt(child.process.pid(), child.log);
            child.stdin.println("q");
            Map<String, String> sealed = Orchestrator.parse(child.await("SEALED", 120));
            Map<String, String> done = Orchestrator.parse(child.await("DONE", 60));
            Measured m = bench.window("full path", a, b, hwm, "frames", "dropped", done);
            long finalDropped = Long.parseLong(Orchestrator.asMap(b[1]).get("dropped"));
            if (finalDropped > lastDropped)
                dropEvents.add("+" + (finalDropped - lastDropped) + " in second " + seconds);
            bench.sayMeasured(m);
            bench.say(
                    "   dropped before the recording opened: %s; in the window (seconds after the open): %s",
                    Orchestrator.asMap(a[1]).get("dropped"),
                    dropEvents.isEmpty() ? "none" : String.join(", ", dropEvents));
            Map<String, String> last = Orchestrator.asMap(b[1]);
            bench.say(
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
            bench.say("   sealed: %s", sealed);
            if (!"none".equals(done.get("failure"))) bench.say("   pipeline failure: %s", done.get("failure"));
            Map<String, String> info = new LinkedHashMap<>(sealed);
            info.putAll(ready);
            info.put("audioDropped", done.get("audioDropped"));
            info.put("writerOverflows", last.get("writerOverflows"));
            return new Object[] {m, info};
        }
    }
}
