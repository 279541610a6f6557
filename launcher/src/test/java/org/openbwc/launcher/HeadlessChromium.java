package org.openbwc.launcher;

import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.logging.Level;
import org.openbwc.testsupport.SystemTools;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/** Debian's chromium driven by its chromedriver (no browser download works here), skipping where they are missing. */
final class HeadlessChromium {
    private HeadlessChromium() {}

    /** @param extraArguments more Chromium switches, e.g. the one that trusts a test gateway's key */
    static WebDriver start(Path userDataDir, String... extraArguments) {
        Path chromium = SystemTools.which("chromium")
                .or(() -> SystemTools.which("chromium-browser"))
                .orElse(null);
        if (chromium == null)
            SystemTools.unavailable(
                    "chromium is not installed (browser tests of the web pages); apt-get install chromium chromium-driver, or run .ci/run");
        Path driver =
                SystemTools.require("chromedriver", "browser tests of the web pages; apt-get install chromium-driver");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium.toFile());
        options.addArguments(
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--disable-quic",
                "--window-size=1280,900",
                "--user-data-dir=" + userDataDir);
        options.addArguments(extraArguments);
        // The page's console (errors, failed loads) for browser.manage().logs().get(LogType.BROWSER).
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(driver.toString()))
                .usingAnyFreePort()
                .build();
        ChromeDriver browser = new ChromeDriver(service, options);
        browser.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
        return browser;
    }
}
