package org.openbwc.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openbwc.config.BrokerConfig;
import org.openbwc.config.MqttConfig;
import org.openbwc.gateway.auth.TestOperators;
import org.openbwc.testsupport.TcpProxy;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The fleet page while the gateway cannot see the fleet: the gateway's own link to an external broker is cut (the
 * units stay connected to it and go on recording), and the open page says in words that everything is last known and
 * marks every row, then recovers by itself when the link is back. The screenshot goes to target/screenshots, and to
 * docs/screenshots with {@code -Dbwc.screenshots.docs=true}.
 */
class StaleFleetBrowserTest {

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void whenTheGatewayLosesTheBrokerThePageSaysEverythingIsLastKnownAndRecovers() throws Exception {
        Path dir = TempDirs.create("bwc-stale-broker");
        try (TestMosquitto broker = TestMosquitto.start(dir.resolve("mosquitto"));
                TcpProxy gatewayLink = new TcpProxy(broker.url());
                TestFleet fleet = TestFleet.start(
                        "stale",
                        gw -> gw.withBroker(BrokerConfig.defaults().withEmbedded(false))
                                .withMqtt(new MqttConfig(gatewayLink.url(), null, null, null, 2, 5, 1)),
                        List.of(
                                TestFleet.Unit.small("st-1"),
                                TestFleet.Unit.small("st-2"),
                                TestFleet.Unit.small("st-3")),
                        u -> u.withMqtt(new MqttConfig(broker.url(), u.unitId(), null, null, 2, 5, 1)))) {
            WebDriver browser = HeadlessChromium.start(fleet.dir.resolve("chromium-stale"));
            try {
                WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
                MonitoringRoom.viewport(browser, 1280, 720);
                MonitoringRoom.signIn(browser, fleet.base(), "/", TestOperators.VIEWER);
                for (String id : fleet.ids) wait.until(d -> d.findElement(MonitoringRoom.row(id)));
                WebElement note = browser.findElement(By.id("fleet-stale"));
                assertThat(note.isDisplayed())
                        .as("no note while the gateway sees the fleet")
                        .isFalse();

                gatewayLink.cut();
                wait.until(d -> note.isDisplayed());
                assertThat(note.getText())
                        .contains("lost its link to the units")
                        .contains("everything shown is last known");
                for (String id : fleet.ids) {
                    wait.until(d ->
                            "true".equals(d.findElement(MonitoringRoom.row(id)).getAttribute("data-last-known")));
                }
                MonitoringRoom.docsScreenshot(browser, "fleet-stale-1280x720");

                gatewayLink.restore();
                wait.until(d -> !note.isDisplayed());
                for (String id : fleet.ids) {
                    wait.until(d -> d.findElement(MonitoringRoom.row(id)).getAttribute("data-last-known") == null);
                }
            } finally {
                browser.quit();
            }
        } finally {
            TempDirs.delete(dir);
        }
    }
}
