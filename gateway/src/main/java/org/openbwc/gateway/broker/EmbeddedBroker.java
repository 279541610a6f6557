package org.openbwc.gateway.broker;

import com.hivemq.embedded.EmbeddedHiveMQ;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.tinylog.Logger;

/**
 * An MQTT 5 broker (HiveMQ CE) inside the gateway process: for a single-box deployment, a laptop demo, and tests.
 *
 * <p>HiveMQ logs through SLF4J (its logback binding is excluded), so its lines land in tinylog; it is chatty at INFO,
 * see {@link #NOISY_LOGGERS}.
 */
public final class EmbeddedBroker implements AutoCloseable {

    /**
     * Packages worth raising to WARN in a launcher's tinylog.properties ({@code level@com.hivemq = warn}): HiveMQ logs
     * its whole boot and shutdown at INFO, and Xodus (file persistence) logs cache statistics per store.
     */
    public static final List<String> NOISY_LOGGERS = List.of("com.hivemq", "jetbrains.exodus", "oshi", "io.netty");

    /** Where retained messages and sessions live. */
    public enum Persistence {
        /** Lost when the broker stops; fastest start, nothing on disk. */
        IN_MEMORY,
        /** Kept under the data folder, so the fleet's retained status survives a restart of the gateway. */
        FILE
    }

    /** Lets a few thousand units publish without Paho's "too many publishes in progress" (HiveMQ's default is 10). */
    static final int SERVER_RECEIVE_MAXIMUM = 1000;
    /** Per-client queue for offline or slow sessions; HiveMQ's default (1,000) silently drops beyond that. */
    static final long MAX_QUEUED_MESSAGES = 100_000;

    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    private final String host;
    private final int port;
    private final Path directory;
    private final Duration startupTime;
    private final EmbeddedHiveMQ hivemq;
    private boolean closed;

    private EmbeddedBroker(String host, int port, Path directory, Duration startupTime, EmbeddedHiveMQ hivemq) {
        this.host = host;
        this.port = port;
        this.directory = directory;
        this.startupTime = startupTime;
        this.hivemq = hivemq;
    }

    /** Starts a broker with file persistence under {@code directory}. */
    public static EmbeddedBroker start(String host, int port, Path directory) {
        return start(host, port, directory, Persistence.FILE);
    }

    /**
     * Starts a broker listening on {@code host:port} (TCP, MQTT 3.1.1 and 5) and waits until it accepts connections.
     *
     * @param directory holds {@code conf/config.xml}, {@code data/} and an empty {@code extensions/}; created if missing
     * @throws IllegalStateException when the port is taken or the broker fails to start; the message says what to do
     */
    public static EmbeddedBroker start(String host, int port, Path directory, Persistence persistence) {
        Objects.requireNonNull(host, "host is required");
        Objects.requireNonNull(directory, "directory is required");
        Objects.requireNonNull(persistence, "persistence is required");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("broker port " + port + " is out of range 1..65535");
        }
        // HiveMQ only logs a failed bind and carries on without a listener; checking first gives a clear error.
        requirePortFree(host, port);
        Path conf = directory.resolve("conf");
        Path data = directory.resolve("data");
        Path extensions = directory.resolve("extensions");
        try {
            Files.createDirectories(conf);
            Files.createDirectories(data);
            Files.createDirectories(extensions);
            Files.writeString(conf.resolve("config.xml"), configXml(host, port, persistence), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the broker folder " + directory.toAbsolutePath(), e);
        }

        long started = System.nanoTime();
        EmbeddedHiveMQ hivemq = EmbeddedHiveMQ.builder()
                .withConfigurationFolder(conf)
                .withDataFolder(data)
                .withExtensionsFolder(extensions)
                // Its bootstrap reconfigures logback, which we exclude in favour of tinylog.
                .withoutLoggingBootstrap()
                .build();
        try {
            hivemq.start().get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            awaitListener(host, port);
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            stopQuietly(hivemq);
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            throw new IllegalStateException(failureMessage(host, port, cause), cause);
        } catch (InterruptedException e) {
            stopQuietly(hivemq);
            Thread.currentThread().interrupt();
            throw new IllegalStateException(
                    "interrupted while starting the embedded MQTT broker on " + host + ":" + port, e);
        }
        Duration startupTime = Duration.ofNanos(System.nanoTime() - started);
        EmbeddedBroker broker = new EmbeddedBroker(host, port, directory, startupTime, hivemq);
        Logger.info(
                "Embedded MQTT broker started on {} in {} ms ({} persistence, folder {})",
                broker.url(),
                startupTime.toMillis(),
                persistence.name().toLowerCase(Locale.ROOT).replace('_', '-'),
                directory.toAbsolutePath());
        return broker;
    }

