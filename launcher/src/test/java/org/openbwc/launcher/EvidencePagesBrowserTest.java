package org.openbwc.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.openbwc.config.EvidenceConfig;
import org.openbwc.config.OffloadConfig;
import org.openbwc.config.OffloadWhen;
import org.openbwc.config.TelemetryConfig;
import org.openbwc.gateway.auth.TestOperators;
import org.openbwc.launcher.sim.VirtualUnitsServer;
import org.openbwc.testsupport.Mp4BoxHeaders;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Wait;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The Evidence and recording pages in headless Chromium over a real offload: a mock unit records real H.264 with a
 * marker, sends it to the gateway over any link, and the store verifies it; the Evidence page finds it by unit and by
 * place (near its GPS track, not 100 km away), the recording page plays it, shows the marker, the track and the
 * custody log, and a supervisor's export is a ZIP with the recording, its custody log and the verification report.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class EvidencePagesBrowserTest {
    static final String UNIT = "ev-1";

    TestFleet fleet;
    VirtualUnitsServer sim;
    FleetClient client;
    String base;
    Path dir;
    String recordingId;
    JsonNode recording;

    @BeforeAll
    void recordAndOffload() throws Exception {
        // A short pre-event and post-event keep the recording (and its upload) small; one-minute segments make it two.
        fleet = TestFleet.start(
                "evidence",
                // Encrypted as in the demo: the units get the agency key at enrolment, the gateway holds the private
                // half, so it plays and exports the media decrypted.
                gw -> gw.withEncryption(DemoCommand.demoEncryption(gw.keysDir())),
                List.of(TestFleet.Unit.small(UNIT)),
                (gateway, c) -> c.withTelemetry(TelemetryConfig.defaults().withStatusIntervalSeconds(5))
                        .withRecording(c.recording().withPreEventSeconds(3).withPostEventSeconds(2))
                        .withEvidence(new EvidenceConfig(
                                1,
                                c.evidence().maxRecordingMinutes(),
                                c.evidence().reserveMegabytes(),
                                c.evidence().preEventMaxMegabytes()))
                        .withOffload(OffloadConfig.defaults()
                                .withWhen(OffloadWhen.ANY_LINK)
                                .withUrl(gateway.unitsUrl())));
        base = fleet.base();
        dir = fleet.dir;
        sim = VirtualUnitsServer.start(fleet.units, "127.0.0.1", 0);
        client = new FleetClient(base, "http://127.0.0.1:" + sim.port());

        // A double press on a busy machine may come out as two single presses (which do nothing while idle): the
        // officer presses again until the unit records.
        long[] pressed = {System.nanoTime() - TimeUnit.MINUTES.toNanos(1)};
        await("recording").atMost(Duration.ofSeconds(90)).until(() -> {
            if ("RECORDING".equals(state())) return true;
            if (System.nanoTime() - pressed[0] > TimeUnit.SECONDS.toNanos(10)) {
                assertThat(client.sim("/api/units/" + UNIT + "/buttons/record/double-press")
                                .status())
                        .isEqualTo(200);
                pressed[0] = System.nanoTime();
            }
            return false;
        });
        assertThat(client.sim("/api/units/" + UNIT + "/buttons/function/press").status())
                .isEqualTo(200);
        await("marker placed").atMost(Duration.ofSeconds(30)).until(() -> hasEvent("marker"));
        // Over a minute of video (a second segment), then the officer's stop: hold record, press once to confirm.
        await("a second segment")
                .atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofSeconds(1))
                .until(() -> client.unit(UNIT)
                                .map(u -> u.path("recordingMillis").asLong())
                                .orElse(0L)
                        >= 64_000);
        assertThat(client.sim("/api/units/" + UNIT + "/buttons/record/hold?ms=3500")
                        .status())
                .isEqualTo(200);
        await("stop armed").atMost(Duration.ofSeconds(30)).until(() -> hasEvent("recording.stop-armed"));
        // The confirming press comes after the release (the hold lasts 3.5 s, the stop is armed at 3 s, for 5 s).
        await("record button released")
                .pollDelay(Duration.ofMillis(800))
                .atMost(Duration.ofSeconds(5))
                .until(() -> true);
        assertThat(client.sim("/api/units/" + UNIT + "/buttons/record/press").status())
                .isEqualTo(200);
        await("recording ended")
                .atMost(Duration.ofSeconds(60))
                .until(() -> List.of("BUFFERING", "SLEEP").contains(state()));

        recordingId = await("stored and verified in the evidence store")
                .atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofSeconds(1))
                .until(
                        () -> {
                            for (JsonNode r : client.get(base, "/api/recordings?unit=" + UNIT)
                                    .body()) {
                                if ("stored".equals(r.path("state").asText())
                                        && r.path("verified").asBoolean(false))
                                    return r.path("id").asText();
                            }
                            return null;
                        },
                        id -> id != null);
        recording = client.get(base, "/api/recordings/" + recordingId).body();
    }

    @AfterAll
    void stop() {
        if (sim != null) sim.close();
        if (client != null) client.close();
        if (fleet != null) fleet.close();
    }

    @Test
    void theEvidencePageFindsTheRecordingByUnitAndByPlace() throws Exception {
        WebDriver browser = HeadlessChromium.start(dir.resolve("chromium-search"));
        try {
            Wait<WebDriver> wait =
                    new WebDriverWait(browser, Duration.ofSeconds(30)).ignoring(StaleElementReferenceException.class);
            // The fleet's top bar leads to the Evidence page.
            MonitoringRoom.signIn(browser, base, "/", TestOperators.VIEWER);
            browser.findElement(By.cssSelector(".topbar-nav a[href='/evidence']"))
                    .click();
            wait.until(d -> d.getCurrentUrl().equals(base + "/evidence"));
            WebElement unit = wait.until(d -> d.findElement(By.id("f-unit")));
            unit.sendKeys(UNIT);
            browser.findElement(By.id("f-apply")).click();
            wait.until(d -> d.getCurrentUrl().equals(base + "/evidence?unit=" + UNIT));
            WebElement row = wait.until(d -> d.findElement(result(recordingId)));
            assertThat(row.getText()).contains(UNIT, "stored", "✓ verified");
            assertThat(row.findElement(By.cssSelector("a")).getAttribute("href"))
                    .isEqualTo(base + "/recordings/" + recordingId);

            // The unit page links its recordings in the evidence store, the search filled in.
            browser.get(base + "/units/" + UNIT);
            wait.until(d -> d.findElement(By.id("recordings-evidence")).isDisplayed());
            // Its recordings table links each to its recording page.
            wait.until(d ->
                    d.findElement(By.cssSelector("#recordings td.rec-id a[href='/recordings/" + recordingId + "']")));
            browser.findElement(By.id("recordings-evidence")).click();
            wait.until(d -> d.getCurrentUrl().equals(base + "/evidence?unit=" + UNIT));
            wait.until(d -> d.findElement(result(recordingId)));
            assertThat(browser.findElement(By.id("f-unit")).getAttribute("value"))
                    .isEqualTo(UNIT);

            // By place: the mock unit replays a GPX track, so the recording has one.
            JsonNode first = recording.path("track").get(0);
            assertThat(first).as("the recording's GPS track").isNotNull();
            double lat = first.path("lat").asDouble(), lon = first.path("lon").asDouble();
            browser.get(base + "/evidence?near=" + near(lat, lon, 300));
            wait.until(d -> d.findElement(result(recordingId)));
            assertThat(browser.findElement(By.id("place-text")).getText()).startsWith("within 300 m of");
            MonitoringRoom.screenshot(browser, "evidence-near");
            assertThat(browser.findElements(By.cssSelector("#place-map path.leaflet-interactive, #place-map path")))
                    .as("the place's circle")
                    .isNotEmpty();
            // 100 km north: nothing.
            browser.get(base + "/evidence?near=" + near(lat + 0.9, lon, 1000));
            wait.until(d -> d.findElement(By.id("result-count")).getText().equals("No recordings match."));
            assertThat(browser.findElements(result(recordingId))).isEmpty();
            // A centre set on the map by a click, then cleared.
            browser.findElement(By.id("place-clear")).click();
            assertThat(browser.findElement(By.id("place-text")).getText()).startsWith("anywhere");
            browser.findElement(By.id("place-map")).click();
            wait.until(d -> d.findElement(By.id("place-text")).getText().startsWith("within 1000 m of"));
            assertThat(browser.findElement(By.id("f-lat")).getAttribute("value"))
                    .isNotEmpty();

            browser.findElement(By.id("place-clear")).click();
            assertThat(browser.findElement(By.id("f-lat")).getAttribute("value"))
                    .isEmpty();

            // A place typed in, as read out over the radio: latitude, longitude, radius, Search.
            // Seventh page: it loads and searches only if the six before it closed their event streams (the
            // back/forward cache kept them open, and the browser's six connections to the gateway were all taken).
            browser.get(base + "/evidence");
            wait.until(d -> d.findElement(By.id("result-count")).getText().contains("recording"));
            WebElement radius = browser.findElement(By.id("f-radius"));
            radius.clear();
            radius.sendKeys("300");
            browser.findElement(By.id("f-lat")).sendKeys(String.format(Locale.ROOT, "%.6f", lat));
            WebElement lonField = browser.findElement(By.id("f-lon"));
            lonField.sendKeys(String.format(Locale.ROOT, "%.6f", lon));
            lonField.sendKeys(Keys.TAB); // change fires on leaving the field
            wait.until(d -> d.findElement(By.id("place-text")).getText().startsWith("within 300 m of"));
            browser.findElement(By.id("f-apply")).click();
            wait.until(d -> d.getCurrentUrl().contains("near="));
            wait.until(d -> !d.findElements(result(recordingId)).isEmpty());
        } finally {
            browser.quit();
        }
    }

    @Test
    void theRecordingPagePlaysItWithItsMarkerTrackAndCustodyAndASupervisorExportsIt() throws Exception {
        WebDriver browser = HeadlessChromium.start(dir.resolve("chromium-recording"));
        try {
            Wait<WebDriver> wait =
                    new WebDriverWait(browser, Duration.ofSeconds(40)).ignoring(StaleElementReferenceException.class);
            MonitoringRoom.signIn(browser, base, "/recordings/" + recordingId, TestOperators.SUPERVISOR);
            MonitoringRoom.viewport(browser, 1280, 720);
            wait.until(d -> number(d, "return document.getElementById('player').readyState") >= 2);
            js(browser).executeScript("const v = document.getElementById('player'); v.muted = true; v.play();");
            wait.until(d -> number(d, "return document.getElementById('player').currentTime") > 1.0);
            assertThat(number(browser, "return document.getElementById('player').readyState"))
                    .isGreaterThanOrEqualTo(2);
            assertThat(browser.findElement(By.id("verification")).getText()).startsWith("✔ Verified");
            assertThat(browser.findElement(By.cssSelector("#facts [data-field='keyFingerprint']"))
                            .getText())
                    .isEqualTo(recording.path("keyFingerprint").asText());

            // The marker on the timeline: a click seeks there.
            assertThat(recording.path("markers")).as("markers").hasSize(1);
            WebElement mark = wait.until(d -> d.findElement(By.cssSelector("#timeline-marks .timeline-mark")));
            double at = Double.parseDouble(mark.getAttribute("data-at"));
            js(browser)
                    .executeScript("const v = document.getElementById('player'); v.pause();"
                            + " v.currentTime = Math.max(0, v.duration - 0.5);");
            wait.until(d -> number(d, "return document.getElementById('player').currentTime") > at + 2);
            mark.click();
            new WebDriverWait(browser, Duration.ofSeconds(20))
                    .withMessage(() -> "the player after a click on the marker at " + at + " s: " + player(browser))
                    .until(d -> Math.abs(number(d, "return document.getElementById('player').currentTime") - at) < 0.5);

            // Two segments: the second follows when the first ends, and the list jumps between them.
            assertThat(recording.path("segments")).as("segments").hasSize(2);
            assertThat(browser.findElements(By.cssSelector("#segments .chip"))).hasSize(2);
            js(browser)
                    .executeScript("const v = document.getElementById('player'); v.muted = true;"
                            + " v.currentTime = Math.max(0, v.duration - 1.5); v.play();");
            new WebDriverWait(browser, Duration.ofSeconds(30))
                    .withMessage(() -> "the player at the end of the first segment: " + player(browser))
                    .until(d ->
                            String.valueOf(js(d).executeScript("return document.getElementById('player').currentSrc"))
                                            .endsWith("seg-000002.mp4")
                                    && number(d, "return document.getElementById('player').readyState") >= 2);
            double inSecond = number(browser, "return document.getElementById('player').currentTime");
            wait.until(d -> number(d, "return document.getElementById('player').currentTime") > inSecond + 0.3);
            // The page's position is the recording's: past the first segment's minute.
            assertThat(browser.findElement(By.id("player-position")).getText())
                    .as(
                            "position with %s, segments %s",
                            player(browser), js(browser).executeScript("return JSON.stringify(window.obwcSegments)"))
                    .matches("1:\\d{2} / 1:\\d{2} · .*");
            assertThat(browser.findElement(By.cssSelector("#segments .chip.current"))
                            .getAttribute("data-segment"))
                    .isEqualTo("seg-000002.mp4");
            browser.findElement(By.cssSelector("#segments .chip[data-segment='seg-000001.mp4']"))
                    .click();
            wait.until(d -> String.valueOf(js(d).executeScript("return document.getElementById('player').currentSrc"))
                    .endsWith("seg-000001.mp4"));
            wait.until(d -> number(d, "return document.getElementById('player').readyState") >= 2);
            js(browser).executeScript("document.getElementById('player').pause();");
            // (drawn again since: each segment's real length moves the marks)
            browser.findElement(By.cssSelector("#timeline-marks .timeline-mark"))
                    .click();
            wait.until(d -> Math.abs(number(d, "return document.getElementById('player').currentTime") - at) < 0.5);

            // The track on the map, with the playhead's marker on it.
            assertThat(Integer.parseInt(browser.findElement(By.id("track-map")).getAttribute("data-points")))
                    .isGreaterThan(1);
            assertThat(browser.findElements(By.cssSelector("#track-map path.track-line")))
                    .hasSize(1);
            assertThat(browser.findElements(By.cssSelector("#track-map path.track-head")))
                    .hasSize(1);

            // The custody log: from the unit's report to this view, chain intact.
            wait.until(d -> actions(d).contains("viewed"));
            assertThat(actions(browser))
                    .containsSubsequence("reported", "upload-started", "offloaded", "verified", "viewed");
            assertThat(browser.findElement(By.id("chain")).getText()).startsWith("✔ Chain intact");
            assertThat(browser.findElement(By.id("export")).isDisplayed()).isTrue();
            assertThat(browser.findElement(By.id("hold-form")).isDisplayed())
                    .as("legal hold is for admins")
                    .isFalse();
            MonitoringRoom.docsScreenshot(browser, "recording-1280x720");
            assertThat(browser.findElement(By.cssSelector("#facts [data-field='encryptedTo']"))
                            .getText())
                    .startsWith("encrypted to agency key x25519:")
                    .endsWith("(played here decrypted)");

            // An unknown category: the gateway's words.
            WebElement category = browser.findElement(By.id("category-input"));
            category.sendKeys("Not A Category!");
            browser.findElement(By.id("category-save")).click();
            wait.until(d -> "error".equals(d.findElement(By.id("action-result")).getAttribute("data-kind")));
            assertThat(browser.findElement(By.id("action-result")).getText()).contains("not a category");
            category.clear();
            category.sendKeys("arrest");
            browser.findElement(By.id("category-save")).click();
            wait.until(d -> d.findElement(By.cssSelector("#facts [data-field='category']"))
                    .getText()
                    .equals("arrest"));
            wait.until(d -> actions(d).contains("category-changed"));
        } finally {
            browser.quit();
        }

        // The export, as a supervisor through the API: the recording as stored, its custody log, the report.
        HttpResponse<byte[]> zip = client.postForBytes("/api/recordings/" + recordingId + "/export");
        assertThat(zip.statusCode()).isEqualTo(200);
        assertThat(zip.headers().firstValue("Content-Type").orElse("")).startsWith("application/zip");
        List<String> names = zipEntries(zip.body());
        assertThat(names.stream().map(n -> n.substring(n.lastIndexOf('/') + 1)))
                .contains("manifest.json", "journal.jsonl", "seg-000001.mp4", "custody.json", "verification.txt");
        // Stored encrypted (no MP4 box in the bytes), exported also decrypted; the export verifies with no key.
        Path stored = fleet.config.evidenceDir().resolve(UNIT).resolve(recordingId);
        assertThat(Mp4BoxHeaders.in(Files.readAllBytes(stored.resolve("seg-000001.mp4"))))
                .as("MP4 boxes in the stored segment")
                .isEmpty();
        assertThat(names).contains(recordingId + "/decrypted/seg-000001.mp4");
        Path exported = dir.resolve("export.zip");
        Files.write(exported, zip.body());
        BwcCliTest.Run verify = BwcCliTest.bwc("evidence", "verify", exported.toString());
        assertThat(verify.exit()).as(verify.out() + verify.err()).isZero();
        assertThat(verify.out()).contains("encrypted to agency key", "Decrypted media: ");
        // A decrypted copy that is not the recorded media is caught, with no key: the unit signed each piece's hash.
        Path altered = dir.resolve("altered.zip");
        try (var in = new java.util.zip.ZipInputStream(new java.io.ByteArrayInputStream(zip.body()));
                var out = new java.util.zip.ZipOutputStream(Files.newOutputStream(altered))) {
            for (java.util.zip.ZipEntry e; (e = in.getNextEntry()) != null; ) {
                byte[] bytes = in.readAllBytes();
                if (e.getName().endsWith("decrypted/seg-000001.mp4")) bytes[bytes.length / 2] ^= 0x01;
                out.putNextEntry(new java.util.zip.ZipEntry(e.getName()));
                out.write(bytes);
                out.closeEntry();
            }
        }
        BwcCliTest.Run caught = BwcCliTest.bwc("evidence", "verify", altered.toString());
        assertThat(caught.exit()).isEqualTo(1);
        assertThat(caught.err()).contains("decrypted/seg-000001.mp4", "not the media the unit recorded");
        JsonNode custody =
                client.get(base, "/api/recordings/" + recordingId + "/custody").body();
        assertThat(custody.path("intact").asBoolean()).isTrue();
        assertThat(custody.path("entries").toString().toLowerCase(Locale.ROOT)).contains("export");
    }

    @Test
    void aViewerMayPlayButNotCategorizeExportOrHold() throws Exception {
        WebDriver browser = HeadlessChromium.start(dir.resolve("chromium-viewer"));
        try {
            Wait<WebDriver> wait = new WebDriverWait(browser, Duration.ofSeconds(30));
            MonitoringRoom.signIn(browser, base, "/recordings/" + recordingId, TestOperators.VIEWER);
            wait.until(d -> number(d, "return document.getElementById('player').readyState") >= 1);
            wait.until(d -> d.findElement(By.id("chain")).getText().startsWith("✔ Chain intact"));
            assertThat(browser.findElement(By.id("actions-panel")).isDisplayed())
                    .isFalse();
            assertThat(browser.findElements(By.cssSelector("#export, #category-save, #hold-set")).stream()
                            .filter(WebElement::isDisplayed))
                    .isEmpty();
        } finally {
            browser.quit();
        }
    }

    @Test
    void anAdminSetsALegalHoldWithAReasonAndLiftsItWithOne() throws Exception {
        WebDriver browser = HeadlessChromium.start(dir.resolve("chromium-admin"));
        try {
            Wait<WebDriver> wait =
                    new WebDriverWait(browser, Duration.ofSeconds(30)).ignoring(StaleElementReferenceException.class);
            MonitoringRoom.signIn(browser, base, "/recordings/" + recordingId, TestOperators.ADMIN);
            wait.until(d -> d.findElement(By.id("chain")).getText().startsWith("✔ Chain intact"));
            By hold = By.cssSelector("#facts [data-field='hold']");
            wait.until(d -> d.findElement(hold).getText().equals("no"));
            // No reason, no hold: said at once, nothing sent.
            browser.findElement(By.id("hold-set")).click();
            wait.until(d -> "error".equals(d.findElement(By.id("action-result")).getAttribute("data-kind")));
            assertThat(browser.findElement(By.id("action-result")).getText()).contains("needs a reason");
            String reason = "case 2026-1234 (test " + System.nanoTime() + ")";
            browser.findElement(By.id("hold-reason")).sendKeys(reason);
            browser.findElement(By.id("hold-set")).click();
            wait.until(d -> d.findElement(hold).getText().startsWith("⚖ ON HOLD"));
            wait.until(d -> actions(d).contains("hold-set"));
            assertThat(browser.findElement(By.id("hold-set")).isDisplayed()).isFalse();
            assertThat(client.get(base, "/api/recordings/" + recordingId)
                            .body()
                            .path("hold")
                            .asBoolean())
                    .isTrue();
            assertThat(browser.findElement(By.cssSelector("#custody tbody tr[data-action='hold-set'] td.details"))
                            .getText())
                    .contains(reason);

            // Lifting it needs a reason too.
            browser.findElement(By.id("hold-clear")).click();
            wait.until(d -> d.findElement(By.id("action-result")).getText().contains("Lifting a legal hold needs"));
            browser.findElement(By.id("hold-reason")).sendKeys("case closed");
            browser.findElement(By.id("hold-clear")).click();
            wait.until(d -> d.findElement(hold).getText().equals("no"));
            wait.until(d -> actions(d).contains("hold-cleared"));
            assertThat(client.get(base, "/api/recordings/" + recordingId)
                            .body()
                            .path("hold")
                            .asBoolean())
                    .isFalse();
        } finally {
            browser.quit();
        }
    }

    private String state() throws IOException, InterruptedException {
        return client.unit(UNIT).map(u -> u.path("state").asText()).orElse("");
    }

    private boolean hasEvent(String type) throws IOException, InterruptedException {
        for (JsonNode e : client.get(base, "/api/units/" + UNIT + "/events").body())
            if (type.equals(e.path("type").asText())) return true;
        return false;
    }

    static By result(String id) {
        return By.cssSelector("#results tbody tr[data-recording-id='" + id + "']");
    }

    static String near(double lat, double lon, int meters) {
        return String.format(Locale.ROOT, "%.6f,%.6f,%d", lat, lon, meters);
    }

    static List<String> actions(WebDriver d) {
        List<String> out = new ArrayList<>();
        for (WebElement tr : d.findElements(By.cssSelector("#custody tbody tr")))
            out.add(tr.getAttribute("data-action"));
        return out;
    }

    static List<String> zipEntries(byte[] zip) throws IOException {
        List<String> names = new ArrayList<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                names.add(e.getName());
                in.transferTo(java.io.OutputStream.nullOutputStream());
            }
        }
        return names;
    }

    /** The player's state, for failure messages. */
    static Object player(WebDriver d) {
        return js(d).executeScript("const v = document.getElementById('player'); return {currentTime: v.currentTime,"
                + " duration: v.duration, readyState: v.readyState, paused: v.paused, src: v.currentSrc,"
                + " error: v.error && v.error.code};");
    }

    static double number(WebDriver d, String script) {
        Object v = js(d).executeScript(script);
        return v instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    static JavascriptExecutor js(WebDriver d) {
        return (JavascriptExecutor) d;
    }
}
