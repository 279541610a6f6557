package org.openbwc.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.openbwc.gateway.auth.TestOperators;
import org.openbwc.hal.mock.VirtualUnitControls;
import org.openbwc.launcher.sim.VirtualUnitsServer;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Dispatch as the control room and the officer live it, on three demo units: a supervisor places an incident on the
 * fleet map (a click), sees the three units nearest first with their distances, dispatches the nearest; the unit
 * buzzes and sounds its tone; the officer double-presses the function button on the virtual-units page's API; the
 * room shows the dispatch delivered and acknowledged.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DispatchBrowserTest {
    /** How far from the nearest unit the incident is placed: near, but well outside the 30 m arrival radius. */
    static final double OFFSET_METERS = 80;

    TestFleet fleet;
    VirtualUnitsServer sim;
    FleetClient client;
    String base;

    @BeforeAll
    void start() {
        fleet = TestFleet.start(
                "dispatch",
                gw -> gw,
                List.of(TestFleet.Unit.small("dp-1"), TestFleet.Unit.small("dp-2"), TestFleet.Unit.small("dp-3")));
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
    void anIncidentPlacedOnTheMapIsDispatchedToTheNearestUnitAndAcknowledgedOnIt() throws Exception {
        String nearest = fleet.ids.get(0);
        await("every unit has a position")
                .atMost(Duration.ofSeconds(60))
                .until(() -> fleet.ids.stream().allMatch(this::located));
        double[] incident = incidentNear(nearest);

        WebDriver browser = HeadlessChromium.start(fleet.dir.resolve("chromium-dispatch"));
        try {
            WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
            MonitoringRoom.viewport(browser, 1600, 900);
            MonitoringRoom.signIn(browser, base, "/", TestOperators.SUPERVISOR);
            for (String id : fleet.ids) wait.until(d -> d.findElement(MonitoringRoom.marker(id)));

            // Dispatch mode, then a click on the map where the incident is.
            browser.findElement(By.id("dispatch-toggle")).click();
            wait.until(d -> d.findElement(By.id("dispatch-panel")).isDisplayed());
            clickMapAt(browser, incident[0], incident[1]);
            wait.until(d -> !d.findElement(By.id("dispatch-lat"))
                    .getDomProperty("value")
                    .isEmpty());
            double lat = Double.parseDouble(
                    browser.findElement(By.id("dispatch-lat")).getDomProperty("value"));
            double lon = Double.parseDouble(
                    browser.findElement(By.id("dispatch-lon")).getDomProperty("value"));
            assertThat(lat)
                    .as("the click's latitude")
                    .isCloseTo(incident[0], org.assertj.core.data.Offset.offset(0.0003));
            assertThat(lon)
                    .as("the click's longitude")
                    .isCloseTo(incident[1], org.assertj.core.data.Offset.offset(0.0005));
            browser.findElement(By.id("dispatch-note")).sendKeys("shop alarm, back entrance");
            new org.openqa.selenium.support.ui.Select(browser.findElement(By.id("dispatch-priority")))
                    .selectByValue("urgent");
            browser.findElement(By.id("dispatch-find")).click();

            // The three units, nearest first, with their distances.
            List<WebElement> rows = wait.until(d -> {
                List<WebElement> r = d.findElements(By.cssSelector("#dispatch-candidates tbody tr[data-unit]"));
                return r.size() == 3 ? r : null;
            });
            assertThat(rows.get(0).getAttribute("data-unit")).isEqualTo(nearest);
            assertThat(rows)
                    .extracting(r -> r.getAttribute("data-unit"))
                    .containsExactlyInAnyOrderElementsOf(fleet.ids);
            List<Double> meters = rows.stream()
                    .map(r ->
                            meters(r.findElement(By.cssSelector("td.distance")).getText()))
                    .toList();
            assertThat(meters).isSorted();
            assertThat(meters.get(0)).isBetween(OFFSET_METERS - 40, OFFSET_METERS + 40);
            MonitoringRoom.screenshot(browser, "dispatch-candidates");

            // Dispatch the nearest: it buzzes and sounds its tone.
            VirtualUnitControls unit = fleet.units.get(0).controls();
            long playedBefore = unit.speaker().playedAfter(0).size();
            rows.get(0).findElement(By.cssSelector("input.pick")).click();
            browser.findElement(By.id("dispatch-send")).click();
            await("the unit buzzes")
                    .atMost(Duration.ofSeconds(10))
                    .pollInterval(Duration.ofMillis(20))
                    .until(unit::hapticsOn);
            assertThat(unit.speaker().playedAfter(0)).hasSizeGreaterThan((int) playedBefore);
            String row = "#dispatch-progress tr[data-unit='" + nearest + "'] ";
            // The panel redraws on every change: look the cells up afresh each time.
            wait.until(d ->
                    !d.findElements(By.cssSelector(row + "td.delivered.done")).isEmpty());
            assertThat(browser.findElements(By.cssSelector(row + "td.acknowledged.pending")))
                    .hasSize(1);

            // The officer acknowledges on the unit: the room shows it.
            assertThat(client.sim("/api/units/" + nearest + "/buttons/function/double-press")
                            .status())
                    .isEqualTo(200);
            wait.until(d -> !d.findElements(By.cssSelector(row + "td.acknowledged.done"))
                    .isEmpty());
            String distance = wait.until(
                    d -> d.findElement(By.cssSelector(row + "td.distance")).getText());
            assertThat(distance).matches("\\d+ m");
            MonitoringRoom.screenshot(browser, "dispatch-acknowledged");

            JsonNode api =
                    client.get(base, "/api/units/" + nearest + "/dispatches").body();
            assertThat(api).hasSize(1);
            assertThat(api.get(0).path("units").get(0).path("acknowledged").isTextual())
                    .isTrue();
        } finally {
            browser.quit();
        }
    }

    boolean located(String id) {
        try {
            return client.unit(id)
                    .map(u -> u.path("location").path("lat").isNumber())
                    .orElse(false);
        } catch (Exception e) {
            return false;
        }
    }

    /**
     * A point {@link #OFFSET_METERS} from the unit, behind it (it walks away, so it does not arrive meanwhile) where
     * the other units are at least twice as far.
     */
    double[] incidentNear(String unitId) throws Exception {
        JsonNode u = client.unit(unitId).orElseThrow();
        double lat = u.path("location").path("lat").asDouble();
        double lon = u.path("location").path("lon").asDouble();
        JsonNode trail =
                client.get(base, "/api/units/" + unitId + "/trail?points=5").body();
        double headingLat = 0;
        double headingLon = 0;
        if (trail.size() >= 2) {
            JsonNode a = trail.get(0);
            JsonNode b = trail.get(trail.size() - 1);
            headingLat = b.path("lat").asDouble() - a.path("lat").asDouble();
            headingLon = b.path("lon").asDouble() - a.path("lon").asDouble();
        }
        double[] best = null;
        double bestScore = Double.NEGATIVE_INFINITY;
        for (int deg = 0; deg < 360; deg += 30) {
            double dLat = Math.cos(Math.toRadians(deg)) * OFFSET_METERS / 111_195;
            double dLon = Math.sin(Math.toRadians(deg)) * OFFSET_METERS / (111_195 * Math.cos(Math.toRadians(lat)));
            double others = Double.MAX_VALUE;
            for (String id : fleet.ids) {
                if (id.equals(unitId)) continue;
                JsonNode o = client.unit(id).orElseThrow().path("location");
                others = Math.min(
                        others,
                        meters(
                                lat + dLat,
                                lon + dLon,
                                o.path("lat").asDouble(),
                                o.path("lon").asDouble()));
            }
            double behind = -(dLat * headingLat + dLon * headingLon * Math.cos(Math.toRadians(lat)));
            double score = (others >= 2 * OFFSET_METERS ? 1_000 : 0) + (behind >= 0 ? 100 : 0) + others / 100;
            if (score > bestScore) {
                bestScore = score;
                best = new double[] {lat + dLat, lon + dLon};
            }
        }
        return best;
    }

    /** Clicks the fleet map at a place: the page's Leaflet map says where that is on the screen. */
    static void clickMapAt(WebDriver browser, double lat, double lon) {
        JavascriptExecutor js = (JavascriptExecutor) browser;
        js.executeScript("window.obwcMap.setView([arguments[0], arguments[1]], 16, {animate: false});", lat, lon);
        @SuppressWarnings("unchecked")
        List<Number> p = (List<Number>) js.executeScript(
                "const m = window.obwcMap; const p = m.latLngToContainerPoint([arguments[0], arguments[1]]);"
                        + " const s = m.getSize(); return [p.x - s.x / 2, p.y - s.y / 2];",
                lat,
                lon);
        WebElement map = browser.findElement(By.id("fleet-map"));
        new Actions(browser)
                .moveToElement(map, p.get(0).intValue(), p.get(1).intValue())
                .click()
                .perform();
    }

    static double meters(String text) {
        String t = text.strip();
        if (t.endsWith(" km")) return Double.parseDouble(t.substring(0, t.length() - 3)) * 1000;
        return Double.parseDouble(t.substring(0, t.length() - 2));
    }

    static double meters(double lat1, double lon1, double lat2, double lon2) {
        double p1 = Math.toRadians(lat1);
        double p2 = Math.toRadians(lat2);
        double a = Math.pow(Math.sin((p2 - p1) / 2), 2)
                + Math.cos(p1) * Math.cos(p2) * Math.pow(Math.sin(Math.toRadians(lon2 - lon1) / 2), 2);
        return 2 * 6_371_008.8 * Math.asin(Math.sqrt(a));
    }
}