    /** The URL clients use, e.g. {@code tcp://127.0.0.1:1883}. */
    public String url() {
        String h = host.contains(":") ? "[" + host + "]" : host;
        return "tcp://" + (isWildcard(host) ? "127.0.0.1" : h) + ":" + port;
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    public Path directory() {
        return directory;
    }

    /** Wall time from building HiveMQ to its listener accepting connections. */
    public Duration startupTime() {
        return startupTime;
    }

    /** Stops the broker; connected clients see their connection drop. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        try {
            hivemq.stop().get(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            hivemq.close();
            Logger.info("Embedded MQTT broker on {} stopped", url());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            Logger.warn("Interrupted while stopping the embedded MQTT broker on {}", url());
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            Logger.warn(e, "Embedded MQTT broker on {} did not stop cleanly", url());
        }
    }

    static String configXml(String host, int port, Persistence persistence) {
        return """
                <?xml version="1.0"?>
                <!-- Written by the openbwc gateway at each start; edits are overwritten. -->
                <hivemq>
                    <listeners>
                        <tcp-listener>
                            <port>%d</port>
                            <bind-address>%s</bind-address>
                        </tcp-listener>
                    </listeners>
                    <mqtt>
                        <queued-messages>
                            <max-queue-size>%d</max-queue-size>
                            <strategy>discard-oldest</strategy>
                        </queued-messages>
                        <retained-messages>
                            <enabled>true</enabled>
                        </retained-messages>
                        <receive-maximum>
                            <server-receive-maximum>%d</server-receive-maximum>
                        </receive-maximum>
                    </mqtt>
                    <persistence>
                        <mode>%s</mode>
                    </persistence>
                    <anonymous-usage-statistics>
                        <enabled>false</enabled>
                    </anonymous-usage-statistics>
                </hivemq>
                """.formatted(
                        port,
                        xmlEscape(host),
                        MAX_QUEUED_MESSAGES,
                        SERVER_RECEIVE_MAXIMUM,
                        persistence == Persistence.FILE ? "file" : "in-memory");
    }

    private static void requirePortFree(String host, int port) {
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new InetSocketAddress(host, port));
        } catch (BindException e) {
            throw new IllegalStateException(portTakenMessage(host, port), e);
        } catch (IOException e) {
            throw new IllegalStateException(
                    "cannot bind the embedded MQTT broker to " + host + ":" + port + ": " + e.getMessage()
                            + " (check broker.host)",
                    e);
        }
    }

    private static String portTakenMessage(String host, int port) {
        return "port " + port + " on " + host + " is already in use, so the embedded MQTT broker cannot listen there;"
                + " stop whatever holds it (another broker such as Mosquitto?) or set broker.port to another port, e.g. "
                + (port == 1883 ? 11883 : port + 1);
    }

    private static String failureMessage(String host, int port, Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof BindException) return portTakenMessage(host, port);
        }
        return "the embedded MQTT broker failed to start on " + host + ":" + port + ": " + cause;
    }

    /** HiveMQ completes its start future before or without a listener; poll until the port answers. */
    private static void awaitListener(String host, int port) throws InterruptedException {
        InetSocketAddress target = new InetSocketAddress(
                isWildcard(host) ? InetAddress.getLoopbackAddress().getHostAddress() : host, port);
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        IOException last = null;
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket()) {
                s.connect(target, 500);
                return;
            } catch (IOException e) {
                last = e;
                TimeUnit.MILLISECONDS.sleep(20);
            }
        }
        throw new IllegalStateException(
                "HiveMQ started but nothing listens on " + host + ":" + port
                        + " (another process may hold the port; see the broker's log lines above)",
                last);
    }

    private static boolean isWildcard(String host) {
        return host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]");
    }

    private static void stopQuietly(EmbeddedHiveMQ hivemq) {
        try {
            hivemq.stop().get(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            hivemq.close();
        } catch (Exception e) {
            if (e instanceof InterruptedException) Thread.currentThread().interrupt();
            Logger.debug(e, "Ignored while stopping a broker that failed to start");
        }
    }

    private static String xmlEscape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
