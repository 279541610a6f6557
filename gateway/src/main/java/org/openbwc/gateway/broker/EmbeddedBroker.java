package org.openbwc.gateway.broker;

import com.hivemq.embedded.EmbeddedExtension;
import com.hivemq.embedded.EmbeddedHiveMQ;
import com.hivemq.extension.sdk.api.packets.disconnect.DisconnectReasonCode;
import com.hivemq.extension.sdk.api.services.session.ClientService;
import java.io.ByteArrayOutputStream;
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
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.openbwc.pki.Pem;
import org.openbwc.pki.TlsContexts;
import org.tinylog.Logger;

/**
 * An MQTT 5 broker (HiveMQ CE) inside the gateway process: for a single-box deployment, a laptop demo, and tests.
 *
 * <p>Locked down: it listens only on TLS (1.3 and 1.2) and requires a client certificate from the agency CA; the
 * {@link BrokerAccessExtension} then admits a client only as the identity in its certificate and with that identity's
 * {@link org.openbwc.protocol.TopicRules}. There is no plain listener, no anonymous access and no password. Packets
 * over {@value #MAX_PACKET_BYTES} bytes are refused (the client is disconnected).
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
    /** The largest MQTT packet accepted from anybody (docs/security.md); the fleet's messages are a few KiB. */
    public static final int MAX_PACKET_BYTES = 256 * 1024;

    static final String KEY_STORE = "server-keystore.p12";
    static final String TRUST_STORE = "agency-truststore.p12";
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    private final String host;
    private final int port;
    private final Path directory;
    private final Duration startupTime;
    private final EmbeddedHiveMQ hivemq;
    private final BrokerAccessExtension extension;
    private boolean closed;

    private EmbeddedBroker(
            String host,
            int port,
            Path directory,
            Duration startupTime,
            EmbeddedHiveMQ hivemq,
            BrokerAccessExtension extension) {
        this.host = host;
        this.port = port;
        this.directory = directory;
        this.startupTime = startupTime;
        this.hivemq = hivemq;
        this.extension = extension;
    }

    /** Starts a broker with file persistence under {@code directory}. */
    public static EmbeddedBroker start(String host, int port, Path directory, ServerTls tls, BrokerAccess access) {
        return start(host, port, directory, Persistence.FILE, tls, access);
    }

    /**
     * Starts a broker listening on {@code host:port} (MQTT 3.1.1 and 5 over TLS only) and waits until it accepts
     * connections.
     *
     * @param directory holds {@code conf/} (config.xml and the key and trust stores, rewritten at each start with a new
     *     random password, owner-only), {@code data/} and an empty {@code extensions/}; created if missing
     * @param tls the server certificate it presents and the CA whose client certificates it accepts
     * @param access who is admitted besides holding a certificate of that CA
     * @throws IllegalStateException when the port is taken or the broker fails to start; the message says what to do
     */
    public static EmbeddedBroker start(
            String host, int port, Path directory, Persistence persistence, ServerTls tls, BrokerAccess access) {
        Objects.requireNonNull(host, "host is required");
        Objects.requireNonNull(directory, "directory is required");
        Objects.requireNonNull(persistence, "persistence is required");
        Objects.requireNonNull(tls, "tls is required");
        Objects.requireNonNull(access, "access is required");
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
            // A new password each start: it only guards the stores' copy of the server key against other users of
            // the machine, and the config that names it is owner-only as well.
            String password = randomPassword();
            writeStores(conf, tls, password.toCharArray());
            writeSecret(conf.resolve("config.xml"), configXml(host, port, persistence, conf, password));
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot prepare the broker folder " + directory.toAbsolutePath() + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new IllegalStateException(
                    "cannot prepare the embedded MQTT broker's TLS key and trust stores from " + tls.certificateFile()
                            + ", " + tls.keyFile() + " and " + tls.caFile() + ": " + e.getMessage(),
                    e);
        }

        long started = System.nanoTime();
        BrokerAccessExtension extension = new BrokerAccessExtension(access);
        EmbeddedHiveMQ hivemq = EmbeddedHiveMQ.builder()
                .withConfigurationFolder(conf)
                .withDataFolder(data)
                .withExtensionsFolder(extensions)
                .withEmbeddedExtension(EmbeddedExtension.builder()
                        .withId("openbwc-broker-access")
                        .withName("openbwc broker access")
                        .withVersion("1")
                        .withAuthor("openbwc")
                        .withPriority(1000)
                        .withStartPriority(1000)
                        .withExtensionMain(extension)
                        .build())
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
        EmbeddedBroker broker = new EmbeddedBroker(host, port, directory, startupTime, hivemq, extension);
        Logger.info(
                "Embedded MQTT broker started on {} in {} ms ({} persistence, folder {})",
                broker.url(),
                startupTime.toMillis(),
                persistence.name().toLowerCase(Locale.ROOT).replace('_', '-'),
                directory.toAbsolutePath());
        return broker;
    }

    /** The URL clients use, e.g. {@code ssl://127.0.0.1:8883}. */
    public String url() {
        String h = host.contains(":") ? "[" + host + "]" : host;
        return "ssl://" + (isWildcard(host) ? "127.0.0.1" : h) + ":" + port;
    }

    /**
     * Drops the connection of the client with this id (a unit just revoked: its admission check refuses it when it
     * comes back). Its session is kept, so nothing it queued is handed to anybody else.
     *
     * @return whether a client with that id was connected
     */
    public boolean disconnect(String clientId) {
        ClientService clients = extension.clients();
        if (clients == null) return false;
        try {
            boolean was = clients.disconnectClient(
                            clientId, false, DisconnectReasonCode.NOT_AUTHORIZED, "access withdrawn")
                    .get(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            Logger.info("Disconnected MQTT client '{}' ({})", clientId, was ? "was connected" : "was not connected");
            return was;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException | TimeoutException e) {
            Logger.warn(e, "Disconnecting MQTT client '{}' failed", clientId);
            return false;
        }
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

    static String configXml(String host, int port, Persistence persistence, Path conf, String password) {
        return """
                <?xml version="1.0"?>
                <!-- Written by the openbwc gateway at each start; edits are overwritten. -->
                <hivemq>
                    <listeners>
                        <tls-tcp-listener>
                            <port>%d</port>
                            <bind-address>%s</bind-address>
                            <tls>
                                <protocols>
                                    <protocol>TLSv1.3</protocol>
                                    <protocol>TLSv1.2</protocol>
                                </protocols>
                                <keystore>
                                    <path>%s</path>
                                    <password>%s</password>
                                    <private-key-password>%s</private-key-password>
                                </keystore>
                                <truststore>
                                    <path>%s</path>
                                    <password>%s</password>
                                </truststore>
                                <client-authentication-mode>REQUIRED</client-authentication-mode>
                            </tls>
                        </tls-tcp-listener>
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
                        <packets>
                            <max-packet-size>%d</max-packet-size>
                        </packets>
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
                        xmlEscape(conf.resolve(KEY_STORE).toAbsolutePath().toString()),
                        password,
                        password,
                        xmlEscape(conf.resolve(TRUST_STORE).toAbsolutePath().toString()),
                        password,
                        MAX_QUEUED_MESSAGES,
                        SERVER_RECEIVE_MAXIMUM,
                        MAX_PACKET_BYTES,
                        persistence == Persistence.FILE ? "file" : "in-memory");
    }

    /** HiveMQ reads key and trust stores, not PEM: converts the PKI's files into two PKCS#12 stores in {@code conf}. */
    private static void writeStores(Path conf, ServerTls tls, char[] password) throws IOException {
        KeyStore keys = TlsContexts.keyStore(
                Pem.readPrivateKey(tls.keyFile()), Pem.readCertificates(tls.certificateFile()), password);
        KeyStore trust = TlsContexts.trustStore(Pem.readCertificates(tls.caFile()));
        writeStore(conf.resolve(KEY_STORE), keys, password);
        writeStore(conf.resolve(TRUST_STORE), trust, password);
    }

    private static void writeStore(Path file, KeyStore store, char[] password) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            store.store(out, password);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot write the PKCS#12 store " + file, e);
        }
        writeSecret(file, out.toByteArray());
    }

    private static void writeSecret(Path file, String text) throws IOException {
        writeSecret(file, text.getBytes(StandardCharsets.UTF_8));
    }

    /** Owner-only from the moment the file exists (the old one is removed first, whatever its mode was). */
    private static void writeSecret(Path file, byte[] bytes) throws IOException {
        Files.deleteIfExists(file);
        if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        }
        Files.write(file, bytes);
    }

    private static String randomPassword() {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
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
                + (port == 8883 ? 18883 : port + 1);
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
