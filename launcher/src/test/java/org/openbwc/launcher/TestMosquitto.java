package org.openbwc.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openbwc.testsupport.SystemTools;

/**
 * A Mosquitto of a test's own on a free port of 127.0.0.1: plain TCP, anonymous, no persistence, so that stopping and
 * starting it again (same port) is a broker restart that forgets every session and queued message. Skips the test
 * without {@code mosquitto} (fails it in CI).
 */
final class TestMosquitto implements AutoCloseable {
    private final Path mosquitto;
    private final Path dir;
    private final int port;
    private Process process;

    private TestMosquitto(Path mosquitto, Path dir) {
        this.mosquitto = mosquitto;
        this.dir = dir;
        this.port = PortCheck.freePort("127.0.0.1");
    }

    /** Starts one, keeping its configuration and log in {@code dir}. */
    static TestMosquitto start(Path dir) {
        Optional<Path> found = SystemTools.which("mosquitto").or(() -> SystemTools.which("mosquitto", "/usr/sbin"));
        if (found.isEmpty()) {
            SystemTools.unavailable("mosquitto is not installed: this test restarts a broker of its own"
                    + " (apt-get install mosquitto)");
        }
        TestMosquitto m = new TestMosquitto(found.orElseThrow(), dir);
        m.restart();
        return m;
    }

    String url() {
        return "tcp://127.0.0.1:" + port;
    }

    /** Starts it (again) on its port; returns once it listens. */
    void restart() {
        stop();
        try {
            Files.createDirectories(dir);
            Path conf = dir.resolve("mosquitto.conf");
            Files.writeString(
                    conf,
                    String.join(
                            "\n",
                            "listener " + port + " 127.0.0.1",
                            "allow_anonymous true",
                            "persistence false",
                            "log_dest stdout",
                            // Run as root (CI), Mosquitto would switch to the "mosquitto" user.
                            "user " + System.getProperty("user.name"),
                            ""));
            process = new ProcessBuilder(mosquitto.toString(), "-c", conf.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(
                            dir.resolve("mosquitto.log").toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start mosquitto in " + dir, e);
        }
        await("mosquitto listening on " + port)
                .atMost(Duration.ofSeconds(10))
                .until(() -> listening(port) || !process.isAlive());
        assertThat(process.isAlive())
                .as("mosquitto started (see %s)", dir.resolve("mosquitto.log"))
                .isTrue();
    }

    /** Kills it at once, as a crash or a power cut would: no session, no queued message survives. */
    void stop() {
        if (process == null) return;
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    @Override
    public void close() {
        stop();
    }

    private static boolean listening(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
