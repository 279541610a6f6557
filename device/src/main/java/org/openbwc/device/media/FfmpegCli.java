package org.openbwc.device.media;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bytedeco.javacpp.Loader;

/**
 * The ffmpeg command-line program that ships inside the FFmpeg natives jar, extracted by JavaCPP next to the
 * libraries it links: the same FFmpeg build as the pipeline, so benchmarks compare like with like (Debian's
 * ffmpeg is another version and lacks openh264).
 *
 * @param executable the extracted, executable {@code ffmpeg}
 * @param libraryDirectory the folder holding the FFmpeg shared libraries it needs, for {@code LD_LIBRARY_PATH}
 */
public record FfmpegCli(Path executable, Path libraryDirectory) {

    /** Extracts (first time, into JavaCPP's cache) and returns the natives' ffmpeg. */
    public static FfmpegCli locate() {
        FfmpegNatives.requireLoaded();
        String path;
        try {
            path = Loader.load(org.bytedeco.ffmpeg.ffmpeg.class);
        } catch (RuntimeException | LinkageError e) {
            throw new IllegalStateException(
                    "the FFmpeg natives for " + Loader.getPlatform() + " carry no ffmpeg program: " + e, e);
        }
        if (path == null)
            throw new IllegalStateException(
                    "the FFmpeg natives for " + Loader.getPlatform() + " carry no ffmpeg program");
        Path executable = Path.of(path);
        if (!Files.isExecutable(executable))
            throw new IllegalStateException("the extracted ffmpeg " + executable + " is not executable");
        return new FfmpegCli(executable, executable.getParent());
    }

    /** The value to put in {@code LD_LIBRARY_PATH} when running it. */
    public String ldLibraryPath() {
        return libraryDirectory.toString();
    }

    /** A process builder for {@code ffmpeg args...} with the library path set. */
    public ProcessBuilder command(String... args) {
        List<String> command = new ArrayList<>(args.length + 1);
        command.add(executable.toString());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        String inherited = builder.environment().get("LD_LIBRARY_PATH");
        builder.environment()
                .put(
                        "LD_LIBRARY_PATH",
                        inherited == null || inherited.isEmpty() ? ldLibraryPath() : ldLibraryPath() + ":" + inherited);
        return builder;
    }

    /** The first line of {@code ffmpeg -version}, e.g. {@code ffmpeg version 8.1.2 Copyright ...}; proves it runs. */
    public String version() throws IOException, InterruptedException {
        Process process =
                command("-hide_banner", "-version").redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException(executable + " -version did not finish within 30 s");
        }
        if (process.exitValue() != 0)
            throw new IOException(executable + " -version exited with " + process.exitValue() + ": " + output.strip());
        return output.lines().findFirst().orElse("").strip();
    }
}
