package org.openbwc.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openbwc.config.BrokerConfig;
import org.openbwc.config.GatewayConfig;
import org.openbwc.config.HttpConfig;
import org.openbwc.config.MqttConfig;
import org.openbwc.gateway.Gateway;
import org.tinylog.Logger;

/** {@code bwc device} as its own OS process: a kill -9 is reported through the Will, a SIGTERM by the unit itself. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DeviceProcessTest {
    static final int KEEPALIVE_SECONDS = 2;

    Path dir;

    Gateway gateway;
    FleetClient client;
    String brokerUrl;
    final List<Process> processes = new ArrayList<>();

    @BeforeAll
    void startGateway() throws Exception {
        dir = TempDirs.create("bwc-proc");
        int port = PortCheck.freePort("127.0.0.1");
        brokerUrl = "tcp://127.0.0.1:" + port;
        gateway = Gateway.start(GatewayConfig.defaults("gw-proc")
                .withBroker(BrokerConfig.defaults().withEmbedded(true).withPort(port))
                .withMqtt(MqttConfig.defaults().withUrl(brokerUrl))
                .withHttp(HttpConfig.defaults().withPort(PortCheck.freePort("127.0.0.1")))
                .withDataDir(dir.resolve("gateway").toString()));
        client = new FleetClient("http://127.0.0.1:" + gateway.httpPort(), "http://unused");
    }

    @AfterAll
    void stop() {
        processes.forEach(Process::destroyForcibly);
        if (client != null) client.close();
        if (gateway != null) gateway.close();
        TempDirs.delete(dir);
    }

    Process startDevice(String unitId) throws Exception {
        Path yaml = dir.resolve(unitId + ".yaml");
        Files.writeString(yaml, """
                unitId: %s
                officerId: "0815"
                hal: mock
                dataDir: %s
                mqtt:
                  url: %s
                  keepAliveSeconds: %d
                gnss:
                  source: gpx
                  gpxFile: bundled:2
                video:
                  width: 320
                  height: 240
                  fps: 10
                  bitrateKbps: 300
                """.formatted(unitId, dir.resolve(unitId), brokerUrl, KEEPALIVE_SECONDS));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                Bwc.class.getName(), "device", "--config", yaml.toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve(unitId + ".log").toFile());
        Process p = pb.start();
        processes.add(p);
        await("unit " + unitId + " online").atMost(Duration.ofSeconds(60))
                .until(() -> client.unit(unitId).map(u -> u.path("online").asBoolean()).orElse(false));
        return p;
    }

    boolean online(String unitId) throws Exception {
        return client.unit(unitId).map(u -> u.path("online").asBoolean()).orElse(false);
    }

    @Test
    void killMinus9IsReportedOfflineThroughTheWillWithinOneAndAHalfKeepalives() throws Exception {
        String id = "proc-" + UUID.randomUUID().toString().substring(0, 6);
        Process p = startDevice(id);
        long t0 = System.nanoTime();
        p.destroyForcibly(); // SIGKILL: no shutdown hook, no DISCONNECT
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        await().atMost(Duration.ofSeconds(KEEPALIVE_SECONDS * 3L + 10)).pollInterval(Duration.ofMillis(100)).until(() -> !online(id));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        Logger.info("kill -9 to offline: {} ms (keepalive {} s; 1.5x = {} ms)", ms, KEEPALIVE_SECONDS, KEEPALIVE_SECONDS * 1500);
        assertThat(client.unit(id).orElseThrow().path("state").asText()).isEqualTo("OFFLINE");
    }

    @Test
    void sigtermShutsDownCleanlyAndTheUnitSaysItIsOfflineItself() throws Exception {
        String id = "proc-" + UUID.randomUUID().toString().substring(0, 6);
        Process p = startDevice(id);
        p.destroy(); // SIGTERM: shutdown hook runs
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        // The unit's own last word arrives without waiting for a keepalive to expire.
        await().atMost(Duration.ofSeconds(2)).until(() -> !online(id));
        assertThat(client.unit(id).orElseThrow().path("state").asText()).isEqualTo("OFFLINE");
        String log = Files.readString(dir.resolve(id + ".log"));
        assertThat(log).contains("unit stopped cleanly").doesNotContain("Exception").doesNotContain(" ERROR ");
    }

}
