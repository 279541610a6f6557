package org.openbwc.testsupport;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;

/**
 * The guard for tests that need something outside the JVM (a program such as ffmpeg or chromium, an external MQTT
 * broker): where it is missing the test is skipped with a message saying what to install, except in CI, where
 * nothing may skip silently and the test fails instead. Strict when {@code CI=true} or {@code BWC_REQUIRE_TOOLS=true}
 * (what {@code .ci/run} sets).
 */
public final class SystemTools {
    private SystemTools() {}

    /** Whether a missing tool fails the test instead of skipping it. */
    public static boolean strict() {
        return "true".equalsIgnoreCase(System.getenv("CI"))
                || "true".equalsIgnoreCase(System.getenv("BWC_REQUIRE_TOOLS"));
    }

    /** The tool's path on PATH; skips (or fails when strict) when it is missing. {@code why}: what needs it and how to get it. */
    public static Path require(String tool, String why) {
        Optional<Path> found = which(tool);
        if (found.isEmpty()) unavailable(tool + " is not installed (" + why + "); install it or run .ci/run");
        return found.orElseThrow();
    }

    /** The external broker URL from {@code MQTT_TEST_URL}; skips (or fails when strict) when it is unset. */
    public static String externalBrokerUrl() {
        String url = System.getenv("MQTT_TEST_URL");
        if (url == null || url.isBlank()) {
            unavailable("MQTT_TEST_URL not set: skipping the run against an external broker"
                    + " (e.g. MQTT_TEST_URL=tcp://127.0.0.1:1883)");
        }
        return url.trim();
    }

    /** Skips the calling test with {@code message}, or fails it when strict. */
    public static void unavailable(String message) {
        if (strict()) fail("required in CI: " + message);
        Assumptions.abort(message);
    }

    /** The tool's path in one of the folders of PATH, if it is there and executable. */
    public static Optional<Path> which(String tool) {
        return which(tool, System.getenv().getOrDefault("PATH", ""));
    }

    /** The tool's path in one of the folders of {@code searchPath} (a PATH-like list), if it is there and executable. */
    public static Optional<Path> which(String tool, String searchPath) {
        for (String dir : searchPath.split(File.pathSeparator)) {
            if (dir.isEmpty()) continue;
            Path p = Path.of(dir, tool);
            if (Files.isExecutable(p)) return Optional.of(p);
        }
        return Optional.empty();
    }
}
