package org.openbwc.bench.fanout;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.SocketFactory;
import org.openbwc.pki.AgencyCa;
import org.openbwc.pki.IdentityRole;
import org.openbwc.pki.IssuedKey;
import org.openbwc.pki.Pem;
import org.openbwc.pki.TlsContexts;

/**
 * A Mosquitto the bench starts for itself, plain or TLS with client certificates, with the same settings otherwise,
 * so "with and without TLS" differ in TLS alone. The TLS run gets an agency CA, a server certificate for 127.0.0.1, a
 * client identity for the bench's own connections, and the CA copied into the gateway's data dir (the gateway issues
 * its own client certificate from it at start, as a real one does).
 */
public final class BenchBroker implements AutoCloseable {
    final boolean tls;
    final int port;
    final Process process;
    final Path folder;

    /** The bench's agency CA folder (ca.crt, ca.key), when TLS is on. */
    public Path caFolder() {
        return folder.resolve("ca");
    }

    private BenchBroker(boolean tls, int port, Process process, Path folder) {
        this.tls = tls;
        this.port = port;
        this.process = process;
        this.folder = folder;
    }

    /** Starts mosquitto on a free loopback port; {@code gatewayDataDir} receives the CA when TLS is on. */
    public static BenchBroker start(boolean tls, Path work, Path gatewayDataDir)
            throws IOException, InterruptedException {
        Path folder = work.resolve("broker");
        Files.createDirectories(folder);
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        List<String> conf = new ArrayList<>(List.of(
                "per_listener_settings false",
                // Started as root, mosquitto would drop to user mosquitto and could not read the bench's key files.
                "user " + System.getProperty("user.name"),
                "persistence false",
                "log_dest file " + folder.resolve("mosquitto.log"),
                "max_queued_messages 100000",
                "sys_interval 1",
                "listener " + port + " 127.0.0.1"));
        if (tls) {
            AgencyCa ca = AgencyCa.create(folder.resolve("ca"), "bench", Clock.systemUTC());
            IssuedKey server = ca.issueServer(List.of("localhost", "127.0.0.1"), Duration.ofDays(2));
            server.write(folder.resolve("server.key"), folder.resolve("server.crt"));
            ca.issueClient("bench", IdentityRole.GATEWAY, Duration.ofDays(2))
                    .write(folder.resolve("bench.key"), folder.resolve("bench.crt"));
            Path pki = gatewayDataDir.resolve("pki");
            Files.createDirectories(pki);
            Files.copy(folder.resolve("ca").resolve(AgencyCa.CERTIFICATE_FILE), pki.resolve(AgencyCa.CERTIFICATE_FILE));
            Pem.writePrivateKey(
                    pki.resolve(AgencyCa.KEY_FILE),
                    Pem.readPrivateKey(folder.resolve("ca").resolve(AgencyCa.KEY_FILE)));
            conf.addAll(List.of(
                    "cafile " + folder.resolve("ca").resolve(AgencyCa.CERTIFICATE_FILE),
                    "certfile " + folder.resolve("server.crt"),
                    "keyfile " + folder.resolve("server.key"),
                    "require_certificate true",
                    "use_identity_as_username true",
                    "allow_anonymous false"));
        } else {
            conf.add("allow_anonymous true");
        }
        Path confFile = folder.resolve("mosquitto.conf");
        Files.write(confFile, conf);
        Process p = new ProcessBuilder("mosquitto", "-c", confFile.toString())
                .redirectErrorStream(true)
                .redirectOutput(folder.resolve("mosquitto.out").toFile())
                .start();
        BenchBroker broker = new BenchBroker(tls, port, p, folder);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (!p.isAlive())
                throw new IOException("mosquitto exited at start; see " + folder.resolve("mosquitto.out"));
            try (Socket s = SocketFactory.getDefault().createSocket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return broker;
            } catch (IOException e) {
                Thread.sleep(50);
            }
        }
        broker.close();
        throw new IOException("mosquitto did not listen on port " + port + " within 10 s");
    }

    public String url() {
        return (tls ? "ssl" : "tcp") + "://127.0.0.1:" + port;
    }

    /** The socket factory the bench's own MQTT clients use. */
    public SocketFactory socketFactory() {
        if (!tls) return SocketFactory.getDefault();
        return TlsContexts.mutual(
                        folder.resolve("bench.key"),
                        folder.resolve("bench.crt"),
                        folder.resolve("ca").resolve(AgencyCa.CERTIFICATE_FILE))
                .getSocketFactory();
    }

    /** mosquitto_sub's options for the same identity. */
    List<String> subscriberTlsOptions() {
        if (!tls) return List.of();
        return List.of(
                "--cafile",
                folder.resolve("ca").resolve(AgencyCa.CERTIFICATE_FILE).toString(),
                "--cert",
                folder.resolve("bench.crt").toString(),
                "--key",
                folder.resolve("bench.key").toString());
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
