package org.openbwc.launcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import org.openbwc.gateway.auth.TestOperators;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
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

    /** Sizes the window so that the page's viewport is {@code width x height} CSS pixels. */
    static void viewport(WebDriver browser, int width, int height) {
        browser.manage().window().setSize(new Dimension(width, height));
        long w = (Long) script(browser, "return innerWidth;"), h = (Long) script(browser, "return innerHeight;");
        if (w != width || h != height)
            browser.manage().window().setSize(new Dimension(width + (int) (width - w), height + (int) (height - h)));
        new WebDriverWait(browser, Duration.ofSeconds(10))
                .until(d -> Long.valueOf(width).equals(script(d, "return innerWidth;"))
                        && Long.valueOf(height).equals(script(d, "return innerHeight;")));
    }

    /** A screenshot in target/screenshots, and in the repository's docs/screenshots with -Dbwc.screenshots.docs=true. */
    static void docsScreenshot(WebDriver browser, String name) throws IOException {
        Path shot = screenshot(browser, name);
        if (!Boolean.getBoolean("bwc.screenshots.docs")) return;
        Path root = Path.of("").toAbsolutePath();
        while (root != null && !Files.isDirectory(root.resolve("docs"))) root = root.getParent();
        if (root == null)
            throw new UncheckedIOException(
                    new IOException("no docs folder above " + Path.of("").toAbsolutePath()));
        Path dir = Files.createDirectories(root.resolve("docs").resolve("screenshots"));
        Files.copy(shot, dir.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    }

    private static Object script(WebDriver browser, String script) {
        return ((JavascriptExecutor) browser).executeScript(script);
    }
}
