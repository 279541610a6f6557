package org.openbwc.bench.soak;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The recordings the soak left, each checked by the app's own {@code bwc evidence verify --pinned} (hashes, chain,
 * signature by the key the gateway pinned at enrolment), after the demo has stopped.
 */
final class Evidence {
    private Evidence() {}

    /** Recordings found, how many were verified and which failed. */
    record Result(int recordings, long bytes, int verified, int ok, List<String> failures, String perUnit) {
        String oneLine() {
            return String.format(
                    Locale.ROOT,
                    "%d recordings (%s), %.0f MB; %d verified with bwc evidence verify --pinned: %d OK, %d failed",
                    recordings,
                    perUnit,
                    bytes / 1e6,
                    verified,
                    ok,
                    failures.size());
        }
    }

    static Result verifyAll(SoakBench b, Demo demo) throws IOException {
        Path units = demo.dataDir().resolve("units");
        List<Path> recordings = new ArrayList<>();
        List<String> perUnit = new ArrayList<>();
        if (Files.isDirectory(units)) {
            try (Stream<Path> us = Files.list(units)) {
                for (Path u : us.sorted().toList()) {
                    Path ev = u.resolve("evidence");
                    int n = 0;
                    if (Files.isDirectory(ev)) {
                        try (Stream<Path> rs = Files.list(ev)) {
                            for (Path r : rs.filter(Files::isDirectory).sorted().toList()) {
                                recordings.add(r);
                                n++;
                            }
                        }
                    }
                    perUnit.add(u.getFileName() + " " + n);
                }
            }
        }
        long bytes = recordings.stream().mapToLong(ProcSample::treeBytes).sum();
        List<Path> chosen = new ArrayList<>();
        if (b.verifyMax <= 0 || recordings.size() <= b.verifyMax) chosen.addAll(recordings);
        else
            for (int i = 0; i < b.verifyMax; i++)
                chosen.add(recordings.get((int) ((long) i * recordings.size() / b.verifyMax)));
        if (!chosen.isEmpty())
            b.say(
                    "verifying %d of %d recordings (bwc evidence verify --pinned, one JVM each)...",
                    chosen.size(), recordings.size());
        int ok = 0;
        List<String> failures = new ArrayList<>();
        for (Path r : chosen) {
            String out = verify(b, demo, r);
            if (out == null) ok++;
            else failures.add(r.getFileName() + ": " + out);
        }
        return new Result(recordings.size(), bytes, chosen.size(), ok, failures, String.join(", ", perUnit));
    }

    /** Null when the recording verifies; otherwise what the command said. */
    private static String verify(SoakBench b, Demo demo, Path recording) {
        List<String> cmd = List.of(
                b.java,
                "--enable-native-access=ALL-UNNAMED",
                "-XX:+UseSerialGC",
                "-Xss512k",
                "-XX:TieredStopAtLevel=1",
                "-jar",
                b.app.resolve("bwc.jar").toString(),
                "evidence",
                "verify",
                "--pinned",
                demo.dataDir().resolve("gateway").toString(),
                recording.toString());
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(300, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "no answer in 300 s";
            }
            if (p.exitValue() == 0) return null;
            return "exit " + p.exitValue() + ": " + out.strip().replace('\n', ' ');
        } catch (IOException e) {
            return e.toString();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }
}
