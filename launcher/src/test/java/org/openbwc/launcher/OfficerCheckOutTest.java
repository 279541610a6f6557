package org.openbwc.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openbwc.config.OfficersConfig;
import org.openbwc.device.DataFolder;
import org.openbwc.device.UnitRuntime;
import org.openbwc.gateway.auth.TestOperators;
import org.openbwc.launcher.sim.SimulatedUnit;

/**
 * The check-out end to end: `bwc gateway officer add` and `bwc gateway assign` against a running gateway (embedded
 * broker, a mock unit): the unit's status, the officer its overlay burns in, its kept assignment and the manifest of
 * its next recording all carry the officer; docking unassigns where the policy says so; and the CLI says clearly when
 * no gateway answers.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class OfficerCheckOutTest {
    TestFleet fleet;

    @AfterEach
    void stop() {
        if (fleet != null) fleet.close();
    }

    /** Runs {@code bwc gateway ...} as the supervisor, the password piped in. */
    BwcCliTest.Run gateway(Path config, String... args) {
        InputStream stdin = System.in;
        System.setIn(new ByteArrayInputStream(
                (TestOperators.password(TestOperators.SUPERVISOR) + "\n").getBytes(StandardCharsets.UTF_8)));
        try {
            String[] all = Stream.concat(
                            Stream.of("gateway"),
                            Stream.concat(
                                    Stream.of(args),
                                    Stream.of(
                                            "--config",
                                            config.toString(),
                                            "--url",
                                            fleet.base(),
                                            "--user",
                                            TestOperators.SUPERVISOR,
                                            "--password-stdin")))
                    .toArray(String[]::new);
            return BwcCliTest.bwc(all);
        } finally {
            System.setIn(stdin);
        }
    }

    @Test
    void assigningFromTheCliChangesTheUnitsStatusOverlayAndNextRecordingLiveAndDockingUnassigns() throws Exception {
        fleet = TestFleet.start(
                "officers", c -> c.withOfficers(new OfficersConfig(true)), List.of(TestFleet.Unit.small("bwc-o1")));
        Path config = fleet.dir.resolve("gateway.yaml");
        Files.writeString(
                config, "gatewayId: " + fleet.config.gatewayId() + "\ndataDir: " + fleet.config.dataDir() + "\n");
        SimulatedUnit unit = fleet.units.get(0);
        UnitRuntime runtime = unit.runtime();
        assertThat(runtime.officerId()).as("the config's officer").isEqualTo("471");
        assertThat(runtime.overlayOfficer()).isEqualTo("471");

        BwcCliTest.Run added =
                gateway(config, "officer", "add", "k-9/12", "--name", "Kari Nordmann", "--callsign", "ALPHA 1");
        assertThat(added.exit()).as(added.err()).isZero();
        BwcCliTest.Run assigned = gateway(config, "assign", "bwc-o1", "k-9/12");

        assertThat(assigned.exit()).as(assigned.err()).isZero();
        assertThat(assigned.out()).contains("Assigned officer k-9/12 to unit bwc-o1", "the unit confirmed");
        assertThat(runtime.officerId()).isEqualTo("k-9/12");
        await("the overlay burns in the new officer")
                .atMost(Duration.ofSeconds(10))
                .until(() -> runtime.overlayOfficer().equals("k-9/12"));
        assertThat(Files.readString(DataFolder.of(unit.config()).officer())).contains("k-9/12", "ALPHA 1");
        try (FleetClient client = fleet.client(TestOperators.SUPERVISOR)) {
            await("the room sees the unit's new officer")
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> client.unit("bwc-o1")
                            .orElseThrow()
                            .path("officerId")
                            .asText()
                            .equals("k-9/12"));
            BwcCliTest.Run listed = gateway(config, "officer", "list");
            assertThat(listed.out()).containsPattern("k-9/12\\s+ALPHA 1\\s+Kari Nordmann\\s+bwc-o1");

            // A new recording names the new officer in its manifest.
            assertThat(client.command("bwc-o1", "record.start").status()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> runtime.lastStatus().recordingId() != null);
            String recordingId = runtime.lastStatus().recordingId();
            assertThat(client.command("bwc-o1", "record.stop", "test over").status())
                    .isEqualTo(200);
            Path manifest =
                    DataFolder.of(unit.config()).evidence().resolve(recordingId).resolve("manifest.json");
            await("the recording is sealed").atMost(Duration.ofSeconds(60)).until(() -> Files.exists(manifest));
            assertThat(Files.readString(manifest)).contains("\"officerId\"").contains("k-9/12");

            // The check-in: docking unassigns (officers.unassignOnDock: true).
            unit.controls().setDocked(true);
            await("docking unassigns")
                    .atMost(Duration.ofSeconds(20))
                    .until(() -> runtime.officerId().isEmpty());
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> runtime.overlayOfficer().isEmpty());
            BwcCliTest.Run afterDock = gateway(config, "officer", "list");
            assertThat(afterDock.out()).containsPattern("k-9/12\\s+ALPHA 1\\s+Kari Nordmann\\s+-");
        }

        // A restarted unit keeps the gateway's word over its config's officer.
        unit.shutdown();
        unit.powerOn();
        assertThat(unit.runtime().officerId()).isEmpty();
    }

    @Test
    void theCliSaysWhenNoGatewayAnswers() throws Exception {
        Path dir = TempDirs.create("bwc-officers-cli");
        try {
            Path config = dir.resolve("gateway.yaml");
            Files.writeString(config, "gatewayId: gw-1\ndataDir: " + dir.resolve("data") + "\n");
            int port = PortCheck.freePort("127.0.0.1");
            InputStream stdin = System.in;
            System.setIn(new ByteArrayInputStream("pw\n".getBytes(StandardCharsets.UTF_8)));
            BwcCliTest.Run run;
            try {
                run = BwcCliTest.bwc(
                        "gateway",
                        "assign",
                        "bwc-1",
                        "4711",
                        "--config",
                        config.toString(),
                        "--url",
                        "http://127.0.0.1:" + port,
                        "--user",
                        "sam",
                        "--password-stdin");
            } finally {
                System.setIn(stdin);
            }
            assertThat(run.exit()).isEqualTo(2);
            assertThat(run.err())
                    .contains("the gateway is not reachable at http://127.0.0.1:" + port, "is it running?");
        } finally {
            TempDirs.delete(dir);
        }
    }
}
