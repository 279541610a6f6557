package org.openbwc.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.openbwc.gateway.auth.TestOperators;
import org.openbwc.launcher.sim.VirtualUnitsServer;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The fleet page through an emergency, as a control room lives it: a routine recording start that stays in the event
 * feed, an SOS held on a virtual unit whose battery is then pulled (the row, the count, the marker and the API keep
 * the SOS, marked last known), a supervisor who acknowledges it (it stays on screen, compact, with its player) and
 * resolves it with a note; the layout at 1600x900 and 1280x720 during the SOS. Screenshots go to target/screenshots,
 * and to docs/screenshots as well with {@code -Dbwc.screenshots.docs=true}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ControlRoomEmergencyBrowserTest {
    static final String NOTE = "Officer safe; camera torn off in a struggle, found by unit 12";

    TestFleet fleet;
    VirtualUnitsServer sim;
    List<String> ids;
    FleetClient client;
    String base;

    @BeforeAll
    void start() {
        fleet = TestFleet.start(
                "emergency",
                gw -> gw,
                List.of(
                        TestFleet.Unit.small("cr-1"),
                        TestFleet.Unit.small("cr-2"),
                        TestFleet.Unit.small("cr-3"),
                        TestFleet.Unit.small("cr-4")));
        ids = fleet.ids;
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
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void anSosOutlivesItsUnitGoingOfflineAndLeavesOnlyWhenASupervisorResolvesIt() throws Exception {
        WebDriver browser = HeadlessChromium.start(fleet.dir.resolve("chromium-emergency"));
        try {
            WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
            MonitoringRoom.viewport(browser, 1600, 900);
            MonitoringRoom.signIn(browser, base, "/", TestOperators.SUPERVISOR);
            for (String id : ids) {
                wait.until(d -> d.findElement(MonitoringRoom.row(id)));
                wait.until(d -> d.findElement(MonitoringRoom.marker(id)));
            }

            // Routine: a recording started by a double-press is an event in the feed, not an alert in the banner.
            String routine = ids.get(0);
            assertThat(client.sim("/api/units/" + routine + "/buttons/record/double-press")
                            .status())
                    .isEqualTo(200);
            wait.until(d -> "recording"
                    .equals(d.findElement(MonitoringRoom.row(routine)).getAttribute("data-state")));
            wait.until(d -> !d.findElements(
                            By.cssSelector("#events li[data-type='recording.started'][data-unit-id='" + routine + "']"))
                    .isEmpty());
            assertThat(browser.findElements(By.cssSelector("#alert-banner .alert[data-type='recording.started']")))
                    .as("a routine recording start asks nobody to acknowledge it")
                    .isEmpty();
            assertThat(client.get(base, "/api/alerts").body().findValuesAsText("type"))
                    .doesNotContain("recording.started");

            // SOS held on a unit: the banner with the unit's live picture, the alarm, the tab title and icon.
            String sosUnit = ids.get(1);
            assertThat(client.sim("/api/units/" + sosUnit + "/buttons/sos/hold?ms=2300")
                            .status())
                    .isEqualTo(200);
            WebElement sos = wait.until(d -> d.findElement(MonitoringRoom.openAlert("sos")));
            assertThat(sos.getAttribute("data-state")).isEqualTo("open");
            assertThat(sos.getText()).contains(sosUnit).contains("officer 472");
            wait.until(
                    d -> "sos".equals(d.findElement(MonitoringRoom.row(sosUnit)).getAttribute("data-state")));
            wait.until(d ->
                    "sos".equals(d.findElement(MonitoringRoom.marker(sosUnit)).getAttribute("data-state")));
            assertThat(browser.findElement(By.tagName("body")).getAttribute("data-alarm"))
                    .isEqualTo("sounding");
            assertThat(browser.getTitle()).startsWith("⚠ SOS " + sosUnit);
            assertThat(js(browser, "return document.querySelector(\"link[rel~='icon']\").dataset.sos"))
                    .isEqualTo("true");
            assertThat(browser.findElements(By.cssSelector("#units tbody tr[data-id]"))
                            .getFirst()
                            .getAttribute("data-id"))
                    .as("the SOS unit is pinned on top of the list")
                    .isEqualTo(sosUnit);
            wait.until(d -> "playing"
                    .equals(d.findElement(By.cssSelector(".alert[data-type='sos'] video.live-player"))
                            .getAttribute("data-state")));
            assertFitsTheScreen(browser, wait, sosUnit);
            MonitoringRoom.docsScreenshot(browser, "fleet-sos-1600x900");

            MonitoringRoom.viewport(browser, 1280, 720);
            assertFitsTheScreen(browser, wait, sosUnit);
            MonitoringRoom.docsScreenshot(browser, "fleet-sos-1280x720");

            // A viewer hears the alarm but cannot take the SOS: told who can, a local mute, no live picture.
            WebDriver viewer = HeadlessChromium.start(fleet.dir.resolve("chromium-viewer"));
            try {
                MonitoringRoom.viewport(viewer, 1280, 720);
                MonitoringRoom.signIn(viewer, base, "/", TestOperators.VIEWER);
                WebElement seen = new WebDriverWait(viewer, Duration.ofSeconds(30))
                        .until(d -> d.findElement(MonitoringRoom.openAlert("sos")));
                assertThat(seen.findElements(By.cssSelector("button.ack, button.resolve, video")))
                        .isEmpty();
                assertThat(seen.findElements(By.cssSelector("button.show-map"))).hasSize(1);
                assertThat(viewer.findElement(By.cssSelector("#alert-banner .viewer-note"))
                                .getText())
                        .isEqualTo("A supervisor must acknowledge");
                assertThat(viewer.findElement(By.tagName("body")).getAttribute("data-alarm"))
                        .isEqualTo("sounding");
                viewer.findElement(By.cssSelector("#alert-banner button.alarm-mute"))
                        .click();
                new WebDriverWait(viewer, Duration.ofSeconds(10))
                        .until(d ->
                                "true".equals(d.findElement(By.tagName("body")).getAttribute("data-alarm-muted")));
                MonitoringRoom.screenshot(viewer, "fleet-sos-viewer");
            } finally {
                viewer.quit();
            }

            // Its battery pulled: the gateway sees it go offline, and keeps the SOS as the last thing it knew.
            assertThat(client.sim("/api/units/" + sosUnit + "/pull-battery").status())
                    .isEqualTo(200);
            await("the gateway sees " + sosUnit + " offline")
                    .atMost(Duration.ofSeconds(60))
                    .until(() -> !unit(sosUnit).path("online").asBoolean(true));
            JsonNode offline = unit(sosUnit);
            assertThat(offline.path("sos").asBoolean())
                    .as("GET /api/units/%s sos", sosUnit)
                    .isTrue();
            assertThat(offline.path("lastKnown").asBoolean()).isTrue();
            wait.until(d ->
                    "true".equals(d.findElement(MonitoringRoom.row(sosUnit)).getAttribute("data-last-known")));
            WebElement row = browser.findElement(MonitoringRoom.row(sosUnit));
            assertThat(row.getAttribute("data-state")).isEqualTo("sos");
            assertThat(row.findElement(By.cssSelector("td.state")).getText())
                    .contains("SOS · OFFLINE")
                    .contains("last known");
            assertThat(browser.findElement(By.cssSelector("button[data-filter='sos'] .count"))
                            .getText())
                    .isEqualTo("1");
            WebElement marker = browser.findElement(MonitoringRoom.marker(sosUnit));
            assertThat(marker.getAttribute("data-state")).isEqualTo("sos");
            assertThat(marker.getAttribute("data-last-known")).isEqualTo("true");
            MonitoringRoom.screenshot(browser, "fleet-sos-offline");

            // Acknowledged: the SOS stays in the banner, compact, with its player, and the alarm stops.
            sos = browser.findElement(MonitoringRoom.openAlert("sos"));
            sos.findElement(By.cssSelector("button.ack")).click();
            wait.until(d -> "acknowledged"
                    .equals(d.findElement(MonitoringRoom.openAlert("sos")).getAttribute("data-state")));
            sos = browser.findElement(MonitoringRoom.openAlert("sos"));
            assertThat(sos.getText()).contains(sosUnit).contains("taken by " + TestOperators.SUPERVISOR);
            assertThat(sos.findElements(By.cssSelector("video.live-player")))
                    .as("the banner keeps the SOS unit's player after the acknowledgement")
                    .hasSize(1);
            wait.until(d -> "quiet".equals(d.findElement(By.tagName("body")).getAttribute("data-alarm")));
            assertThat(unit(sosUnit).path("sos").asBoolean()).isTrue();
            MonitoringRoom.screenshot(browser, "fleet-sos-acknowledged");

            // Resolved with a note (the form refuses none): it leaves the banner, and the API keeps who, when and why.
            sos.findElement(By.cssSelector("button.resolve")).click();
            WebElement form =
                    wait.until(d -> d.findElement(By.cssSelector(".alert[data-type='sos'] form.resolve-form")));
            form.findElement(By.cssSelector("button[type=submit]")).click();
            wait.until(d ->
                    !form.findElement(By.cssSelector(".form-error")).getText().isBlank());
            form.findElement(By.cssSelector("input.resolve-note")).sendKeys(NOTE);
            form.findElement(By.cssSelector("button[type=submit]")).click();
            wait.until(d -> d.findElements(MonitoringRoom.openAlert("sos")).isEmpty());
            assertThat(browser.findElements(By.cssSelector("video.live-player")))
                    .isEmpty();
            JsonNode resolved = null;
            for (JsonNode a : client.get(base, "/api/alerts").body())
                if (a.path("type").asText().equals("sos")
                        && a.path("unitId").asText().equals(sosUnit)) resolved = a;
            assertThat(resolved)
                    .as("the SOS alert of %s in /api/alerts", sosUnit)
                    .isNotNull();
            assertThat(resolved.path("state").asText()).isEqualTo("resolved");
            assertThat(resolved.path("resolvedBy").asText()).isEqualTo(TestOperators.SUPERVISOR);
            assertThat(resolved.path("resolveNote").asText()).isEqualTo(NOTE);
            await("the gateway clears the SOS of " + sosUnit)
                    .atMost(Duration.ofSeconds(20))
                    .until(() -> !unit(sosUnit).path("sos").asBoolean(true));
            wait.until(d ->
                    "offline".equals(d.findElement(MonitoringRoom.row(sosUnit)).getAttribute("data-state")));
            wait.until(d -> d.findElement(By.cssSelector("#alert-history li[data-type='sos'][data-state='resolved']"))
                    .getText()
                    .contains(NOTE));
            assertThat(browser.getTitle()).doesNotContain("SOS");

            // The operator zooms in: the page leaves the view alone and says so, with arrows to the units out of it;
            // "Fit all" brings every unit into view again: no marker outside the map, no arrow on its edge.
            js(browser, "window.obwcMap.setZoom(19, { animate: false });");
            wait.until(
                    d -> d.findElement(By.id("fleet-map")).getAttribute("class").contains("operator-view")
                            && !d.findElements(By.cssSelector(".edge-arrow")).isEmpty());
            browser.findElement(By.cssSelector(".view-controls button.fit-all")).click();
            wait.until(d -> Boolean.TRUE.equals(js(d, """
                    const map = document.getElementById('fleet-map').getBoundingClientRect();
                    const dots = [...document.querySelectorAll('.unit-marker .dot')].map(e => e.getBoundingClientRect());
                    return dots.length === arguments[0] && document.querySelectorAll('.edge-arrow').length === 0
                        && dots.every(r => r.left >= map.left && r.right <= map.right
                                           && r.top >= map.top && r.bottom <= map.bottom);
                    """, ids.size())));
        } finally {
            browser.quit();
        }
    }

    private JsonNode unit(String id) throws IOException, InterruptedException {
        FleetClient.Reply r = client.get(base, "/api/units/" + id);
        assertThat(r.status()).as("GET /api/units/%s", id).isEqualTo(200);
        return r.body();
    }

    /**
     * During the SOS: no page scrolling, the banner at most a quarter of the height, the banner and the SOS row inside
     * the viewport, and the list's "Last seen" header not cut off.
     */
    private static void assertFitsTheScreen(WebDriver browser, WebDriverWait wait, String sosUnit) {
        // The banner's player sizes itself once its first frame is in: wait for the layout to settle into its bounds.
        wait.until(d -> {
            @SuppressWarnings("unchecked")
            Map<String, Object> m = (Map<String, Object>) js(browser, """
                    const vh = innerHeight, vw = innerWidth;
                    const rect = e => e.getBoundingClientRect();
                    const banner = rect(document.getElementById('alert-banner'));
                    const row = rect(document.querySelector("#units tbody tr[data-id='" + arguments[0] + "']"));
                    const th = rect(document.querySelector("th[data-sort='lastSeen']"));
                    const wrap = rect(document.querySelector('#units').closest('.table-wrap'));
                    return { vh, vw, bannerTop: banner.top, bannerBottom: banner.bottom, bannerHeight: banner.height,
                             rowTop: row.top, rowBottom: row.bottom, thRight: th.right, wrapRight: wrap.right,
                             scrollH: document.scrollingElement.scrollHeight,
                             scrollW: document.scrollingElement.scrollWidth };
                    """, sosUnit);
            double vh = num(m, "vh"), vw = num(m, "vw");
            return num(m, "bannerHeight") > 0
                    && num(m, "bannerHeight") <= vh * 0.25 + 0.5
                    && num(m, "bannerTop") >= 0
                    && num(m, "bannerBottom") <= vh
                    && num(m, "rowTop") >= 0
                    && num(m, "rowBottom") <= vh
                    && num(m, "thRight") <= num(m, "wrapRight") + 0.5
                    && num(m, "scrollH") <= vh
                    && num(m, "scrollW") <= vw;
        });
    }

    private static double num(Map<String, Object> m, String key) {
        return ((Number) m.get(key)).doubleValue();
    }

    private static Object js(WebDriver browser, String script, Object... args) {
        return ((JavascriptExecutor) browser).executeScript(script, args);
    }
}
