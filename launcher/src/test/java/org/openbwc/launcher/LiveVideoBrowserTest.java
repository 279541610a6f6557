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
import org.openbwc.config.LiveConfig;
import org.openbwc.gateway.auth.TestOperators;
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

    TestFleet fleet;
    FleetClient client;
    String base;
    Path dir;

    @BeforeAll
    void start() {
        fleet = TestFleet.start(
                "live-browser",
                gw -> gw.withLive(LiveConfig.defaults().withIdleStopSeconds(2)),
                List.of(new TestFleet.Unit(UNIT, 640, 360, 15, 800)));
        base = fleet.base();
        dir = fleet.dir;
        client = fleet.client(TestOperators.SUPERVISOR);
    }

    @AfterAll
    void stop() {
        if (client != null) client.close();
        if (fleet != null) fleet.close();
    }

    boolean unitLive() throws Exception {
        return client.unit(UNIT).orElseThrow().path("live").asBoolean();
    }

    @Test
    void aSupervisorWatchesLiveWithTheDelayShownASecondViewerJoinsAndClosingBothStopsTheUplink() throws Exception {
        WebDriver first = HeadlessChromium.start(dir.resolve("chromium-1"));
        WebDriver second = null;
        try {
            MonitoringRoom.signIn(first, base, "/live/" + UNIT, TestOperators.SUPERVISOR);
            WebElement video = new WebDriverWait(first, Duration.ofSeconds(30)).until(d -> {
                WebElement v = d.findElement(By.cssSelector("video.live-player"));
                return "playing".equals(v.getAttribute("data-state")) && v.getAttribute("data-latency-ms") != null
                        ? v
                        : null;
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

            // Recording while watched: the page links the recording being made.
            assertThat(first.findElement(By.id("unit-recording")).isDisplayed()).isFalse();
            assertThat(client.command(UNIT, "record.start").status()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(15))
                    .until(() -> !client.unit(UNIT)
                            .orElseThrow()
                            .path("recordingId")
                            .asText("")
                            .isEmpty());
            String recordingId =
                    client.unit(UNIT).orElseThrow().path("recordingId").asText();
            WebElement link = new WebDriverWait(first, Duration.ofSeconds(15)).until(d -> {
                WebElement a = d.findElement(By.id("unit-recording"));
                return a.isDisplayed() ? a : null;
            });
            assertThat(link.getText()).contains(recordingId);
            assertThat(link.getAttribute("href")).endsWith("/recordings/" + recordingId);

            // A second viewer (another browser) joins; the first keeps playing.
            second = HeadlessChromium.start(dir.resolve("chromium-2"));
            MonitoringRoom.signIn(second, base, "/live/" + UNIT, TestOperators.ADMIN);
            new WebDriverWait(second, Duration.ofSeconds(30))
                    .until(d -> "playing"
                            .equals(d.findElement(By.cssSelector("video.live-player"))
                                    .getAttribute("data-state")));
            double before = currentTime(first);
            Thread.sleep(1_500);
            assertThat(currentTime(first))
                    .as("the first viewer was not disturbed")
                    .isGreaterThan(before + 0.5);
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> client.unit(UNIT).orElseThrow().path("viewers").asInt() == 2);

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
    void theVideoWallPlaysTheUnitsInItsAddress() throws Exception {
        WebDriver browser = HeadlessChromium.start(dir.resolve("chromium-wall"));
        try {
            MonitoringRoom.signIn(browser, base, "/wall?units=" + UNIT, TestOperators.SUPERVISOR);
            new WebDriverWait(browser, Duration.ofSeconds(30))
                    .until(d -> "playing"
                            .equals(d.findElement(
                                            By.cssSelector(".wall-tile[data-unit-id='" + UNIT + "'] video.live-player"))
                                    .getAttribute("data-state")));
            assertThat(browser.findElements(By.cssSelector(".wall-tile"))).hasSize(4);
            MonitoringRoom.screenshot(browser, "video-wall");
        } finally {
            browser.quit();
        }
    }

    @Test
    void aViewerIsRefusedLiveVideo() throws Exception {
        WebDriver browser = HeadlessChromium.start(dir.resolve("chromium-viewer"));
        try {
            // The page says why in words, and asks the gateway nothing it would refuse.
            MonitoringRoom.signIn(browser, base, "/live/" + UNIT, TestOperators.VIEWER);
            new WebDriverWait(browser, Duration.ofSeconds(20))
                    .until(d -> d.findElement(By.id("live-stage")).getText().equals("Live video is for supervisors."));
            assertThat(browser.findElements(By.cssSelector("video.live-player")))
                    .isEmpty();
            assertThat(browser.findElement(By.tagName("body")).getText()).doesNotContain("Try again");
        } finally {
            browser.quit();
        }
        // The gateway refuses anyway.
        try (FleetClient viewer = fleet.client(TestOperators.VIEWER)) {
            FleetClient.Reply refused = viewer.post(base, "/api/live/" + UNIT, null);
            assertThat(refused.status()).isEqualTo(403);
            assertThat(refused.body().path("error").asText()).contains("needs the role supervisor");
        }
    }

    private static double currentTime(WebDriver browser) {
        Object t = ((JavascriptExecutor) browser)
                .executeScript("return document.querySelector('video.live-player').currentTime;");
        return ((Number) t).doubleValue();
    }
}
