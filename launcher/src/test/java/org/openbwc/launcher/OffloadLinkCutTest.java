package org.openbwc.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openbwc.config.GatewayConfig;
import org.openbwc.config.OffloadConfig;
import org.openbwc.config.OffloadWhen;
import org.openbwc.device.identity.UnitKeyFiles;
import org.openbwc.device.identity.UnitTlsContext;
import org.openbwc.device.offload.OffloadReceipts;
import org.openbwc.device.offload.UnitOffload;
import org.openbwc.evidence.EvidenceVerifier;
import org.openbwc.evidence.RecordingLayout;
import org.openbwc.evidence.SyntheticRecording;
import org.openbwc.gateway.Gateway;
import org.openbwc.gateway.identity.EnrolmentService;
import org.openbwc.gateway.identity.TestEnrolment;
import org.openbwc.hal.StorageReading;
import org.openbwc.store.IndexedRecording;
import org.openbwc.store.OffloadState;
import org.openbwc.testsupport.TcpProxy;
import org.tinylog.Logger;

/**
 * Offload over a link that breaks: a real gateway (embedded broker, units' listener) and an enrolled unit's real
 * {@link UnitOffload} sending a signed recording of ~9 MiB in 1 MiB parts through a {@link TcpProxy}. The link is cut
 * mid-segment, the gateway is stopped mid-segment and a new one started on the same data folder and port, or a gateway
 * running as its own process ({@code bwc gateway}) is killed with SIGKILL mid-segment and started again; each way the
 * recording ends up stored and verified, byte for byte, the unit holds the receipt, and no more than one part was sent
 * again.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class OffloadLinkCutTest {
    static final String UNIT = "bwc-015";
    static final int PART_BYTES = 1 << 20;

    Path dir;
    GatewayConfig config;
    Gateway gateway;
    TcpProxy proxy;
    UnitOffload offload;
    TestEnrolment.UnitKeys keys;
    Path unitDir;
    SyntheticRecording rec;
    long size;

    @BeforeEach
    void start() throws IOException {
        dir = TempDirs.create("bwc-offload-cut");
        // Fixed free ports, as TestFleet has them, so that a new gateway can take over the old one's.
        config = TestGateways.embedded("gw-offload", dir.resolve("gateway"));
        gateway = Gateway.start(config, Gateway.CaPolicy.CREATE_IF_MISSING);

        // Enrolled as a unit enrols: its own TLS key and evidence key; the gateway pins the evidence key.
        keys = TestEnrolment.unit(UNIT);
        EnrolmentService enrolment = gateway.enrolment();
        EnrolmentService.Enrolled enrolled =
                enrolment.enrol("test", UNIT, enrolment.add(UNIT).token(), keys.csrPem(), keys.evidenceKeyPem());
        unitDir = dir.resolve("unit");
        Path keyFolder = Files.createDirectories(unitDir.resolve("keys"));
        TestEnrolment.keep(keys, enrolled.certificatePem(), enrolled.caPem(), keyFolder);

        // 3 segments of 50 fragments of 40-80 KB (a unit's 100 ms at a few Mbit/s): ~9 MiB, signed by the unit's key.
        rec = SyntheticRecording.make(UNIT + "-20261207-0330", UNIT, keys.evidence(), 3, 50, 40_000, 15);
        rec.writeTo(unitDir.resolve("evidence"));
        size = rec.manifest.length + rec.journal.length;
        for (byte[] s : rec.segments.values()) size += s.length;

        proxy = new TcpProxy("tcp://127.0.0.1:" + gateway.unitPort());
        URI base = URI.create("https://127.0.0.1:" + proxy.port());
        // 8 Mbit/s: about 9 s for the recording, so that the breaks below land inside a segment, not between files.
        OffloadConfig offloadConfig = new OffloadConfig(OffloadWhen.ANY_LINK, base.toString(), 8, 1, true);
        offload = new UnitOffload(
                UNIT,
                offloadConfig,
                base,
                new UnitTlsContext(new UnitKeyFiles(keyFolder)),
                unitDir.resolve("evidence"),
                unitDir.resolve("offload"),
                () -> true,
                () -> new StorageReading(90, 100),
                10);
    }

    @AfterEach
    void stop() {
        if (offload != null) offload.close();
        if (proxy != null) proxy.close();
        BackgroundClose.gatewayAndFolder(gateway, dir);
    }

    @Test
    void aLinkCutMidSegmentResendsAtMostOnePartAndTheRecordingArrivesWhole() throws Exception {
        offload.start();
        awaitStaged("seg-000002.mp4", PART_BYTES + PART_BYTES / 2);

        proxy.cut();
        proxy.restore();

        assertStoredVerifiedAndReceipted();
    }

    @Test
    void aGatewayRestartMidSegmentResendsAtMostOnePartAndTheRecordingArrivesWhole() throws Exception {
        offload.start();
        awaitStaged("seg-000002.mp4", PART_BYTES + PART_BYTES / 2);

        gateway.close();
        gateway = null;
        gateway = Gateway.start(config, Gateway.CaPolicy.CREATE_IF_MISSING);

        assertStoredVerifiedAndReceipted();
    }

    @Test
    void aGatewayProcessKilledMidSegmentResendsAtMostOnePartAndTheRecordingArrivesWhole() throws Exception {
        // The in-process gateway made the CA and enrolled the unit; a gateway process takes over its data folder.
        gateway.close();
        gateway = null;
        Path yaml = gatewayFile();
        Process first = startGatewayProcess(yaml, "first");
        try {
            offload.start();
            awaitStaged("seg-000002.mp4", PART_BYTES + PART_BYTES / 2);
            first.destroyForcibly(); // SIGKILL: no shutdown hook, nothing flushed or closed
            assertThat(first.waitFor(30, TimeUnit.SECONDS))
                    .as("killed gateway gone")
                    .isTrue();
        } finally {
            first.destroyForcibly();
        }
        Process second = startGatewayProcess(yaml, "second");
        try {
            OffloadReceipts receipts =
                    new OffloadReceipts(unitDir.resolve("offload").resolve("receipts"));
            await("the unit's receipt from the restarted gateway")
                    .atMost(Duration.ofSeconds(150))
                    .until(() -> receipts.has(rec.id));
        } finally {
            second.destroy(); // SIGTERM: the gateway closes its database, so the checks below can open it
            if (!second.waitFor(30, TimeUnit.SECONDS)) second.destroyForcibly();
        }
        gateway = Gateway.start(config, Gateway.CaPolicy.CREATE_IF_MISSING);
        assertStoredVerifiedAndReceipted();
    }

    /** The test gateway's settings as a gateway.yaml for {@code bwc gateway --config}. */
    Path gatewayFile() throws IOException {
        String yaml = String.join(
                "\n",
                "gatewayId: " + config.gatewayId(),
                "mqtt:",
                "  url: " + config.mqtt().url(),
                "broker:",
                "  embedded: true",
                "  host: " + config.broker().host(),
                "  port: " + config.broker().port(),
                "http:",
                "  host: " + config.http().host(),
                "  port: " + config.http().port(),
                "  unitPort: " + config.http().unitPort(),
                "dataDir: \"" + Path.of(config.dataDir()).toAbsolutePath() + "\"",
                "");
        return Files.writeString(dir.resolve("gateway.yaml"), yaml);
    }

    /** {@code bwc gateway --config yaml} in a JVM of its own, once its units' listener takes connections. */
    Process startGatewayProcess(Path yaml, String name) throws IOException {
        await("ports free for the " + name + " gateway")
                .atMost(Duration.ofSeconds(30))
                .until(() -> PortCheck.isFree("127.0.0.1", config.http().unitPort())
                        && PortCheck.isFree("127.0.0.1", config.http().port())
                        && PortCheck.isFree("127.0.0.1", config.broker().port()));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(
                        java,
                        "--enable-native-access=ALL-UNNAMED",
                        "-cp",
                        System.getProperty("java.class.path"),
                        Bwc.class.getName(),
                        "gateway",
                        "--config",
                        yaml.toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("gateway-" + name + ".log").toFile())
                .start();
        try {
            await("the " + name + " gateway's units' listener")
                    .atMost(Duration.ofSeconds(90))
                    .until(() -> {
                        if (!p.isAlive())
                            throw new AssertionError("the " + name + " gateway exited: "
                                    + Files.readString(dir.resolve("gateway-" + name + ".log")));
                        return !PortCheck.isFree("127.0.0.1", config.http().unitPort());
                    });
        } catch (RuntimeException | AssertionError e) {
            p.destroyForcibly();
            throw e;
        }
        return p;
    }

    /** Waits until the gateway has staged at least {@code bytes} of {@code file}: the upload is inside that file. */
    void awaitStaged(String file, long bytes) {
        Path staged = Path.of(config.dataDir())
                .resolve("offload")
                .resolve(UNIT)
                .resolve(rec.id)
                .resolve(file);
        await(file + " under way")
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> Files.exists(staged) && Files.size(staged) >= bytes);
    }

    void assertStoredVerifiedAndReceipted() throws Exception {
        OffloadReceipts receipts =
                new OffloadReceipts(unitDir.resolve("offload").resolve("receipts"));
        await("the unit's receipt").atMost(Duration.ofSeconds(150)).until(() -> receipts.has(rec.id));

        IndexedRecording indexed = gateway.evidenceIndex().find(rec.id).orElseThrow();
        assertThat(indexed.recording().offloadState()).isEqualTo(OffloadState.STORED);
        assertThat(indexed.recording().verified()).isTrue();
        Path stored = config.evidenceDir().resolve(UNIT).resolve(rec.id);
        assertThat(new EvidenceVerifier()
                        .verify(stored, Optional.of(keys.evidence().getPublic()))
                        .ok())
                .isTrue();
        // Nothing lost or changed: every file in the store is the unit's, byte for byte.
        assertThat(Files.readAllBytes(stored.resolve(RecordingLayout.MANIFEST_FILE)))
                .isEqualTo(rec.manifest);
        assertThat(Files.readAllBytes(stored.resolve(RecordingLayout.JOURNAL_FILE)))
                .isEqualTo(rec.journal);
        for (Map.Entry<String, byte[]> s : rec.segments.entrySet()) {
            assertThat(Files.readAllBytes(stored.resolve(s.getKey()))).isEqualTo(s.getValue());
        }
        // The unit keeps its copy (storage is not low) alongside the receipt.
        assertThat(unitDir.resolve("evidence").resolve(rec.id).resolve(RecordingLayout.MANIFEST_FILE))
                .exists();
        // A break loses at most the part in flight: the store confirms every part it wrote, and the unit resumes there.
        Logger.info("offload over a break: {} bytes sent again ({} a part)", offload.bytesSent() - size, PART_BYTES);
        assertThat(offload.bytesSent()).as("bytes sent in parts").isBetween(size, size + PART_BYTES);
    }
}
