package org.openbwc.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openbwc.gateway.auth.TestOperators;
import org.openbwc.gateway.identity.GatewayPki;
import org.openbwc.pki.Pem;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The monitoring room in headless Chromium over HTTPS with the agency CA's server certificate. Chromium trusts exactly
 * that certificate's key ({@code --ignore-certificate-errors-spki-list}), not every certificate: sign in, the fleet
 * arrives over the event stream, the session cookie is {@code Secure} and the answers carry HSTS.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MonitoringRoomHttpsBrowserTest {

    TestFleet fleet;
    String base;

    @BeforeAll
    void start() {
        fleet = TestFleet.start(
                "tls", gw -> gw.withHttp(gw.http().withHttps(true)), List.of(TestFleet.Unit.small("tls-1")));
        base = fleet.base();
    }

    @AfterAll
    void stop() {
        if (fleet != null) fleet.close();
    }

    @Test
    void aSupervisorSignsInOverHttpsAndSeesTheFleet() throws Exception {
        assertThat(base).startsWith("https://");
        X509Certificate server = Pem.readCertificate(fleet.config.pkiDir().resolve(GatewayPki.SERVER_CERTIFICATE));
        String spki = Base64.getEncoder()
                .encodeToString(MessageDigest.getInstance("SHA-256")
                        .digest(server.getPublicKey().getEncoded()));
        WebDriver browser = HeadlessChromium.start(
                fleet.dir.resolve("chromium-https"), "--ignore-certificate-errors-spki-list=" + spki);
        try {
            MonitoringRoom.signIn(browser, base, "/", TestOperators.SUPERVISOR);
            WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
            wait.until(d -> d.findElement(MonitoringRoom.row("tls-1")));
            MonitoringRoom.screenshot(browser, "fleet-https");

            JavascriptExecutor js = (JavascriptExecutor) browser;
            assertThat(js.executeScript("return location.protocol + ' ' + window.isSecureContext"))
                    .isEqualTo("https: true");
            Cookie session = browser.manage().getCookieNamed("bwc_session");
            assertThat(session).as("the session cookie").isNotNull();
            assertThat(session.isSecure()).as("Secure").isTrue();
            assertThat(session.isHttpOnly()).as("HttpOnly").isTrue();
            assertThat(session.getSameSite()).isEqualToIgnoringCase("Strict");
            // What the browser itself received (same origin: every header is readable but Set-Cookie).
            Object hsts = js.executeAsyncScript("const done = arguments[arguments.length - 1];"
                    + "fetch('/api/me').then(r => done(r.headers.get('strict-transport-security')),"
                    + " e => done('failed: ' + e));");
            assertThat(hsts).isEqualTo("max-age=31536000");
        } finally {
            browser.quit();
        }
    }
}
