package org.openbwc.bench.encode;

import static org.openbwc.bench.encode.EncodeBench.OFFICER_ID;
import static org.openbwc.bench.encode.EncodeBench.UNIT_ID;

import java.io.BufferedReader;
import java.io.IOException;
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

/** The ffmpeg CLI from the same natives, measured like the children: the reference each pipeline run is compared with. */
final class CliRuns {
    private final Orchestrator bench;

    CliRuns(Orchestrator bench) {
        this.bench = bench;
    }

    /** The ffmpeg CLI from the same natives, same source and settings, into a temp file deleted afterwards. */
    Measured measureCli(Case c, String[] ffmpeg, int kbps, int seconds) throws Exception {
        Path out = Files.createTempFile(bench.work, "cli-", ".mp4");
        try {
            return runCli(
                    "cli-" + c.w() + "x" + c.h() + "-" + c.encoder(),
                    cliCommand(c, ffmpeg, kbps, List.of(), out),
                    ffmpeg,
                    bench.warmup,
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
    Measured measureFullCli(Case c, String[] ffmpeg, int kbps, Map<String, String> audio, int seconds)
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
        Path out = Files.createTempFile(bench.work, "cli-full-", ".mp4");
        Measured m = runCli(
                "cli-full-1080p-x264",
                cliCommand(c, ffmpeg, kbps, extra, out),
                ffmpeg,
                Math.max(bench.warmup, 5),
                seconds);
        bench.say("   CLI output: %s, %.1f MB (kept until the next run)", out, Files.size(out) / 1e6);
        return m;
    }

    /** The CLI command of a case: testsrc2, the case's encoder and settings, fMP4 into out; extra adds inputs, filters, audio. */
    static List<String> cliCommand(Case c, String[] ffmpeg, int kbps, List<String> extra, Path out) {
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
    String overlayFilter(Case c) throws IOException {
        String ids = "  UNIT " + UNIT_ID + "  OFFICER " + OFFICER_ID;
        int margin = Math.max(4, c.h() / 45);
        int fitsWidth = (int) ((c.w() - 2 * margin) / (("2025-03-01T14:07:09Z".length() + ids.length()) * 0.62));
        int fontSize = Math.max(8, Math.min(Math.max(12, c.h() / 22), fitsWidth));
        // option-level escaping, then graph-level quoting, as OverlayFilter does for the path
        String font = overlayFont().toString().replaceAll("[\\\\':]", "\\\\$0").replace("'", "'\\''");
        return "drawtext=fontfile='" + font + "'"
                + ":text='%{gmtime\\:%Y-%m-%dT%H\\\\\\:%M\\\\\\:%SZ}" + ids + "'"
                + ":fontsize=" + fontSize + ":fontcolor=white"
                + ":box=1:boxcolor=black@0.75:boxborderw=" + Math.max(2, margin / 2)
                + ":x=" + margin + ":y=" + margin;
    }

    /** The overlay font shipped in the device jar (drawtext opens fonts by path only), copied into the work folder. */
    Path overlayFont() throws IOException {
        String entry = "org/openbwc/device/media/DejaVuSansMono.ttf";
        try (var jars = Files.newDirectoryStream(Path.of(bench.opt.get("lib-gpl")), "openbwc-device-*.jar")) {
            for (Path jar : jars) {
                try (var zip = new java.util.zip.ZipFile(jar.toFile())) {
                    var e = zip.getEntry(entry);
                    if (e == null) continue;
                    Path font = bench.work.resolve("overlay-font.ttf");
                    try (var in = zip.getInputStream(e)) {
                        Files.copy(in, font, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                    }
                    return font;
                }
            }
        }
        throw new IllegalStateException("no " + entry + " in the device jar in " + bench.opt.get("lib-gpl"));
    }

    /**
     * Runs one ffmpeg CLI command and measures it: warm-up from the first progress block, then the window. Frames
     * come from its -progress output; /proc is sampled the moment a progress block arrives, so frames and CPU are
     * read at the same instant.
     */
    Measured runCli(String name, List<String> cmd, String[] ffmpeg, int warmupSeconds, int seconds) throws Exception {
        bench.waitQuiet();
        Path log = bench.logs.resolve(name + ".log");
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
                                ProcSample s = p.isAlive() ? ProcSample.safeSample(pid) : null;
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
                Map<String, String> m = Orchestrator.asMap(x[1]);
                m.put("frames", m.getOrDefault("frame", "0"));
                m.put("dropped", m.getOrDefault("drop_frames", "0"));
            }
            Measured m = bench.window("ffmpeg", a, b, hwm, "frames", "dropped", Map.of());
            bench.sayMeasured(m);
            return m;
        } finally {
            p.destroy(); // SIGTERM: ffmpeg finishes the file and exits
            if (!p.waitFor(20, TimeUnit.SECONDS)) p.destroyForcibly();
        }
    }

    static Object[] awaitProgress(BlockingQueue<Object[]> progress, Path log) throws InterruptedException {
        Object[] x = progress.poll(10, TimeUnit.SECONDS);
        if (x == null) throw new IllegalStateException("ffmpeg stopped reporting progress; see " + log);
        return x;
    }
}
