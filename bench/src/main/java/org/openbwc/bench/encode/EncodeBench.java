package org.openbwc.bench.encode;

/**
 * The encode benchmark behind {@code bench/encode}. One main class, several modes:
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
 * <li>{@code cipher SECONDS ROUNDS PIECE_BYTES}: the cipher alone ({@link CipherBench}), for {@code --only
 * encryption}.</li>
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
 * <p>
 * {@code run} is {@link Orchestrator} (with {@link ChildRuns}, {@link CliRuns}, {@link UnitRuns} and {@link Report});
 * the other modes are {@link Children}, the only classes that touch the device module.
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
            case "cipher" -> CipherBench.main(rest);
            default -> throw new IllegalArgumentException("unknown mode " + args[0]);
        }
    }
}
