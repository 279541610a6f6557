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
import org.openbwc.config.BrokerConfig;
import org.openbwc.config.GatewayConfig;
import org.openbwc.config.GnssConfig;
import org.openbwc.config.GnssSource;
import org.openbwc.config.HalMode;
import org.openbwc.config.HttpConfig;
import org.openbwc.config.LiveConfig;
import org.openbwc.config.MapConfig;
import org.openbwc.config.MqttConfig;
import org.openbwc.config.UnitConfig;
import org.openbwc.config.VideoConfig;
import org.openbwc.gateway.Gateway;
import org.openbwc.launcher.sim.SimulatedUnit;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.tinylog.Logger;

/**
 * Live video in headless Chromium: a supervisor's player plays a mock unit's real H.264 stream through the gateway's
 * relay with the delay on screen, a second viewer joins without disturbing the first, closing both stops the unit's
 * uplink, and a viewer is refused.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LiveVideoBrowserTest {
    static final String UNIT = "cam-1";

    Path dir;
    Gateway gateway;
    SimulatedUnit unit;
    FleetClient client;
    String base;

    @BeforeAll
    void start() throws Exception {
        dir = TempDirs.create("bwc-live-browser");
        int brokerPort = PortCheck.freePort("127.0.0.1");
        String mqttUrl = "tcp://127.0.0.1:" + brokerPort;
        GatewayConfig gw = GatewayConfig.defaults("gw-lb")
                .withBroker(BrokerConfig.defaults().withEmbedded(true).withPort(brokerPort))
                .withMqtt(MqttConfig.defaults().withUrl(mqttUrl))
                .withHttp(HttpConfig.defaults().withPort(PortCheck.freePort("127.0.0.1")))
                .withDataDir(dir.resolve("gateway").toString())
                .withMap(MapConfig.defaults().withTileUrl(""))
                .withLive(LiveConfig.defaults().withIdleStopSeconds(2));
        TestAccounts.write(gw.usersFile());
        gateway = Gateway.start(gw);
        base = gateway.httpUrl();
        UnitConfig c = UnitConfig.defaults(UNIT).withHal(HalMode.MOCK).withOfficerId("4711")
                .withDataDir(dir.resolve("units").resolve(UNIT).toString())
                .withMqtt(new MqttConfig(mqttUrl, UNIT, null, null, 2, 5, 2))
                .withVideo(VideoConfig.defaults().withSize(640, 360, 15).withBitrateKbps(800))
                .withGnss(new GnssConfig(GnssSource.GPX, "127.0.0.1", 2947, "bundled:2"));
        unit = new SimulatedUnit(c, "test");
        unit.powerOn();
        client = new FleetClient(base, "http://unused", TestAccounts.SUPERVISOR);
        await().atMost(Duration.ofSeconds(60)).until(() -> client.onlineCount(List.of(UNIT)) == 1);
    }

    @AfterAll
    void stop() {
        if (unit != null) unit.shutdown();
        if (client != null) client.close();
        if (gateway != null) gateway.close();
        TempDirs.delete(dir);
    }

    boolean unitLive() throws Exception { return client.unit(UNIT).orElseThrow().path("live").asBoolean(); }

    @Test
    void aSupervisorWatchesLiveWithTheDelayShownASecondViewerJoinsAndClosingBothStopsTheUplink() throws Exception {
        WebDriver first = HeadlessChromium.start(dir.resolve("chromium-1"));
        WebDriver second = null;
        try {
            MonitoringRoom.signIn(first, base, "/live/" + UNIT, TestAccounts.SUPERVISOR);
            WebElement video = new WebDriverWait(first, Duration.ofSeconds(30)).until(d -> {
                WebElement v = d.findElement(By.cssSelector("video.live-player"));
                return "playing".equals(v.getAttribute("data-state")) && v.getAttribute("data-latency-ms") != null ? v : null;
            });
            double t0 = currentTime(first);
            Thread.sleep(1_500);
            assertThat(currentTime(first)).as("the video plays").isGreaterThan(t0 + 0.5);
            long latency = Long.parseLong(video.getAttribute("data-latency-ms"));
            String firstFrame = video.getAttribute("data-first-frame-ms");
            Logger.info("live in the browser: latency {} ms, first frame {} ms after opening", latency, firstFrame);
            assertThat(latency).as("glass-to-glass delay on the player").isBetween(0L, 1_500L);
            MonitoringRoom.screenshot(first, "live-view");
            await().atMost(Duration.ofSeconds(10)).until(this::unitLive);

            // A second viewer (another browser) joins; the first keeps playing.
            second = HeadlessChromium.start(dir.resolve("chromium-2"));
            MonitoringRoom.signIn(second, base, "/live/" + UNIT, TestAccounts.ADMIN);
            new WebDriverWait(second, Duration.ofSeconds(30)).until(d ->
                    "playing".equals(d.findElement(By.cssSelector("video.live-player")).getAttribute("data-state")));
            double before = currentTime(first);
            Thread.sleep(1_500);
            assertThat(currentTime(first)).as("the first viewer was not disturbed").isGreaterThan(before + 0.5);
            await().atMost(Duration.ofSeconds(10)).until(() -> client.unit(UNIT).orElseThrow().path("viewers").asInt() == 2);

            // Closing both: the gateway stops the unit's uplink after its idle time.
            second.quit();
            second = null;
            first.quit();
            first = null;
            await().atMost(Duration.ofSeconds(30)).until(() -> !unitLive());
        } finally {
            if (first != null) first.quit();
            if (second != null) second.quit();
        }
    }

    @Test
    void aViewerIsRefusedLiveVideo() {
        WebDriver browser = HeadlessChromium.start(dir.resolve("chromium-viewer"));
        try {
            MonitoringRoom.signIn(browser, base, "/live/" + UNIT, TestAccounts.VIEWER);
            WebElement video = new WebDriverWait(browser, Duration.ofSeconds(20)).until(d -> {
                WebElement v = d.findElement(By.cssSelector("video.live-player"));
                return "error".equals(v.getAttribute("data-state")) ? v : null;
            });
            assertThat(video.getAttribute("data-error")).contains("needs the role supervisor");
        } finally {
            browser.quit();
        }
    }

    private static double currentTime(WebDriver browser) {
        Object t = ((JavascriptExecutor) browser).executeScript("return document.querySelector('video.live-player').currentTime;");
        return ((Number) t).doubleValue();
    }
}
