package org.openbwc.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.openbwc.gateway.auth.TestOperators;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The admin pages in headless Chromium: an admin walks the monitoring room (each page shows the Admin link and logs no
 * console error), adds a viewer on the operators page, sees the audit chain intact with that addition, issues an
 * enrolment token and revokes the new unit; then the viewer signs in, sees no Admin link, and is told the admin pages
 * are not theirs.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AdminPagesBrowserTest {

    static final String VIEWER = "vera";
    static final String VIEWER_PASSWORD = "vera-long-password";

    TestFleet fleet;

    @BeforeAll
    void start() {
        fleet = TestFleet.start("adminpages", gw -> gw, List.of(TestFleet.Unit.small("adm-1")));
    }

    @AfterAll
    void stop() {
        if (fleet != null) fleet.close();
    }

    @Test
    @Timeout(120)
    void anAdminAddsAViewerChecksTheAuditLogAndEnrolsAUnitWithoutAConsoleErrorOnAnyPage() {
        String base = fleet.base();
        String unit = fleet.ids.getFirst();
        WebDriver browser = HeadlessChromium.start(fleet.dir.resolve("chromium-admin"));
        try {
            WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
            MonitoringRoom.signIn(browser, base, "/", TestOperators.ADMIN);
            consoleErrors(browser); // before sign-in: /api/me answered 401, as it should

            // The monitoring room's pages, each with the Admin link shown to an admin.
            wait.until(d -> d.findElement(MonitoringRoom.row(unit)));
            assertAdminLink(browser, true);
            assertNoConsoleErrors(browser, "/");

            browser.get(base + "/units/" + unit);
            wait.until(d -> "buffering"
                    .equals(d.findElement(By.cssSelector("#status .state")).getAttribute("data-state")));
            assertAdminLink(browser, true);
            assertNoConsoleErrors(browser, "/units/" + unit);

            browser.get(base + "/wall");
            wait.until(d -> "live".equals(d.findElement(By.id("conn")).getAttribute("data-state")));
            assertAdminLink(browser, true);
            assertNoConsoleErrors(browser, "/wall");

            browser.get(base + "/live/" + unit);
            wait.until(d -> "playing"
                    .equals(d.findElement(By.cssSelector("video.live-player")).getAttribute("data-state")));
            assertAdminLink(browser, true);
            assertNoConsoleErrors(browser, "/live/" + unit);

            // Operators: the link leads here; add a viewer with the form. (Followed with get(), not a click: a click on
            // a monitoring page arms the alarm's AudioContext, and headless Chromium without an audio device then
            // hangs its renderer on the navigation.)
            browser.get(
                    browser.findElement(By.cssSelector(".topbar .admin-link")).getAttribute("href"));
            wait.until(d -> d.findElement(By.cssSelector("#operators tr[data-user='" + TestOperators.ADMIN + "']")));
            browser.findElement(By.id("add-username")).sendKeys(VIEWER);
            new Select(browser.findElement(By.id("add-role"))).selectByValue("viewer");
            browser.findElement(By.id("add-password")).sendKeys(VIEWER_PASSWORD);
            browser.findElement(By.id("add-password2")).sendKeys(VIEWER_PASSWORD);
            browser.findElement(By.id("add-submit")).click();
            WebElement added =
                    wait.until(d -> d.findElement(By.cssSelector("#operators tr[data-user='" + VIEWER + "']")));
            assertThat(added.getAttribute("data-role")).isEqualTo("viewer");
            assertThat(added.findElement(By.cssSelector(".status-cell")).getText())
                    .isEqualTo("active");
            assertThat(browser.findElement(By.id("operators-result")).getText()).contains("Added " + VIEWER);
            MonitoringRoom.screenshot(browser, "admin-operators");
            assertNoConsoleErrors(browser, "/admin/operators");

            // Audit log: the chain check up front, and the addition in the table.
            browser.findElement(By.cssSelector(".admin-tabs a[href='/admin/audit']"))
                    .click();
            WebElement chain = wait.until(d -> {
                WebElement c = d.findElement(By.id("chain"));
                return "checking".equals(c.getAttribute("data-state")) ? null : c;
            });
            assertThat(chain.getAttribute("data-state")).as(chain.getText()).isEqualTo("ok");
            assertThat(chain.getText()).contains("Chain intact", "entries checked", "signed checkpoint");
            WebElement entry =
                    wait.until(d -> d.findElement(By.cssSelector("#audit tbody tr[data-action='user.add']")));
            assertThat(entry.getText()).contains(TestOperators.ADMIN, VIEWER, "ok");
            browser.findElement(By.id("f-action")).sendKeys("user");
            browser.findElement(By.id("f-apply")).click();
            wait.until(d -> d.findElements(By.cssSelector("#audit tbody tr")).size() == 1);
            MonitoringRoom.screenshot(browser, "admin-audit");
            assertNoConsoleErrors(browser, "/admin/audit");

            // Units: the enrolled unit, a token for a new one (shown once with its config), then its revocation.
            browser.findElement(By.cssSelector(".admin-tabs a[href='/admin/units']"))
                    .click();
            wait.until(d ->
                    d.findElement(By.cssSelector("#enrolled tr[data-unit='" + unit + "'][data-state='enrolled']")));
            browser.findElement(By.id("issue-unit")).sendKeys("adm-new-1");
            browser.findElement(By.id("issue-submit")).click();
            WebElement token = wait.until(d -> {
                WebElement box = d.findElement(By.id("token-box"));
                return box.isDisplayed() ? box : null;
            });
            assertThat(browser.findElement(By.id("token-value")).getText()).hasSizeGreaterThan(20);
            assertThat(browser.findElement(By.id("token-config")).getText())
                    .contains("url: https://", ":" + fleet.gateway.unitPort(), "tokenFile: ", "caFingerprint: \"");
            assertThat(token.getText()).contains("adm-new-1", "shown only now");
            MonitoringRoom.screenshot(browser, "admin-units-token");
            WebElement pending = wait.until(
                    d -> d.findElement(By.cssSelector("#enrolled tr[data-unit='adm-new-1'][data-state='pending']")));
            pending.findElement(By.cssSelector("button.revoke")).click();
            wait.until(d -> d.findElement(By.cssSelector("#enrolled tr[data-unit='adm-new-1'] button.confirm-revoke")))
                    .click();
            wait.until(d -> d.findElement(By.cssSelector("#enrolled tr[data-unit='adm-new-1'][data-state='revoked']")));
            assertNoConsoleErrors(browser, "/admin/units");

            // The new viewer signs in: no Admin link, and the admin pages say they are for admins.
            browser.findElement(By.id("sign-out")).click();
            wait.until(d -> d.getCurrentUrl().contains("/login"));
            wait.until(d -> d.findElement(By.id("username"))).sendKeys(VIEWER);
            browser.findElement(By.id("password")).sendKeys(VIEWER_PASSWORD);
            browser.findElement(By.id("sign-in")).click();
            wait.until(d -> d.getCurrentUrl().equals(base + "/"));
            wait.until(d -> "live".equals(d.findElement(By.id("conn")).getAttribute("data-state")));
            assertThat(browser.findElement(By.id("user")).getText()).contains(VIEWER);
            assertThat(browser.findElement(By.cssSelector("#user .role")).getAttribute("class"))
                    .contains("role-viewer");
            assertAdminLink(browser, false);
            assertNoConsoleErrors(browser, "/ as a viewer");

            browser.get(base + "/admin/operators");
            WebElement notYours = wait.until(d -> {
                WebElement e = d.findElement(By.id("page-error"));
                return e.isDisplayed() ? e : null;
            });
            assertThat(notYours.getText()).contains("for admins", VIEWER);
            assertThat(browser.findElements(By.cssSelector("#operators tbody tr")))
                    .isEmpty();
            assertNoConsoleErrors(browser, "/admin/operators as a viewer");
        } catch (RuntimeException | AssertionError e) {
            throw new AssertionError(
                    "at " + browser.getCurrentUrl() + " (screenshot "
                            + MonitoringRoom.screenshot(browser, "admin-pages-failed") + "), page text: "
                            + browser.findElement(By.tagName("body")).getText() + "; console: "
                            + consoleErrors(browser),
                    e);
        } finally {
            browser.quit();
        }
    }

    private static void assertAdminLink(WebDriver browser, boolean shown) {
        // initSession sets the role on the page once /api/me answered; only then is the link's state final.
        new WebDriverWait(browser, Duration.ofSeconds(10))
                .until(d -> d.findElement(By.tagName("body")).getAttribute("data-role") != null);
        List<WebElement> links = browser.findElements(By.cssSelector(".topbar .admin-link"));
        assertThat(links).as("one Admin link in the top bar").hasSize(1);
        assertThat(links.getFirst().isDisplayed()).as("Admin link shown").isEqualTo(shown);
        assertThat(links.getFirst().getAttribute("href")).endsWith("/admin/operators");
    }

    /** Console entries at SEVERE (errors, failed loads such as a favicon 404) since the last call. */
    private static List<String> consoleErrors(WebDriver browser) {
        return browser.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
                .map(LogEntry::toString)
                .toList();
    }

    private static void assertNoConsoleErrors(WebDriver browser, String page) {
        assertThat(consoleErrors(browser)).as("console errors on " + page).isEmpty();
    }
}
