package org.openbwc.device.media;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.openbwc.testsupport.SystemTools;

/**
 * Debian's ffprobe/ffmpeg as an independent judge of what the pipeline writes (another FFmpeg build than the
 * natives). Missing tools skip the test on a laptop but fail it in CI, where .ci/run installs them.
 */
final class MediaTools {
    static final Path FFPROBE = Path.of("/usr/bin/ffprobe");
    static final Path FFMPEG = Path.of("/usr/bin/ffmpeg");

    private MediaTools() {}

    static boolean isInstalled() {
        return Files.isExecutable(FFPROBE) && Files.isExecutable(FFMPEG);
    }

    static void assumeInstalled() {
        if (isInstalled()) return;
        SystemTools.unavailable(
                FFPROBE + " and " + FFMPEG + " are needed to check the output (apt-get install ffmpeg)");
    }

    /** {@code ffprobe -show_streams -show_format} as key=value text. */
    static String probe(Path file) throws IOException, InterruptedException {
        Result result =
                run(List.of(FFPROBE.toString(), "-v", "error", "-show_streams", "-show_format", file.toString()));
        assertThat(result.exitCode())
                .as("ffprobe exit code, stderr: %s", result.stderr())
                .isZero();
        return result.stdout();
    }

    /** What {@code ffmpeg -v error -i file -f null -} complains about while decoding every frame; empty when clean. */
    static String decodeErrors(Path file) throws IOException, InterruptedException {
        Result result =
                run(List.of(FFMPEG.toString(), "-nostdin", "-v", "error", "-i", file.toString(), "-f", "null", "-"));
        return result.exitCode() == 0
                ? result.stderr().strip()
                : "exit " + result.exitCode() + ": " + result.stderr().strip();
    }

    /**
     * Video packets in the file and pictures the decoder could make of them, and whether the first packet is a
     * keyframe. A file that starts inside a GOP decodes "cleanly" at {@code -v error}: the decoder silently discards
     * pictures it has no reference for, so only these counts show it.
     */
    record VideoDecode(long packets, long pictures, boolean startsWithKeyframe) {}

    static VideoDecode videoDecode(Path file) throws IOException, InterruptedException {
        Result counts = run(List.of(
                FFPROBE.toString(),
                "-v",
                "error",
                "-select_streams",
                "v",
                "-count_frames",
                "-count_packets",
                "-show_entries",
                "stream=nb_read_packets,nb_read_frames",
                "-of",
                "default=noprint_wrappers=1",
                file.toString()));
        Result first = run(List.of(
                FFPROBE.toString(),
                "-v",
                "error",
                "-select_streams",
                "v",
                "-read_intervals",
                "%+#1",
                "-show_entries",
                "packet=flags",
                "-of",
                "csv=p=0",
                file.toString()));
        assertThat(counts.exitCode()).as(counts.stderr()).isZero();
        Matcher frames = Pattern.compile("nb_read_frames=(\\d+)").matcher(counts.stdout());
        Matcher packets = Pattern.compile("nb_read_packets=(\\d+)").matcher(counts.stdout());
        assertThat(frames.find() && packets.find())
                .as("ffprobe counts: %s", counts.stdout())
                .isTrue();
        return new VideoDecode(
                Long.parseLong(packets.group(1)),
                Long.parseLong(frames.group(1)),
                first.stdout().strip().startsWith("K"));
    }

    /** The loudest sample, in dBFS, of the sound between two media times (-91 dB for digital silence). */
    static double maxVolumeDb(Path file, double fromSeconds, double toSeconds)
            throws IOException, InterruptedException {
        Result result = run(List.of(
                FFMPEG.toString(),
                "-nostdin",
                "-v",
                "info",
                "-i",
                file.toString(),
                "-vn",
                "-af",
                "atrim=start=" + fromSeconds + ":end=" + toSeconds + ",volumedetect",
                "-f",
                "null",
                "-"));
        Matcher m = Pattern.compile("max_volume: (-?[0-9.]+|-inf) dB").matcher(result.stderr());
        if (!m.find()) throw new AssertionError("no volumedetect output: " + result.stderr());
        return m.group(1).equals("-inf") ? Double.NEGATIVE_INFINITY : Double.parseDouble(m.group(1));
    }

    /** The luma plane of the first decoded picture. */
    static byte[] firstPictureLuma(Path file, int width, int height) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(
                        FFMPEG.toString(),
                        "-nostdin",
                        "-v",
                        "error",
                        "-i",
                        file.toString(),
                        "-frames:v",
                        "1",
                        "-f",
                        "rawvideo",
                        "-pix_fmt",
                        "gray",
                        "-")
                .start();
        CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> readAll(process.getErrorStream()));
        byte[] luma = process.getInputStream().readAllBytes();
        if (!process.waitFor(60, TimeUnit.SECONDS)) process.destroyForcibly();
        assertThat(luma)
                .as("decoded picture; ffmpeg said %s", new String(err.join(), StandardCharsets.UTF_8))
                .hasSize(width * height);
        return luma;
    }

    /** Mean absolute difference of two luma planes inside a rectangle. */
    static double meanDifference(byte[] a, byte[] b, int width, int x0, int y0, int x1, int y1) {
        long sum = 0;
        for (int y = y0; y < y1; y++) {
            for (int x = x0; x < x1; x++) sum += Math.abs((a[y * width + x] & 0xff) - (b[y * width + x] & 0xff));
        }
        return (double) sum / ((long) (x1 - x0) * (y1 - y0));
    }

    record Result(int exitCode, String stdout, String stderr) {}

    static Result run(List<String> command) throws IOException, InterruptedException {
        return run(new ProcessBuilder(new ArrayList<>(command)));
    }

    static Result run(ProcessBuilder builder) throws IOException, InterruptedException {
        Process process = builder.start();
        process.getOutputStream().close();
        CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> readAll(process.getErrorStream()));
        byte[] out = process.getInputStream().readAllBytes();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(builder.command() + " did not finish within 120 s");
        }
        return new Result(
                process.exitValue(),
                new String(out, StandardCharsets.UTF_8),
                new String(err.join(), StandardCharsets.UTF_8));
    }

    /** Like {@link #run(ProcessBuilder)} but keeps stdout as bytes (a muxed stream). */
    static byte[] runForBytes(ProcessBuilder builder) throws IOException, InterruptedException {
        Process process = builder.start();
        process.getOutputStream().close();
        CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> readAll(process.getErrorStream()));
        byte[] out = process.getInputStream().readAllBytes();
        if (!process.waitFor(120, TimeUnit.SECONDS)) process.destroyForcibly();
        assertThat(process.exitValue())
                .as("%s failed: %s", builder.command(), new String(err.join(), StandardCharsets.UTF_8))
                .isZero();
        return out;
    }

    private static byte[] readAll(java.io.InputStream in) {
        try {
            return in.readAllBytes();
        } catch (IOException e) {
            return e.toString().getBytes(StandardCharsets.UTF_8);
        }
    }
}
