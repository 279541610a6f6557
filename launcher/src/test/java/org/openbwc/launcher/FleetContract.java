package org.openbwc.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openbwc.config.GatewayConfig;
import org.openbwc.config.GnssConfig;
import org.openbwc.config.GnssSource;
import org.openbwc.config.HalMode;
import org.openbwc.config.MqttConfig;
import org.openbwc.config.RecordingConfig;
import org.openbwc.config.UnitConfig;
import org.openbwc.config.VideoConfig;
import org.openbwc.gateway.Gateway;
import org.openbwc.gateway.auth.TestOperators;
import org.openbwc.launcher.sim.SimulatedUnit;
import org.openbwc.launcher.sim.VirtualUnitsServer;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.tinylog.Logger;

/**
 * The whole system end to end, as the "done when" describes it: simulated units on the mock HAL (buttons through
 * Pi4J's mock GPIO), a real MQTT 5 broker, the gateway, driven only through the two HTTP APIs. Subclasses choose the broker.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class FleetContract {
    static final int KEEPALIVE_SECONDS = 2;
    static final int UNITS = 3;

    Path dir;

    Gateway gateway;
    VirtualUnitsServer sim;
    final List<SimulatedUnit> fleet = new ArrayList<>();
    final List<String> ids = new ArrayList<>();
    FleetClient client;

    /** The gateway config for this broker (embedded or external). */
    abstract GatewayConfig gatewayConfig(Path dataDir);

    /** The URL units connect to, once the gateway (and its broker, if embedded) is up. */
    abstract String unitBrokerUrl();

    @BeforeAll
    void startFleet() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 6);
        dir = TempDirs.create("bwc-fleet");
        GatewayConfig gwConfig = gatewayConfig(dir.resolve("gateway"));
        TestOperators.write(gwConfig.usersFile());
        gateway = Gateway.start(gwConfig, Gateway.CaPolicy.CREATE_IF_MISSING);
        for (int i = 1; i <= UNITS; i++) {
            String id = "it-" + run + "-" + i;
            ids.add(id);
            // Enrolled over the units' listener, as the demo's units are.
            SimulatedUnit u = new SimulatedUnit(DemoCommand.enrolment(gateway, unitConfig(id, i)), "test");
            fleet.add(u);
            u.powerOn();
        }
        sim = VirtualUnitsServer.start(fleet, "127.0.0.1", 0);
        client = new FleetClient("http://127.0.0.1:" + gateway.httpPort(), "http://127.0.0.1:" + sim.port());
        await("all units online").atMost(Duration.ofSeconds(60)).until(() -> client.onlineCount(ids) == UNITS);
    }

    UnitConfig unitConfig(String id, int n) {
        UnitConfig base = UnitConfig.defaults(id);
        // Short hold/confirm timings keep the gesture tests quick; the policy itself is unit-tested in device.
        RecordingConfig rec = base.recording().withPostEventSeconds(1);
        rec = new RecordingConfig(
                rec.preEventSeconds(),
                rec.postEventSeconds(),
                rec.preEventAudio(),
                rec.doublePressMillis(),
                1000,
                3000,
                rec.reminderIntervalSeconds(),
                rec.sosHoldMillis(),
                rec.stealthHoldMillis());
        return base.withHal(HalMode.MOCK)
                .withOfficerId("t" + n)
                .withDataDir(dir.resolve("units").resolve(id).toString())
                .withMqtt(new MqttConfig(unitBrokerUrl(), id, null, null, KEEPALIVE_SECONDS, 5, 2))
                .withRecording(rec)
                // Three units encode at once on a shared 2-core machine: keep the picture small.
                .withVideo(VideoConfig.defaults().withSize(320, 240, 10).withBitrateKbps(300))
                .withGnss(new GnssConfig(GnssSource.GPX, "127.0.0.1", 2947, "bundled:" + n));
    }

    @AfterAll
    void stopFleet() {
        for (SimulatedUnit u : fleet) u.shutdown();
        if (sim != null) sim.close();
        if (client != null) client.close();
        if (gateway != null) gateway.close();
        ClearRetained.clear(unitBrokerUrl(), ids);
        TempDirs.delete(dir);
    }

    String state(String id) throws Exception {
        return client.unit(id).map(u -> u.path("state").asText()).orElse("?");
    }

    @Test
    void everyUnitIsListedWithItsStatusAndPosition() throws Exception {
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            for (String id : ids) {
                JsonNode u = client.unit(id).orElseThrow();
                assertThat(u.path("online").asBoolean()).as(id + " online").isTrue();
                assertThat(u.path("state").asText()).isIn("BUFFERING", "RECORDING", "POST_EVENT");
                assertThat(u.path("battery").path("percent").asInt()).isBetween(1, 100);
                assertThat(u.path("location").path("lat").asDouble())
                        .as(id + " has a Berlin position")
                        .isBetween(52.3, 52.7);
                assertThat(u.path("lastSeen").isNull()).isFalse();
                assertThat(u.path("officerId").asText()).startsWith("t");
            }
        });
    }

    @Test
    void doublePressOnAVirtualUnitShowsRecordingInTheApiAndTheEventStream() throws Exception {
        String id = ids.get(0);
        BlockingQueue<String> sse = client.events();
        // The stream starts with a snapshot of every unit: wait for it so the change below is a change.
        assertThat(sse.poll(10, TimeUnit.SECONDS)).isNotNull();
        long t0 = System.nanoTime();
        assertThat(client.sim("/api/units/" + id + "/buttons/record/double-press")
                        .status())
                .isEqualTo(200);
        await().atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> state(id).equals("RECORDING"));
        long apiMillis = (System.nanoTime() - t0) / 1_000_000;
        String seen = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (seen == null && System.nanoTime() < deadline) {
            String line = sse.poll(1, TimeUnit.SECONDS);
            if (line != null && line.contains("\"" + id + "\"") && line.contains("\"RECORDING\"")) seen = line;
        }
        assertThat(seen).as("SSE shows " + id + " RECORDING").isNotNull();
        Logger.info("button-to-API latency {} ms (double-press includes ~270 ms of simulated finger time)", apiMillis);

        // A hold alone arms the stop but never stops a recording; a press after the confirm window does nothing ...
        client.sim("/api/units/" + id + "/buttons/record/hold?ms=1300");
        await().atMost(Duration.ofSeconds(10)).until(() -> stopArmedEvents(id) == 1);
        Thread.sleep(3_500); // longer than the 3 s confirm window: the armed stop expires
        client.sim("/api/units/" + id + "/buttons/record/press");
        Thread.sleep(1_000);
        assertThat(state(id)).isEqualTo("RECORDING");
        // ... but a hold and then a confirming press within the window stops it (through 1 s of post-event).
        client.sim("/api/units/" + id + "/buttons/record/hold?ms=1300");
        await().atMost(Duration.ofSeconds(10)).until(() -> stopArmedEvents(id) == 2);
        client.sim("/api/units/" + id + "/buttons/record/press");
        await().atMost(Duration.ofSeconds(10)).until(() -> state(id).equals("BUFFERING"));
    }

    long stopArmedEvents(String id) throws Exception {
        long n = 0;
        for (JsonNode e :
                client.get(client.gatewayUrl(), "/api/units/" + id + "/events").body()) {
            if (e.path("type").asText().equals("recording.stop-armed")) n++;
        }
        return n;
    }

    @Test
    void remoteCommandsReturnTheUnitsReply() throws Exception {
        String id = ids.get(1);
        FleetClient.Reply start = client.command(id, "record.start");
        assertThat(start.status()).isEqualTo(200);
        assertThat(start.body().path("ok").asBoolean()).isTrue();
        assertThat(start.body().path("unitId").asText()).isEqualTo(id);
        assertThat(start.body().path("state").asText()).isEqualTo("RECORDING");
        await().atMost(Duration.ofSeconds(5)).until(() -> state(id).equals("RECORDING"));

        FleetClient.Reply marker = client.command(id, "marker");
        assertThat(marker.body().path("ok").asBoolean()).isTrue();
        FleetClient.Reply stop = client.command(id, "record.stop", "test: end of the scenario");
        assertThat(stop.body().path("ok").asBoolean()).isTrue();
        await().atMost(Duration.ofSeconds(10)).until(() -> state(id).equals("BUFFERING"));

        FleetClient.Reply markerIdle = client.command(id, "marker");
        assertThat(markerIdle.status()).isEqualTo(422);
        assertThat(markerIdle.body().toString()).contains("not recording");
        assertThat(client.command(id, "ping").body().path("reason").asText()).isEqualTo("pong");

        FleetClient.Reply unknown = client.command(id, "self-destruct");
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.body().path("error").asText()).contains("record.start");
        assertThat(client.command("no-such-unit", "ping").status()).isEqualTo(404);
    }

    @Test
    void pullingTheBatteryMarksTheUnitOfflineThroughTheWill() throws Exception {
        String id = ids.get(2);
        await().atMost(Duration.ofSeconds(10))
                .until(() ->
                        client.unit(id).map(u -> u.path("online").asBoolean()).orElse(false));
        long t0 = System.nanoTime();
        assertThat(client.sim("/api/units/" + id + "/pull-battery").status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(KEEPALIVE_SECONDS * 3L + 10))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> !client.unit(id).orElseThrow().path("online").asBoolean());
        long millis = (System.nanoTime() - t0) / 1_000_000;
        Logger.info(
                "pull battery to offline: {} ms (keepalive {} s, limit 1.5x = {} ms)",
                millis,
                KEEPALIVE_SECONDS,
                KEEPALIVE_SECONDS * 1500);
        assertThat(client.unit(id).orElseThrow().path("state").asText()).isEqualTo("OFFLINE");
        assertThat(client.command(id, "ping").status())
                .as("commands to an offline unit fail at once")
                .isEqualTo(409);

        assertThat(client.sim("/api/units/" + id + "/power-on").status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(20))
                .until(() -> client.unit(id).orElseThrow().path("online").asBoolean());
    }

    @Test
    void bothPagesWorkInARealBrowser() throws Exception {
        String id = ids.get(1);
        WebDriver browser = HeadlessChromium.start(dir.resolve("chromium"));
        try {
            WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(20));
            // Virtual units: a double-press on the record button lights the red LED of that unit, and only of that one.
            browser.get("http://127.0.0.1:" + sim.port() + "/");
            WebElement card = wait.until(d -> d.findElement(By.id("unit-" + id)));
            card.findElement(By.cssSelector("button[data-action='/buttons/record/double-press']"))
                    .click();
            wait.until(d -> d.findElement(By.cssSelector("#unit-" + id + " .led.red"))
                    .getAttribute("class")
                    .contains("on"));
            assertThat(browser.findElement(By.cssSelector("#unit-" + ids.get(0) + " .led.red"))
                            .getAttribute("class"))
                    .doesNotContain("on");
            assertThat(card.findElement(By.cssSelector(".state")).getText()).contains("RECORDING");

            // Monitoring room: the unit shows RECORDING live, and the record.stop button on its page, confirmed with a
            // reason, gets its reply.
            MonitoringRoom.signIn(browser, client.gatewayUrl(), "/", TestOperators.SUPERVISOR);
            wait.until(d ->
                    "recording".equals(d.findElement(MonitoringRoom.row(id)).getAttribute("data-state")));
            browser.findElement(MonitoringRoom.row(id))
                    .findElement(By.cssSelector("a.unit-link"))
                    .click();
            wait.until(d -> d.findElement(By.cssSelector("#commands button[data-command='record.stop']")))
                    .click();
            wait.until(d -> d.findElement(By.id("command-reason"))).sendKeys("contract test");
            browser.findElement(By.id("command-confirm")).click();
            wait.until(d -> "ok".equals(d.findElement(By.id("command-result")).getAttribute("data-outcome")));
            assertThat(browser.findElement(By.id("command-result")).getText()).startsWith("Stop recording: done");
            wait.until(d -> "buffering"
                    .equals(d.findElement(By.cssSelector("#status .state")).getAttribute("data-state")));
        } finally {
            browser.quit();
        }
    }

    @Test
    void storageAtItsReserveStopsTheRecordingAndRefusesANewOne() throws Exception {
        String id = ids.get(1);
        assertThat(client.command(id, "record.start").body().path("ok").asBoolean())
                .isTrue();
        await().atMost(Duration.ofSeconds(5)).until(() -> state(id).equals("RECORDING"));
        try {
            assertThat(client.sim("/api/units/" + id + "/storage?freeBytes=1000000")
                            .status())
                    .isEqualTo(200);
            await().atMost(Duration.ofSeconds(10)).until(() -> state(id).equals("BUFFERING"));
            assertThat(client.get(client.gatewayUrl(), "/api/units/" + id + "/events")
                            .body()
                            .findValuesAsText("type"))
                    .contains("storage.reserve", "storage.low");
            // The signed manifest says why the recording ended, and the unit reports it with the seal.
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(client.get(client.gatewayUrl(), "/api/units/" + id + "/events")
                                    .body()
                                    .findValuesAsText("reason"))
                            .contains("storage-reserve"));
            FleetClient.Reply refused = client.command(id, "record.start");
            assertThat(refused.status()).isEqualTo(422);
            assertThat(refused.body().toString()).contains("reserve");
        } finally {
            client.sim("/api/units/" + id + "/storage");
        }
        await().atMost(Duration.ofSeconds(10))
                .until(() ->
                        client.command(id, "record.start").body().path("ok").asBoolean());
        client.command(id, "record.stop", "test: end of the scenario");
        await().atMost(Duration.ofSeconds(10)).until(() -> state(id).equals("BUFFERING"));
    }

    @Test
    void aCriticalBatteryStopsTheRecordingAndItsManifestSaysBatteryLow() throws Exception {
        String id = ids.get(2);
        assertThat(client.command(id, "record.start").body().path("ok").asBoolean())
                .isTrue();
        await().atMost(Duration.ofSeconds(5)).until(() -> state(id).equals("RECORDING"));
        try {
            assertThat(client.sim("/api/units/" + id + "/battery?percent=3").status())
                    .isEqualTo(200);
            await().atMost(Duration.ofSeconds(10)).until(() -> state(id).equals("BUFFERING"));
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(client.get(client.gatewayUrl(), "/api/units/" + id + "/events")
                                    .body()
                                    .findValuesAsText("reason"))
                            .contains("battery-low"));
        } finally {
            client.sim("/api/units/" + id + "/battery?percent=90");
        }
    }

    @Test
    void badRequestsToTheSimulatorGetClearErrors() throws Exception {
        String id = ids.get(0);
        FleetClient.Reply badButton = client.sim("/api/units/" + id + "/buttons/volume/press");
        assertThat(badButton.status()).isEqualTo(400);
        assertThat(badButton.body().path("error").asText()).contains("allowed: record, function, sos");
        assertThat(client.sim("/api/units/" + id + "/buttons/record/hold?ms=abc")
                        .status())
                .isEqualTo(400);
        assertThat(client.sim("/api/units/" + id + "/buttons/record/wiggle").status())
                .isEqualTo(400);
        assertThat(client.sim("/api/units/nobody/dock").status()).isEqualTo(404);
        assertThat(client.sim("/api/units/" + id + "/storage?freeBytes=lots").status())
                .isEqualTo(400);
        FleetClient.Reply badBattery = client.sim("/api/units/" + id + "/battery?percent=101");
        assertThat(badBattery.status()).isEqualTo(400);
        assertThat(badBattery.body().path("error").asText()).contains("out of range 0..100");
    }
}
