package org.openbwc.launcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.openbwc.gateway.auth.TestOperators;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.WebDriverWait;

/** The monitoring room's pages as a browser test drives them: sign in, find rows, markers and alerts. */
final class MonitoringRoom {
    static final Path SCREENSHOTS = Path.of("target", "screenshots");

    private MonitoringRoom() {}

    /** Opens {@code path}, is sent to the sign-in page, signs in and lands back on {@code path}. */
    static void signIn(WebDriver browser, String base, String path, String user) {
        browser.get(base + path);
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(20));
        try {
            wait.until(d -> d.getCurrentUrl().contains("/login"));
            wait.until(d -> d.findElement(By.id("username"))).sendKeys(user);
            browser.findElement(By.id("password")).sendKeys(TestOperators.password(user));
            browser.findElement(By.cssSelector("button[type=submit]")).click();
            wait.until(d -> d.getCurrentUrl().equals(base + path));
            wait.until(d -> "live".equals(d.findElement(By.id("conn")).getAttribute("data-state")));
        } catch (TimeoutException e) {
            Path shot = screenshot(browser, "sign-in-failed-" + user);
            throw new AssertionError(
                    "sign-in as " + user + " did not reach " + path + " with a live connection; at "
                            + browser.getCurrentUrl() + ", page text: "
                            + browser.findElement(By.tagName("body")).getText()
                            + " (screenshot " + shot + "); browser log: " + browserLog(browser),
                    e);
        }
    }

    private static String browserLog(WebDriver browser) {
        try {
            return browser.manage().logs().get(LogType.BROWSER).getAll().toString();
        } catch (RuntimeException e) {
            return "(unavailable: " + e.getMessage() + ")";
        }
    }

    static By row(String unitId) {
        return By.cssSelector("#units tbody tr[data-id='" + unitId + "']");
    }

    static By marker(String unitId) {
        return By.cssSelector(".unit-marker[data-id='" + unitId + "']");
    }

    /** An alert of {@code type} in the banner: open, or an SOS acknowledged and not yet resolved. */
    static By openAlert(String type) {
        return By.cssSelector("#alert-banner .alert[data-type='" + type + "']");
    }

    static Path screenshot(WebDriver browser, String name) {
        try {
            Files.createDirectories(SCREENSHOTS);
            Path file = SCREENSHOTS.resolve(name + ".png");
            Files.write(file, ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
