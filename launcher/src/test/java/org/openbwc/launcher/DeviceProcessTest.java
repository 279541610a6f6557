package org.openbwc.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openbwc.config.BrokerConfig;
import org.openbwc.config.GatewayConfig;
import org.openbwc.config.HttpConfig;
import org.openbwc.config.MqttConfig;
import org.openbwc.device.DataFolder;
import org.openbwc.evidence.EvidenceVerifier;
import org.openbwc.gateway.Gateway;
import org.openbwc.gateway.auth.TestOperators;
import org.openbwc.testsupport.SystemTools;
import org.tinylog.Logger;

/** {@code bwc device} as its own OS process: a kill -9 is reported through the Will, a SIGTERM by the unit itself. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DeviceProcessTest {
    static final int KEEPALIVE_SECONDS = 2;
    static final int PRE_EVENT_SECONDS = 2;
    static final ObjectMapper JSON = new ObjectMapper();

    Path dir;

    Gateway gateway;
    FleetClient client;
    String brokerUrl;
    GatewayConfig gwConfig;
    final List<Process> processes = new ArrayList<>();

    @BeforeAll
    void startGateway() throws Exception {
        dir = TempDirs.create("bwc-proc");
        int port = PortCheck.freePort("127.0.0.1");
        brokerUrl = "ssl://127.0.0.1:" + port;
        gwConfig = GatewayConfig.defaults("gw-proc")
                .withBroker(BrokerConfig.defaults().withEmbedded(true).withPort(port))
                .withMqtt(MqttConfig.defaults().withUrl(brokerUrl))
                .withHttp(HttpConfig.defaults()
                        .withPort(PortCheck.freePort("127.0.0.1"))
                        // The units' listener on a free port too: 8444 may be taken by another run.
                        .withUnitPort(PortCheck.freePort("127.0.0.1")))
                .withDataDir(dir.resolve("gateway").toString());
        // Units enrol and get the agency key, as in the demo: what they record is encrypted.
        gwConfig = gwConfig.withEncryption(DemoCommand.demoEncryption(gwConfig.keysDir()));
        TestOperators.write(gwConfig.usersFile());
        gateway = Gateway.start(gwConfig, Gateway.CaPolicy.CREATE_IF_MISSING);
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
        return startDevice(unitId, "");
    }

    Process startDevice(String unitId, String videoExtra) throws Exception {
        // The unit process enrols itself at start over the units' listener, with a token from the gateway.
        Path tokenFile = dir.resolve(unitId + ".token");
        Files.writeString(tokenFile, gateway.enrolment().add(unitId).token());
        Path yaml = dir.resolve(unitId + ".yaml");
        Files.writeString(yaml, """
                unitId: %s
                officerId: "0815"
                hal: mock
                dataDir: %s
                mqtt:
                  url: %s
                  keepAliveSeconds: %d
                enrolment:
                  url: %s
                  tokenFile: %s
                  caFingerprint: "%s"
                gnss:
                  source: gpx
                  gpxFile: bundled:2
                recording:
                  preEventSeconds: %d
                  postEventSeconds: 0
                video:
                  width: 320
                  height: 240
                  fps: 10
                  bitrateKbps: 300
                %s
                """.formatted(
                        unitId,
                        dir.resolve(unitId),
                        brokerUrl,
                        KEEPALIVE_SECONDS,
                        gateway.unitsUrl(),
                        tokenFile,
                        gateway.pki().ca().fingerprint(),
                        PRE_EVENT_SECONDS,
                        videoExtra));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED"));
        List<String> env = new ArrayList<>();
        // the unit's JVM and malloc settings, as ./bwc device starts it
        for (String line : unitSettings(yaml)) {
            if (line.startsWith("jvm ")) cmd.add(line.substring(4));
            if (line.startsWith("env ")) env.add(line.substring(4));
        }
        // which classes the unit loads, for the memory check in aRecordingStarts...
        cmd.add("-Xlog:class+load=info:file=" + dir.resolve(unitId + "-classes.txt"));
        // the entry point ./bwc device runs, like it without the CLI framework's and Jackson's jars
        cmd.addAll(List.of("-cp", UnitMainTest.unitClasspath(), UnitMain.class.getName(), "--config", yaml.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve(unitId + ".log").toFile());
        for (String kv : env) pb.environment().put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
        Process p = pb.start();
        processes.add(p);
        await("unit " + unitId + " online")
                .atMost(Duration.ofSeconds(60))
                .until(() -> client.unit(unitId)
                        .map(u -> u.path("online").asBoolean())
                        .orElse(false));
        return p;
    }

    /** What {@code ./bwc jvm-options device --config} prints (the repository's bwc script, one level above this module). */
    static List<String> unitSettings(Path config) throws Exception {
        Path bwc = Path.of("..", "bwc").toAbsolutePath().normalize();
        assertThat(bwc).as("the bwc script").exists();
        Process p = new ProcessBuilder("bash", bwc.toString(), "jvm-options", "device", "--config", config.toString())
                .redirectErrorStream(true)
                .start();
        List<String> lines = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
                .lines()
                .toList();
        assertThat(p.waitFor()).as("bwc jvm-options: %s", lines).isZero();
        assertThat(lines).as("bwc jvm-options").anyMatch(l -> l.startsWith("jvm "));
        return lines;
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
        await().atMost(Duration.ofSeconds(KEEPALIVE_SECONDS * 3L + 10))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> !online(id));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        Logger.info(
                "kill -9 to offline: {} ms (keepalive {} s; 1.5x = {} ms)",
                ms,
                KEEPALIVE_SECONDS,
                KEEPALIVE_SECONDS * 1500);
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
        assertThat(log)
                .contains("unit stopped cleanly")
                .doesNotContain("Exception")
                .doesNotContain(" ERROR ");
    }

    @Test
    void sigtermWhileRecordingSealsTheRecordingAndReportsItBeforeGoingOffline() throws Exception {
        String id = "proc-" + UUID.randomUUID().toString().substring(0, 6);
        Process p = startDevice(id);
        assertThat(client.command(id, "record.start").body().path("ok").asBoolean())
                .isTrue();
        Thread.sleep(2_000);
        p.destroy(); // SIGTERM while recording
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        Path rec = recordingDir(id);
        assertThat(new EvidenceVerifier().verify(rec, Optional.empty()).ok()).isTrue();
        // the gateway heard of it: the sealed event, with the unit's own check, before the unit went offline
        await().atMost(Duration.ofSeconds(5))
                .until(() -> client.get(client.gatewayUrl(), "/api/units/" + id + "/events")
                        .body()
                        .findValuesAsText("type")
                        .contains("recording.sealed"));
        String sealed = client.get(client.gatewayUrl(), "/api/units/" + id + "/events")
                .body()
                .toString();
        assertThat(sealed)
                .contains(rec.getFileName().toString(), "\"reason\":\"shutdown\"")
                .as("the camera stopping for the shutdown is no failure")
                .doesNotContain("camera.failed");
        String log = Files.readString(dir.resolve(id + ".log"));
        assertThat(log)
                .contains("sealed (shutdown)", "unit stopped cleanly")
                .doesNotContain(" ERROR ")
                .doesNotContain("Exception");
    }

    @Test
    void aUnitWhoseCameraFailsStillComesOnlineAndSaysSo() throws Exception {
        String id = "proc-" + UUID.randomUUID().toString().substring(0, 6);
        Process p = startDevice(id, "  source: v4l2\n  device: /dev/no-such-camera\n");
        await().atMost(Duration.ofSeconds(10))
                .until(() -> client.get(client.gatewayUrl(), "/api/units/" + id + "/events")
                        .body()
                        .findValuesAsText("type")
                        .contains("camera.failed"));
        JsonNode events =
                client.get(client.gatewayUrl(), "/api/units/" + id + "/events").body();
        assertThat(events.toString()).contains("/dev/no-such-camera");
        assertThat(online(id)).isTrue();
        p.destroy();
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
    }

    /** The unit's only recording folder. */
    Path recordingDir(String unitId) throws IOException {
        try (Stream<Path> s = Files.list(new DataFolder(dir.resolve(unitId)).evidence())) {
            List<Path> dirs = s.filter(Files::isDirectory).toList();
            assertThat(dirs).as("recordings of " + unitId).hasSize(1);
            return dirs.get(0);
        }
    }

    @Test
    void killMinus9WhileRecordingLosesAtMostHalfASecondAndTheRecordingIsRecoveredAtBoot() throws Exception {
        String id = "proc-" + UUID.randomUUID().toString().substring(0, 6);
        Process p = startDevice(id);
        assertThat(client.command(id, "record.start").body().path("ok").asBoolean())
                .isTrue();
        Thread.sleep(3_000); // record a few seconds of footage
        Instant killedAt = Instant.now();
        p.destroyForcibly(); // SIGKILL while recording: nothing is flushed or sealed
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        Path rec = recordingDir(id);
        assertThat(rec.resolve("manifest.json")).as("a killed unit cannot seal").doesNotExist();

        // Power back on: the unit recovers the recording from its journal, seals it, and says so.
        startDevice(id);
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(rec.resolve("manifest.json")));
        BwcCliTest.Run verified = BwcCliTest.bwc("evidence", "verify", rec.toString());
        assertThat(verified.exit()).as(verified.err()).isZero();
        assertThat(verified.out()).contains(rec.getFileName() + " OK:");
        JsonNode manifest = JSON.readTree(rec.resolve("manifest.json").toFile());
        assertThat(manifest.path("recovered").asBoolean()).isTrue();
        // Encrypted as it was written; what recovery kept decrypts with the agency key, every piece as signed.
        assertThat(manifest.path("encryption").path("keyId").asText()).startsWith("x25519:");
        Path mp4 = dir.resolve(id + "-recovered.mp4");
        BwcCliTest.Run exported = BwcCliTest.bwc(
                "evidence",
                "export",
                "--agency-key",
                gwConfig.keysDir().resolve("agency.key").toString(),
                rec.toString(),
                mp4.toString());
        assertThat(exported.exit()).as(exported.out() + exported.err()).isZero();
        assertThat(mp4).isNotEmptyFile();
        Instant lastCut = Instant.parse(manifest.path("endedAt").asText());
        // What a power cut costs runs from the capture of the last durable picture, not from when its fragment was cut.
        JsonNode lastFragment = null;
        for (String line : Files.readAllLines(rec.resolve("journal.jsonl"))) {
            JsonNode entry = JSON.readTree(line);
            if (entry.path("type").asText().equals("fragment")) lastFragment = entry;
        }
        assertThat(lastFragment).as("a durable fragment in the journal").isNotNull();
        assertThat(lastFragment.has("capturedAt"))
                .as("fragments carry their capture time")
                .isTrue();
        Instant lastCaptured = Instant.parse(lastFragment.path("capturedAt").asText());
        long lostMillis = Duration.between(lastCaptured, killedAt).toMillis();
        Logger.info(
                "kill -9 while recording: last durable picture captured {} ms before the kill (its fragment cut {} ms"
                        + " before); recovered {} s",
                lostMillis,
                Duration.between(lastCut, killedAt).toMillis(),
                manifest.path("durationSeconds").asDouble());
        assertThat(lastCaptured).as("captured before it was cut").isBefore(lastCut);
        assertThat(lostMillis).as("footage lost to a power cut").isLessThanOrEqualTo(500);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> client.get(client.gatewayUrl(), "/api/units/" + id + "/events")
                        .body()
                        .findValuesAsText("type")
                        .contains("recording.recovered"));
    }

    @Test
    void aRecordingStartsWithThePreEventBufferAndSealsOnShutdown() throws Exception {
        String id = "proc-" + UUID.randomUUID().toString().substring(0, 6);
        Process p = startDevice(id);
        Thread.sleep((PRE_EVENT_SECONDS + 2) * 1000L); // let the pre-event buffer fill
        Instant pressedAt = Instant.now();
        assertThat(client.command(id, "record.start").body().path("ok").asBoolean())
                .isTrue();
        Thread.sleep(3_000);
        Instant stoppedAt = Instant.now();
        assertThat(client.command(id, "record.stop", "test: end of the scenario")
                        .body()
                        .path("ok")
                        .asBoolean())
                .isTrue();
        Path rec = recordingDir(id);
        await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(rec.resolve("manifest.json")));
        p.destroy();
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();

        assertThat(new EvidenceVerifier().verify(rec, Optional.empty()).ok()).isTrue();
        // Memory: a unit that recorded, sealed and talked MQTT never loaded the CLI framework or a general JSON
        // library (their classes cost it about 10 MiB of its 160 MB budget).
        List<String> loaded = Files.readAllLines(dir.resolve(id + "-classes.txt")).stream()
                .map(l -> l.replaceFirst("^(\\[[^\\]]*\\])+ *", ""))
                .toList();
        assertThat(loaded)
                .as("class-load log")
                .anyMatch(l -> l.startsWith("org.openbwc.device.evidence.ManifestFile "));
        assertThat(loaded.stream().filter(l -> l.startsWith("picocli.") || l.startsWith("com.fasterxml.jackson.")))
                .as("classes of the CLI framework or Jackson in the unit")
                .isEmpty();
        JsonNode m = JSON.readTree(rec.resolve("manifest.json").toFile());
        double pre = m.path("preEventSecondsIncluded").asDouble();
        double recorded = Duration.between(pressedAt, stoppedAt).toMillis() / 1000.0;
        double media = m.path("durationSeconds").asDouble();
        Logger.info("pre-event: {} s included, {} s recorded after the press, {} s of media", pre, recorded, media);
        assertThat(pre).as("pre-event seconds included").isGreaterThanOrEqualTo(PRE_EVENT_SECONDS);
        // media covers the pre-event plus what was recorded after the press, within one GOP (1 s) either way
        assertThat(media).isGreaterThanOrEqualTo(PRE_EVENT_SECONDS + recorded - 1.0);
        // and no more: audio is recorded after the press, and its own fragments add no time (they once did, and the
        // manifest signed the sum of both tracks)
        assertThat(media).isLessThanOrEqualTo(PRE_EVENT_SECONDS + 1.0 + recorded + 1.0);
        JsonNode first = m.path("segments").get(0);
        assertThat(first).isNotNull();
        Instant firstFragment = firstFragmentWallClock(rec);
        assertThat(firstFragment).as("the first frame predates the press").isBefore(pressedAt);
        // Encrypted on the unit's storage: ffprobe finds no stream in the segment. Exported with the agency key it
        // plays: ffprobe reads a video stream of the recorded length.
        Path ffprobe = SystemTools.require("ffprobe", "checking recordings");
        assertThat(probeDuration(ffprobe, rec.resolve("seg-000001.mp4")).exit()).isNotZero();
        Path mp4 = dir.resolve(id + ".mp4");
        BwcCliTest.Run noKey = BwcCliTest.bwc("evidence", "export", rec.toString(), mp4.toString());
        assertThat(noKey.exit()).isEqualTo(1);
        assertThat(noKey.err()).contains("--agency-key");
        Path agencyKey = gwConfig.keysDir().resolve("agency.key");
        assertThat(BwcCliTest.bwc(
                                "evidence",
                                "export",
                                "--agency-key",
                                agencyKey.toString(),
                                rec.toString(),
                                mp4.toString())
                        .exit())
                .isZero();
        Probe probe = probeDuration(ffprobe, mp4);
        assertThat(probe.exit()).as(probe.out()).isZero();
        assertThat(Double.parseDouble(probe.out())).isGreaterThanOrEqualTo(PRE_EVENT_SECONDS + recorded - 1.0);

        // Tamper with a copy: verify names the place.
        Path copy = dir.resolve(id + "-tampered");
        Files.createDirectories(copy);
        try (Stream<Path> files = Files.list(rec)) {
            for (Path f : files.toList()) Files.copy(f, copy.resolve(f.getFileName()));
        }
        byte[] seg = Files.readAllBytes(copy.resolve("seg-000001.mp4"));
        seg[seg.length / 2] ^= 0x01;
        Files.write(copy.resolve("seg-000001.mp4"), seg);
        BwcCliTest.Run tampered = BwcCliTest.bwc("evidence", "verify", copy.toString());
        assertThat(tampered.exit()).isEqualTo(1);
        assertThat(tampered.err()).contains("seg-000001.mp4");
    }

    record Probe(int exit, String out) {}

    /**
     * {@code ffprobe}'s reading of a file's duration, read as MP4: left to guess, ffprobe can take random (sealed) bytes
     * for some raw stream, which would say nothing about the media.
     */
    static Probe probeDuration(Path ffprobe, Path file) throws IOException, InterruptedException {
        Process probe = new ProcessBuilder(
                        ffprobe.toString(),
                        "-v",
                        "error",
                        "-f",
                        "mov",
                        "-show_entries",
                        "format=duration",
                        "-of",
                        "csv=p=0",
                        file.toString())
                .redirectErrorStream(true)
                .start();
        String out = new String(probe.getInputStream().readAllBytes()).trim();
        return new Probe(probe.waitFor(), out);
    }

    /** The wall clock of the first fragment line in the journal. */
    static Instant firstFragmentWallClock(Path rec) throws IOException {
        for (String line : Files.readAllLines(rec.resolve("journal.jsonl"))) {
            JsonNode n = JSON.readTree(line);
            if (n.path("type").asText().equals("fragment"))
                return Instant.parse(n.path("wallClock").asText());
        }
        throw new AssertionError("no fragment in the journal of " + rec);
    }
}
