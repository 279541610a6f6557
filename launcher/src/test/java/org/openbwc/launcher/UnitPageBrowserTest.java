package org.openbwc.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.openbwc.config.TelemetryConfig;
import org.openbwc.gateway.auth.TestOperators;
import org.openbwc.launcher.sim.VirtualUnitsServer;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Wait;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The unit page, the video wall and the live page in headless Chromium: the recording time counts from the start,
 * ticking every second with the pre-event buffer shown apart; viewers get no live links; the commands fit a 1280x720
 * screen; stopping a recording asks for a reason that reaches the audit log; an offline unit's commands are disabled
 * and its wall tile waits for it instead of retrying, and plays again when it is back.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UnitPageBrowserTest {
    static final Pattern TIME = Pattern.compile("RECORDING (\\d+):(\\d{2})(?::(\\d{2}))?");
    static final Pattern PRE_EVENT = Pattern.compile("\\+(\\d+) s pre-event");

    TestFleet fleet;
    VirtualUnitsServer sim;
    FleetClient client;
    String base;
    Path dir;
    long startedNanos;

    @BeforeAll
    void start() {
        // Status every 5 s (the shortest allowed): the timer must neither freeze between statuses nor jump at one.
        // The units keep the default 30 s pre-event buffer.
        fleet = TestFleet.start(
                "unitpage",
                gw -> gw,
                List.of(TestFleet.Unit.small("up-1"), TestFleet.Unit.small("up-2"), TestFleet.Unit.small("up-3")),
                c -> c.withTelemetry(TelemetryConfig.defaults().withStatusIntervalSeconds(5)));
        startedNanos = System.nanoTime();
        base = fleet.base();
        dir = fleet.dir;
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
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void theRecordingTimeTicksEverySecondFromTheStartWithThePreEventApart() throws Exception {
        String id = "up-1";
        WebDriver browser = HeadlessChromium.start(dir.resolve("chromium-timer"));
        try {
            WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(40));
            MonitoringRoom.signIn(browser, base, "/", TestOperators.SUPERVISOR);
            wait.until(d -> d.findElement(MonitoringRoom.row(id)));
            // The pre-event buffer fills from power-on: give it 20 of its 30 s, so that it clearly outweighs the
            // few seconds between the start and the first reading below.
            await("pre-event buffer filling")
                    .pollDelay(Duration.ZERO)
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> System.nanoTime() - startedNanos > TimeUnit.SECONDS.toNanos(20));
            assertThat(client.sim("/api/units/" + id + "/buttons/record/double-press")
                            .status())
                    .isEqualTo(200);
            By state = By.cssSelector("#units tbody tr[data-id='" + id + "'] .state");
            String first = wait.until(d -> {
                String t = d.findElement(state).getText();
                return TIME.matcher(t).find() ? t : null;
            });
            int atStart = seconds(first);
            String withPreEvent = wait.until(d -> {
                String t = d.findElement(state).getText();
                return PRE_EVENT.matcher(t).find() ? t : null;
            });
            int preEvent = number(PRE_EVENT, withPreEvent);
            assertThat(preEvent).as("pre-event in " + withPreEvent).isGreaterThanOrEqualTo(10);
            assertThat(atStart)
                    .as("the time right after the start (" + first + ") counts from the trigger, without the "
                            + preEvent + " s of pre-event")
                    .isLessThan(preEvent / 2);
            assertTicks(browser, () -> browser.findElement(state).getText());

            browser.get(base + "/units/" + id);
            By unitState = By.cssSelector("#status .state");
            wait.until(d -> "recording".equals(d.findElement(unitState).getAttribute("data-state")));
            wait.until(
                    d -> PRE_EVENT.matcher(d.findElement(unitState).getText()).find());
            assertThat(browser.findElement(By.cssSelector("#status [data-field='recording']"))
                            .getText())
                    .contains("pre-event")
                    .contains("since");
            assertThat(browser.findElement(By.cssSelector("#status [data-field='lastSeen']"))
                            .getText())
                    .as("local time with its age")
                    .matches("\\d{2}:\\d{2}:\\d{2} · \\d+ (s|min) ago");
            assertTicks(browser, () -> browser.findElement(unitState).getText());
            // Over two status periods (5 s each) the time moves on by a second at a time: no freeze until the next
            // status, no jump when it comes. (A busy machine may delay one tick, hence at most 2 s per change.)
            js(browser).executeScript("""
                            const el = document.querySelector('#status .state');
                            window.__times = [];
                            new MutationObserver(() => window.__times.push(el.textContent))
                              .observe(el, {childList: true, characterData: true, subtree: true});
                            """);
            wait.until(d -> ((List<?>) js(d).executeScript("return window.__times")).size() >= 14);
            List<Integer> times = new ArrayList<>();
            for (Object t : (List<?>) js(browser).executeScript("return window.__times")) {
                Matcher m = TIME.matcher(String.valueOf(t));
                // Other parts of the text may change on their own (e.g. the state): only the time counts here.
                if (m.find() && (times.isEmpty() || times.getLast() != seconds(m.group()))) {
                    times.add(seconds(m.group()));
                }
            }
            assertThat(times).hasSizeGreaterThanOrEqualTo(12);
            for (int i = 1; i < times.size(); i++) {
                assertThat(times.get(i) - times.get(i - 1))
                        .as("change %d of the recording time %s", i, times)
                        .isBetween(1, 2);
            }
        } finally {
            browser.quit();
        }
    }

    @Test
    void aViewerSeesNoLiveLinkOrButtonAnywhere() throws Exception {
        String id = "up-2";
        WebDriver browser = HeadlessChromium.start(dir.resolve("chromium-viewer"));
        try {
            WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
            MonitoringRoom.signIn(browser, base, "/", TestOperators.VIEWER);
            wait.until(d -> d.findElement(MonitoringRoom.row(id)));
            assertThat(visibleLiveLinks(browser)).as("fleet page").isEmpty();

            browser.get(base + "/units/" + id);
            wait.until(d -> "buffering"
                    .equals(d.findElement(By.cssSelector("#status .state")).getAttribute("data-state")));
            assertThat(visibleLiveLinks(browser)).as("unit page").isEmpty();
            assertThat(browser.findElement(By.id("live-start")).isDisplayed()).isFalse();
            assertThat(browser.findElements(By.cssSelector("#commands button"))).isEmpty();

            browser.get(base + "/wall?units=" + id);
            wait.until(d -> d.findElement(By.cssSelector(".wall-tile[data-unit-id='" + id + "'] .state-badge"))
                    .isDisplayed());
            assertThat(visibleLiveLinks(browser)).as("video wall").isEmpty();
            assertThat(browser.findElements(By.cssSelector("video.live-player")))
                    .isEmpty();
            assertThat(browser.findElement(By.cssSelector(".wall-tile[data-unit-id='" + id + "']"))
                            .getText())
                    .contains("Live video is for supervisors");

            browser.get(base + "/live/" + id);
            wait.until(d -> d.findElement(By.id("live-stage")).getText().contains("Live video is for supervisors"));
            assertThat(browser.findElements(By.cssSelector("video.live-player")))
                    .isEmpty();
            assertThat(browser.findElement(By.tagName("body")).getText())
                    .doesNotContain("Try again")
                    .doesNotContain("may not POST");
            assertThat(visibleLiveLinks(browser)).as("live page").isEmpty();
        } finally {
            browser.quit();
        }
    }

    @Test
    void atA1280x720ScreenTheCommandsAndLastSeenAreInViewWithoutScrolling() throws Exception {
        String id = "up-2";
        WebDriver browser = HeadlessChromium.start(dir.resolve("chromium-small"));
        try {
            WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
            viewport(browser, 1280, 720);
            MonitoringRoom.signIn(browser, base, "/units/" + id, TestOperators.SUPERVISOR);
            wait.until(d -> "buffering"
                    .equals(d.findElement(By.cssSelector("#status .state")).getAttribute("data-state")));
            List<WebElement> buttons = browser.findElements(By.cssSelector("#commands button[data-command]"));
            assertThat(buttons).hasSizeGreaterThanOrEqualTo(6);
            MonitoringRoom.screenshot(browser, "unit-page-1280x720");
            for (WebElement b : buttons) assertInView(browser, b, "command " + b.getAttribute("data-command"));
            assertInView(browser, browser.findElement(By.cssSelector("#status [data-field='lastSeen']")), "last seen");
        } finally {
            browser.quit();
        }
    }

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void stoppingARecordingAsksForAReasonThatReachesTheAuditLogAndAnOfflineUnitCannotBeCommanded() throws Exception {
        String id = "up-3";
        WebDriver browser = HeadlessChromium.start(dir.resolve("chromium-stop"));
        try {
            // The wall re-renders its options as units change: an element found a moment ago may be gone.
            Wait<WebDriver> wait =
                    new WebDriverWait(browser, Duration.ofSeconds(40)).ignoring(StaleElementReferenceException.class);
            MonitoringRoom.signIn(browser, base, "/units/" + id, TestOperators.SUPERVISOR);
            By unitState = By.cssSelector("#status .state");
            wait.until(d -> "buffering".equals(d.findElement(unitState).getAttribute("data-state")));
            assertThat(client.command(id, "record.start").status()).isEqualTo(200);
            wait.until(d -> "recording".equals(d.findElement(unitState).getAttribute("data-state")));

            // Stop asks first: an empty reason is not accepted, and nothing is sent meanwhile.
            browser.findElement(By.cssSelector("#commands button[data-command='record.stop']"))
                    .click();
            WebElement dialog = wait.until(d -> {
                WebElement e = d.findElement(By.id("command-dialog"));
                return e.isDisplayed() ? e : null;
            });
            assertThat(dialog.getText()).contains("Stop recording on " + id);
            browser.findElement(By.id("command-confirm")).click();
            wait.until(d -> d.findElement(By.id("command-dialog-error")).isDisplayed());
            assertThat(dialog.isDisplayed()).isTrue();
            assertThat(browser.findElement(unitState).getAttribute("data-state"))
                    .isEqualTo("recording");
            String reason = "officer taken to hospital, scene handed over (test " + System.nanoTime() + ")";
            browser.findElement(By.id("command-reason")).sendKeys(reason);
            browser.findElement(By.id("command-confirm")).click();
            wait.until(d -> "ok".equals(d.findElement(By.id("command-result")).getAttribute("data-outcome")));
            assertThat(browser.findElement(By.id("command-result")).getText()).startsWith("Stop recording: done");
            wait.until(d -> List.of("post_event", "buffering")
                    .contains(d.findElement(unitState).getAttribute("data-state")));
            try (FleetClient admin = fleet.client(TestOperators.ADMIN)) {
                JsonNode audit = admin.get(base, "/api/audit").body();
                List<String> stops = new ArrayList<>();
                for (JsonNode e : audit) {
                    String line = e.toString();
                    if (line.contains("record.stop") && line.contains(id)) stops.add(line);
                }
                assertThat(stops).as("audit entries of the stop").anyMatch(l -> l.contains(reason));
            }

            // Offline: every command disabled, the reason on hover and in words; the last known values marked.
            assertThat(client.sim("/api/units/" + id + "/pull-battery").status())
                    .isEqualTo(200);
            wait.until(d -> d.findElement(By.id("commands-offline")).isDisplayed());
            assertThat(browser.findElement(By.id("commands-offline")).getText())
                    .matches("Unit offline since \\d{2}:\\d{2}:\\d{2} – commands cannot reach it\\.");
            for (WebElement b : browser.findElements(By.cssSelector("#commands button[data-command]"))) {
                assertThat(b.isEnabled()).as(b.getAttribute("data-command")).isFalse();
                assertThat(b.getAttribute("title")).contains("commands cannot reach it");
            }
            assertThat(browser.findElement(unitState).getText()).startsWith("OFFLINE");
            wait.until(d -> d.findElement(By.cssSelector("#status [data-field='battery']"))
                    .getText()
                    .endsWith("last known"));
            assertThat(browser.findElement(By.id("last-known")).getText()).startsWith("Offline since");
            MonitoringRoom.screenshot(browser, "unit-page-offline");

            // The wall waits for the offline unit (no live requests), and plays it again when it is back.
            browser.get(base + "/wall?units=" + id);
            By tile = By.cssSelector(".wall-tile[data-unit-id='" + id + "']");
            By option = By.cssSelector(".wall-tile[data-unit-id='" + id + "'] select option[value='" + id + "']");
            wait.until(d -> d.findElement(option).getText().contains("(offline)"));
            wait.until(d -> "offline"
                    .equals(d.findElement(tile)
                            .findElement(By.cssSelector("video.live-player"))
                            .getAttribute("data-state")));
            // No live requests while the unit is known to be offline (the old player asked every 2-8 s, forever).
            int asked = liveRequests(browser);
            await("no live requests to the offline unit")
                    .pollInSameThread()
                    .during(Duration.ofSeconds(7))
                    .atMost(Duration.ofSeconds(20))
                    .until(() -> liveRequests(browser) == asked
                            && "offline"
                                    .equals(browser.findElement(tile)
                                            .findElement(By.cssSelector("video.live-player"))
                                            .getAttribute("data-state")));
            assertThat(client.sim("/api/units/" + id + "/power-on").status()).isEqualTo(200);
            new WebDriverWait(browser, Duration.ofSeconds(90))
                    .ignoring(StaleElementReferenceException.class)
                    .until(d -> d.findElement(option).getText().equals(id)
                            && "playing"
                                    .equals(d.findElement(tile)
                                            .findElement(By.cssSelector("video.live-player"))
                                            .getAttribute("data-state")));
            MonitoringRoom.screenshot(browser, "wall-unit-back");
        } finally {
            browser.quit();
        }
    }

    /** The shown time changes by exactly one second, three times in a row. */
    static void assertTicks(WebDriver browser, Supplier<String> text) {
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(5), Duration.ofMillis(50));
        for (int i = 0; i < 3; i++) {
            String before = text.get();
            String after = wait.until(d -> {
                String t = text.get();
                return t.equals(before) ? null : t;
            });
            assertThat(seconds(after) - seconds(before))
                    .as("from '" + before + "' to '" + after + "'")
                    .isEqualTo(1);
        }
    }

    static int seconds(String text) {
        Matcher m = TIME.matcher(text);
        assertThat(m.find()).as("a recording time in '" + text + "'").isTrue();
        return m.group(3) == null
                ? Integer.parseInt(m.group(1)) * 60 + Integer.parseInt(m.group(2))
                : Integer.parseInt(m.group(1)) * 3600
                        + Integer.parseInt(m.group(2)) * 60
                        + Integer.parseInt(m.group(3));
    }

    static int number(Pattern p, String text) {
        Matcher m = p.matcher(text);
        assertThat(m.find()).isTrue();
        return Integer.parseInt(m.group(1));
    }

    /** The page's requests to POST /api/live/{id} so far. */
    static int liveRequests(WebDriver browser) {
        return ((Number) js(browser)
                        .executeScript("return performance.getEntriesByType('resource')"
                                + ".filter(e => e.name.includes('/api/live/')).length"))
                .intValue();
    }

    static List<WebElement> visibleLiveLinks(WebDriver browser) {
        return browser
                .findElements(By.cssSelector("a[href^='/live/'], a[href^='/wall'], .live-link, #live-start"))
                .stream()
                .filter(WebElement::isDisplayed)
                .toList();
    }

    static void assertInView(WebDriver browser, WebElement e, String what) {
        @SuppressWarnings("unchecked")
        List<Number> r = (List<Number>) js(browser)
                .executeScript(
                        "const r = arguments[0].getBoundingClientRect();"
                                + " return [r.left, r.top, r.right, r.bottom, innerWidth, innerHeight];",
                        e);
        assertThat(r.get(0).doubleValue()).as(what + " left " + r).isGreaterThanOrEqualTo(0);
        assertThat(r.get(1).doubleValue()).as(what + " top " + r).isGreaterThanOrEqualTo(0);
        assertThat(r.get(2).doubleValue())
                .as(what + " right " + r)
                .isLessThanOrEqualTo(r.get(4).doubleValue());
        assertThat(r.get(3).doubleValue())
                .as(what + " bottom " + r)
                .isLessThanOrEqualTo(r.get(5).doubleValue());
    }

    /** Sizes the window so that the page itself gets {@code width} x {@code height} CSS pixels. */
    static void viewport(WebDriver browser, int width, int height) {
        browser.manage().window().setSize(new Dimension(width, height));
        @SuppressWarnings("unchecked")
        List<Number> inner = (List<Number>) js(browser).executeScript("return [innerWidth, innerHeight];");
        int w = width + (width - inner.get(0).intValue());
        int h = height + (height - inner.get(1).intValue());
        if (w != width || h != height) browser.manage().window().setSize(new Dimension(w, h));
    }

    static JavascriptExecutor js(WebDriver d) {
        return (JavascriptExecutor) d;
    }
}
