package org.openbwc.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openbwc.gateway.auth.TestOperators;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Officers in the room, in headless Chromium: a supervisor checks an officer out with a unit on its page; the unit's
 * page, the fleet list and the map's popup then show the officer's callsign and name; a viewer sees the officer but no
 * control to change it.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class OfficersBrowserTest {
    TestFleet fleet;

    @AfterEach
    void stop() {
        if (fleet != null) fleet.close();
    }

    @Test
    void aSupervisorAssignsOnTheUnitPageAndTheFleetShowsCallsignAndName() throws Exception {
        fleet = TestFleet.start("officers-room", gw -> gw, List.of(TestFleet.Unit.small("of-1")));
        String base = fleet.base();
        try (FleetClient client = fleet.client(TestOperators.SUPERVISOR)) {
            assertThat(client.post(
                                    base,
                                    "/api/officers",
                                    "{\"id\": \"4711\", \"name\": \"Kari Nordmann\", \"callsign\": \"ALPHA 1\"}")
                            .status())
                    .isEqualTo(200);
        }
        WebDriver browser = HeadlessChromium.start(fleet.dir.resolve("chromium-officers"));
        try {
            WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(40));
            MonitoringRoom.signIn(browser, base, "/units/of-1", TestOperators.SUPERVISOR);
            wait.until(d -> d.findElement(By.id("officer-form")).isDisplayed());
            assertThat(browser.findElement(By.id("officer-current")).getText()).isEqualTo("No officer assigned");

            new Select(browser.findElement(By.id("officer-select"))).selectByValue("4711");
            browser.findElement(By.id("officer-assign")).click();

            wait.until(d -> d.findElement(By.id("officer-result")).getText().contains("the unit confirmed"));
            wait.until(d -> d.findElement(By.id("officer-current")).getText().equals("ALPHA 1 · Kari Nordmann (4711)"));
            wait.until(d -> d.findElement(By.cssSelector("#status [data-field='officer']"))
                    .getText()
                    .equals("4711"));

            browser.get(base + "/");
            By officerCell = By.cssSelector("#units tbody tr[data-id='of-1'] td.officer");
            wait.until(d -> d.findElement(officerCell).getText().equals("ALPHA 1 · Kari Nordmann"));
            assertThat(browser.findElement(officerCell).getAttribute("title")).isEqualTo("officer 4711");
            wait.until(d -> !d.findElements(MonitoringRoom.marker("of-1")).isEmpty());
            browser.findElement(MonitoringRoom.row("of-1")).click();
            wait.until(d ->
                    d.findElement(By.cssSelector(".unit-popup")).getText().contains("ALPHA 1 · Kari Nordmann (4711)"));

            // The live page names the officer the same way (its player needs no stream for the header).
            browser.get(base + "/live/of-1");
            wait.until(d ->
                    d.findElement(By.id("unit-officer")).getText().equals("Officer ALPHA 1 · Kari Nordmann (4711)"));
        } finally {
            browser.quit();
        }

        WebDriver viewer = HeadlessChromium.start(fleet.dir.resolve("chromium-officers-viewer"));
        try {
            WebDriverWait wait = new WebDriverWait(viewer, Duration.ofSeconds(40));
            MonitoringRoom.signIn(viewer, base, "/units/of-1", TestOperators.VIEWER);
            wait.until(d -> d.findElement(By.id("officer-current")).getText().equals("ALPHA 1 · Kari Nordmann (4711)"));
            assertThat(viewer.findElement(By.id("officer-form")).isDisplayed())
                    .as("no assign control")
                    .isFalse();
        } finally {
            viewer.quit();
        }
    }
}
