package org.openbwc.device.media;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Locale;
import org.tinylog.Logger;

/**
 * Runs the pipeline for a while into a sink that discards everything and measures what it cost: the entry point
 * for benchmarks (compare with {@link FfmpegCli} on the same machine). From a shell:
 * {@code java -cp ... org.openbwc.device.media.PipelineTrial SECONDS WIDTH HEIGHT FPS [openh264|x264] [overlay|plain] [lavfi|/dev/videoN]}.
 */
public final class PipelineTrial {

    /**
     * What a trial measured.
     *
     * @param cpu process CPU time over the run, all threads (the natives' too)
     */
    public record Result(EncoderSettings settings, PipelineStats stats, Duration wall, Duration cpu) {
        /** Average cores used, e.g. 0.35. */
        public double cores() {
            return wall.isZero() ? 0 : (double) cpu.toNanos() / wall.toNanos();
        }

        /** Encoded pictures per second of wall time. */
        public double fps() {
            return wall.isZero() ? 0 : stats.framesEncoded() * 1e9 / wall.toNanos();
        }

        public String summary() {
            return String.format(
                    Locale.ROOT,
                    "%dx%d@%d %s: %.1f fps encoded, %.2f cores, %d dropped of %d, %d fragments, %.0f kb/s",
                    settings.width(),
                    settings.height(),
                    settings.fps(),
                    settings.encoder().ffmpegName(),
                    fps(),
                    cores(),
                    stats.framesDropped(),
                    stats.framesGrabbed(),
                    stats.fragments(),
                    stats.bytes() * 8 / 1000.0 / Math.max(1e-9, wall.toNanos() / 1e9));
        }
    }

    private PipelineTrial() {}

    /** Starts the pipeline, lets it run for {@code duration} (startup not counted), closes it and reports. */
    public static Result run(EncoderSettings settings, Duration duration) throws InterruptedException {
        FragmentSink discard = new FragmentSink() {
            @Override
            public void onInit(InitSegment init) {}

            @Override
            public void onFragment(Fragment fragment) {}
        };
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        try (MediaPipeline pipeline = MediaPipeline.start(settings, discard)) {
            PipelineStats before = pipeline.stats();
            long cpuBefore = os.getProcessCpuTime();
            long wallBefore = System.nanoTime();
            Thread.sleep(duration);
            PipelineStats after = pipeline.stats();
            long wall = System.nanoTime() - wallBefore;
            long cpu = os.getProcessCpuTime() - cpuBefore;
            PipelineStats delta = new PipelineStats(
                    after.framesGrabbed() - before.framesGrabbed(),
                    after.framesEncoded() - before.framesEncoded(),
                    after.framesDropped() - before.framesDropped(),
                    after.audioChunksDropped() - before.audioChunksDropped(),
                    after.fragments() - before.fragments(),
                    after.bytes() - before.bytes(),
                    after.encoderFps());
            return new Result(settings, delta, Duration.ofNanos(wall), Duration.ofNanos(cpu));
        }
    }

    public static void main(String[] args) throws InterruptedException {
        if (args.length < 4) {
            throw new IllegalArgumentException(
                    "usage: PipelineTrial SECONDS WIDTH HEIGHT FPS [openh264|x264|v4l2m2m] [overlay|plain] [lavfi|/dev/videoN]");
        }
        EncoderSettings settings = EncoderSettings.mock("trial", "0000")
                .withVideo(Integer.parseInt(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]));
        if (args.length > 4)
            settings = settings.withEncoder(
                    switch (args[4]) {
                        case "x264" -> VideoEncoder.X264;
                        case "v4l2m2m" -> VideoEncoder.V4L2M2M;
                        default -> VideoEncoder.OPENH264;
                    });
        if (args.length > 5) settings = settings.withOverlayEnabled(!args[5].equals("plain"));
        if (args.length > 6 && !args[6].equals("lavfi")) settings = settings.withDevices(args[6], null, "default");
        Result result = run(settings, Duration.ofSeconds(Long.parseLong(args[0])));
        Logger.info("pipeline trial: {}", result.summary());
    }
}
