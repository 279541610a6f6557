package org.openbwc.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.openbwc.gateway.broker.EmbeddedBrokerTest;
import org.openbwc.pki.Pem;
import org.openbwc.testsupport.SystemTools;
import org.openbwc.testsupport.TestIdentities;
import org.tinylog.Logger;

/**
 * The fleet contract and the attacker checks against Mosquitto run with the shipped configuration
 * ({@code config/examples/mosquitto/}): a Mosquitto of its own per test on a free port of 127.0.0.1, with certificates
 * from a test agency CA and the shipped ACL naming this test's gateways. Skipped without {@code mosquitto}, failed
 * without it in CI.
 */
class MosquittoFleetTest extends LockedBrokerContract {

    static final Path SHIPPED = Path.of("..", "config", "examples", "mosquitto");

    @TempDir
    static Path caDir;

    static Path mosquitto;
    static TestIdentities ids;

    private Process process;
    private int port;
    private Path folder;

    @BeforeAll
    static void requireMosquitto() {
        Optional<Path> found = SystemTools.which("mosquitto").or(() -> SystemTools.which("mosquitto", "/usr/sbin"));
        if (found.isEmpty()) {
            SystemTools.unavailable("mosquitto is not installed: it runs the shipped Mosquitto configuration"
                    + " (apt-get install mosquitto)");
        }
        mosquitto = found.orElseThrow();
        assertThat(SHIPPED.resolve("mosquitto.conf"))
                .as("the shipped configuration, relative to the gateway module")
                .exists();
        ids = TestIdentities.create(caDir.resolve("ca"));
    }

    @Override
    TestIdentities identities() {
        return ids;
    }

    @Override
    boolean refusesForeignClientIds() {
        // use_username_as_clientid: Mosquitto replaces the client id by the certificate's CN instead.
        return false;
    }

    @Override
    String brokerUrl() {
        if (process == null) start();
        return "ssl://127.0.0.1:" + port;
    }

    @Override
    void afterBrokerUse() {
        if (process == null) return;
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** Started on first use, when the test's gateway id (for the ACL) is known. */
    private void start() {
        try {
            folder = dataDir.resolve("mosquitto");
            Files.createDirectories(folder);
            ids.writeServerKeys(folder);
            Pem.writeAtomically(
                    folder.resolve("crl.pem"), ids.ca().revocationList(List.of(), Duration.ofDays(1)), false);
            String gatewayId = "gw-" + suffix;
            Files.writeString(
                    folder.resolve("openbwc.acl"),
                    acl(
                            Files.readString(SHIPPED.resolve("openbwc.acl")),
                            List.of(gatewayId, gatewayId + "-p", gatewayId + "-spy")));
            port = EmbeddedBrokerTest.freePort();
            Path conf = folder.resolve("mosquitto.conf");
            Files.writeString(conf, conf(Files.readString(SHIPPED.resolve("mosquitto.conf")), folder, port));
            Path log = folder.resolve("mosquitto.log");
            process = new ProcessBuilder(mosquitto.toString(), "-c", conf.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            try {
                await().atMost(Duration.ofSeconds(10)).until(() -> listening(port) || !process.isAlive());
            } finally {
                if (!process.isAlive() || !listening(port)) {
                    throw new IllegalStateException("mosquitto did not start with the shipped configuration:\n"
                            + Files.readString(log, StandardCharsets.UTF_8));
                }
            }
            Logger.debug("Mosquitto with the shipped configuration on port {}", port);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start mosquitto in " + folder, e);
        }
    }

    /** The shipped configuration with the test's folder, port and address, no persistence, logging to stdout. */
    static String conf(String shipped, Path folder, int port) {
        String c = shipped.replace("/etc/mosquitto/openbwc/", folder.toAbsolutePath() + "/")
                .replaceAll("(?m)^listener 8883$", "listener " + port + " 127.0.0.1")
                .replaceAll("(?m)^persistence true$", "persistence false")
                .replaceAll("(?m)^persistence_location .*$", "")
                .replaceAll("(?m)^log_dest .*$", "log_dest stdout");
        assertThat(c).contains("listener " + port + " 127.0.0.1", "acl_file " + folder.toAbsolutePath());
        // Run as root (CI), Mosquitto would switch to the "mosquitto" user, who cannot read the test's key.
        return c + "\nuser " + System.getProperty("user.name") + "\n";
    }

    /** The shipped ACL with its gateway block repeated for each of {@code gatewayIds}. */
    static String acl(String shipped, List<String> gatewayIds) {
        Matcher block = Pattern.compile("(?m)^user gateway-1\\n(topic .*\\n)+").matcher(shipped);
        assertThat(block.find()).as("the shipped ACL's gateway block").isTrue();
        StringBuilder blocks = new StringBuilder();
        for (String id : gatewayIds)
            blocks.append(block.group().replace("gateway-1", id)).append('\n');
        return shipped.substring(0, block.start()) + blocks + shipped.substring(block.end());
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
