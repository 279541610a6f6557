package org.openbwc.launcher;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;

/** Test guard for system tools and external services: skips with a reason locally, fails in CI where nothing may skip. */
final class SystemTools {
    private SystemTools() {}

    static boolean strict() {
        return "true".equalsIgnoreCase(System.getenv("CI"))
                || "true".equalsIgnoreCase(System.getenv("BWC_REQUIRE_TOOLS"));
    }

    /** The tool's path on PATH; skips (or fails under CI) when missing. */
    static Path require(String tool, String why) {
        Optional<Path> found = which(tool);
        if (found.isEmpty()) unavailable(tool + " is not installed (" + why + "); install it or run .ci/run");
        return found.orElseThrow();
    }

    /** The external broker URL from MQTT_TEST_URL; skips (or fails under CI) when unset. */
    static String externalBrokerUrl() {
        String url = System.getenv("MQTT_TEST_URL");
        if (url == null || url.isBlank())
            unavailable(
                    "MQTT_TEST_URL not set: skipping the run against an external broker (e.g. MQTT_TEST_URL=tcp://127.0.0.1:1883)");
        return url;
    }

    static void unavailable(String message) {
        if (strict()) fail("required in CI: " + message);
        Assumptions.abort(message);
    }

    static Optional<Path> which(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            Path p = Path.of(dir, tool);
            if (Files.isExecutable(p)) return Optional.of(p);
        }
        return Optional.empty();
    }
}
