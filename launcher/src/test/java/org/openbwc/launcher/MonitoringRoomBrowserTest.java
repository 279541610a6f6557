package org.openbwc.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openbwc.gateway.Gateway;
import org.openbwc.gateway.auth.TestOperators;
import org.openbwc.launcher.sim.VirtualUnitsServer;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.tinylog.Logger;

/**
 * The monitoring room in headless Chromium against a demo-like fleet (embedded broker, three mock units): sign in,
 * the fleet on list and map, a button press showing up live, an SOS acknowledged (and kept on screen), a unit commanded, roles, and a
 * gateway restart the open page survives without a reload. Screenshots land in target/screenshots.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MonitoringRoomBrowserTest {
    static final int UNITS = 3;

    TestFleet fleet;
    VirtualUnitsServer sim;
    List<String> ids;
    FleetClient client;
    String base;
    Path dir;

    @BeforeAll
    void start() {
        fleet = TestFleet.start(
                "room",
                gw -> gw,
                List.of(
                        TestFleet.Unit.small("room-1"),
                        TestFleet.Unit.small("room-2"),
                        TestFleet.Unit.small("room-3")));
        ids = fleet.ids;
        dir = fleet.dir;
        base = fleet.base();
        sim = VirtualUnitsServer.start(fleet.units, "127.0.0.1", 0);
        client = new FleetClient(base, "http://127.0.0.1:" + sim.port());
    }

    @AfterAll
    void stop() {
        if (sim != null) sim.close();
        if (client != null) client.close();
        if (fleet != null) fleet.close();
    }

    @Test
    void aSupervisorSeesTheFleetActsOnAnSosCommandsAUnitAndSurvivesAGatewayRestart() throws Exception {
        WebDriver browser = HeadlessChromium.start(dir.resolve("chromium-supervisor"));
        try {
            WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
            MonitoringRoom.signIn(browser, base, "/", TestOperators.SUPERVISOR);

            // Every unit on the list and on the map, with a position (markers only exist for located units).
            for (String id : ids) {
                wait.until(d -> d.findElement(MonitoringRoom.row(id)));
                wait.until(d -> d.findElement(MonitoringRoom.marker(id)));
            }
            assertThat(browser.findElements(By.cssSelector("#units tbody tr[data-id]")))
                    .hasSize(UNITS);

            // A double-press on a virtual unit: its row and marker turn to RECORDING within a second of the request,
            // which includes the ~390 ms the simulated finger takes (press, gap, press).
            String id = ids.get(0);
            assertThat(browser.findElement(MonitoringRoom.row(id)).getAttribute("data-state"))
                    .isEqualTo("buffering");
            assertThat(client.sim("/api/units/" + id + "/buttons/record/double-press")
                            .status())
                    .isEqualTo(200);
            long pressed = System.nanoTime();
            new WebDriverWait(browser, Duration.ofSeconds(1), Duration.ofMillis(20))
                    .until(d -> "recording"
                                    .equals(d.findElement(MonitoringRoom.row(id))
                                            .getAttribute("data-state"))
                            && "recording"
                                    .equals(d.findElement(MonitoringRoom.marker(id))
                                            .getAttribute("data-state")));
            Logger.info(
                    "double-press to RECORDING on the operator's screen: {} ms after the request (gesture ~390 ms)",
                    (System.nanoTime() - pressed) / 1_000_000);
            assertThat(browser.findElement(MonitoringRoom.row(id))
                            .findElement(By.cssSelector(".state"))
                            .getText())
                    .startsWith("RECORDING");
            MonitoringRoom.screenshot(browser, "fleet-map");

            // SOS: a banner that stays, an alarm tone, until an operator acknowledges it.
            String sosUnit = ids.get(1);
            assertThat(client.sim("/api/units/" + sosUnit + "/buttons/sos/hold?ms=2300")
                            .status())
                    .isEqualTo(200);
            WebElement sos = wait.until(d -> d.findElement(MonitoringRoom.openAlert("sos")));
            assertThat(sos.getText()).contains(sosUnit);
            wait.until(d ->
                    "sos".equals(d.findElement(MonitoringRoom.marker(sosUnit)).getAttribute("data-state")));
            assertThat(browser.findElement(By.tagName("body")).getAttribute("data-alarm"))
                    .isEqualTo("sounding");
            // The SOS started the unit's live stream by itself: the operator already watches it in the banner.
            wait.until(d -> "playing"
                    .equals(d.findElement(By.cssSelector(".alert[data-type='sos'] video.live-player"))
                            .getAttribute("data-state")));
            MonitoringRoom.screenshot(browser, "fleet-sos");
            sos.findElement(By.cssSelector("button.ack")).click();
            // Acknowledged is not over: the SOS stays in the banner, compact, with its player, until it is resolved.
            wait.until(d -> "acknowledged"
                    .equals(d.findElement(MonitoringRoom.openAlert("sos")).getAttribute("data-state")));
            assertThat(browser.findElements(By.cssSelector(".alert[data-type='sos'] video.live-player")))
                    .as("the banner keeps the SOS unit's player")
                    .hasSize(1);
            assertThat(browser.findElement(By.tagName("body")).getAttribute("data-alarm"))
                    .isEqualTo("quiet");
            assertThat(client.get(base, "/api/alerts").body().findValuesAsText("acknowledgedBy"))
                    .contains(TestOperators.SUPERVISOR);

            // The unit page: live status, trail, timeline, and a command with the unit's reply.
            browser.get(base + "/units/" + id);
            wait.until(d -> "recording"
                    .equals(d.findElement(By.cssSelector("#status .state")).getAttribute("data-state")));
            wait.until(d -> d.findElement(By.cssSelector("#commands button[data-command='marker']")))
                    .click();
            wait.until(d -> "ok".equals(d.findElement(By.id("command-result")).getAttribute("data-outcome")));
            wait.until(d -> !d.findElements(By.cssSelector("#timeline li[data-type='marker']"))
                    .isEmpty());
            wait.until(d -> !d.findElements(By.cssSelector("#recordings tbody tr[data-recording-id]"))
                    .isEmpty());
            MonitoringRoom.screenshot(browser, "unit-page");

            // Gateway restart (with its embedded broker): the open page shows the loss, then resynchronises by itself.
            ((JavascriptExecutor) browser).executeScript("window.__sameDocument = 'yes';");
            fleet.gateway.close();
            wait.until(d -> "lost".equals(d.findElement(By.id("conn")).getAttribute("data-state")));
            fleet.gateway = Gateway.start(fleet.config, Gateway.CaPolicy.CREATE_IF_MISSING);
            await("units back").atMost(Duration.ofSeconds(60)).until(() -> client.onlineCount(ids) == UNITS);
            assertThat(client.command(id, "record.stop", "test: end of the scenario")
                            .status())
                    .isEqualTo(200);
            wait.until(d -> "live".equals(d.findElement(By.id("conn")).getAttribute("data-state")));
            wait.until(d -> List.of("post_event", "buffering")
                    .contains(d.findElement(By.cssSelector("#status .state")).getAttribute("data-state")));
            assertThat(((JavascriptExecutor) browser).executeScript("return window.__sameDocument;"))
                    .as("no reload happened")
                    .isEqualTo("yes");
        } finally {
            browser.quit();
        }
    }

    @Test
    void aViewerSeesButCannotCommandOrAcknowledge() throws Exception {
        WebDriver browser = HeadlessChromium.start(dir.resolve("chromium-viewer"));
        try {
            WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
            String id = ids.get(2);
            MonitoringRoom.signIn(browser, base, "/units/" + id, TestOperators.VIEWER);
            wait.until(d -> d.findElement(By.cssSelector("#status .state")).getAttribute("data-state") != null);
            assertThat(browser.findElements(By.cssSelector("#commands button"))).isEmpty();
            assertThat(browser.findElements(By.cssSelector("button.ack"))).isEmpty();
            try (FleetClient viewer = new FleetClient(base, "http://unused", TestOperators.VIEWER)) {
                FleetClient.Reply refused = viewer.command(id, "locate");
                assertThat(refused.status()).isEqualTo(403);
                assertThat(refused.body().path("error").asText()).contains("needs the role supervisor");
                assertThat(viewer.units()).hasSize(UNITS);
            }
        } finally {
            browser.quit();
        }
    }
}
