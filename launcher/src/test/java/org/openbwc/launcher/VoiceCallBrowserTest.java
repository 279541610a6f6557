package org.openbwc.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openbwc.gateway.auth.TestOperators;
import org.openbwc.hal.Speaker;
import org.openbwc.hal.mock.MockSpeaker;
import org.openbwc.launcher.sim.SimulatedUnit;
import org.openbwc.testsupport.SystemTools;
import org.openbwc.testsupport.ToneDetector;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.tinylog.Logger;

/**
 * Two-way voice through the real path (headless Chromium, gateway, mock unit): the officer's call request (FUNCTION
 * double press) shows in the room with Answer and is audited; a supervisor on the live page presses Talk, which
 * resolves it; a tone the officer "says" into the unit's microphone is heard in the page, a tone the supervisor sends
 * (WebCodecs Opus from an AudioWorklet, as a microphone's sound would go) comes out of the unit's speaker; the call is
 * in the audit log and the supervisor's tone is in the unit's sealed recording.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class VoiceCallBrowserTest {
    static final String UNIT = "cam-1";
    static final double OFFICER_HZ = 1000;
    static final double ROOM_HZ = 2000;

    @Test
    void aSupervisorAndAnOfficerHearEachOtherAndTheCallIsAuditedAndRecorded() throws Exception {
        try (TestFleet fleet = TestFleet.start("voice", gw -> gw, List.of(TestFleet.Unit.small(UNIT)));
                FleetClient admin = fleet.client(TestOperators.ADMIN)) {
            SimulatedUnit unit = fleet.units.get(0);
            WebDriver browser =
                    HeadlessChromium.start(fleet.dir.resolve("chromium"), "--autoplay-policy=no-user-gesture-required");
            try {
                MonitoringRoom.signIn(browser, fleet.base(), "/live/" + UNIT + "?talk=test", TestOperators.SUPERVISOR);
                WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
                wait.until(d -> "playing"
                        .equals(d.findElement(By.cssSelector("video.live-player"))
                                .getAttribute("data-state")));
                // The officer asks for a call (FUNCTION double press): the room sees a call request it can answer.
                unit.controls().doublePress("function").get(10, TimeUnit.SECONDS);
                await("the call request in the room")
                        .atMost(Duration.ofSeconds(15))
                        .until(() -> callRequest(admin).path("state").asText().equals("open"));
                wait.until(d -> !d.findElements(By.cssSelector(".alert[data-type='call.requested'] button.answer"))
                        .isEmpty());
                assertThat(audit(admin, "call.requested"))
                        .singleElement()
                        .satisfies(e -> assertThat(e.path("actor").asText()).isEqualTo("unit:" + UNIT));
                Logger.info("voice test: playing; pressing Talk");
                browser.findElement(By.id("live-talk")).click();
                Logger.info("voice test: Talk pressed");
                wait.until(d -> "open".equals(d.findElement(By.tagName("body")).getAttribute("data-talk")));
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> Boolean.TRUE.equals(unit.view().get("inCall")));
                await("the call request answered")
                        .atMost(Duration.ofSeconds(15))
                        .until(() -> callRequest(admin).path("state").asText().equals("resolved"));
                String codec = (String) js(browser, "return window.openbwcTalk.codec;");
                Logger.info("voice test: the browser encodes {}", codec);
                logConsole(browser);

                // Officer -> room: the unit's microphone hears a tone; the page's player plays it.
                js(browser, "window.openbwcTalk.listen(arguments[0]);", OFFICER_HZ);
                long said = unit.controls().microphone().injectTone(OFFICER_HZ, 400);
                await("the officer's tone in the room")
                        .atMost(Duration.ofSeconds(10))
                        .until(() -> onsets(browser).stream().anyMatch(t -> t >= said));
                long heard = onsets(browser).stream()
                        .filter(t -> t >= said)
                        .findFirst()
                        .orElseThrow();
                Logger.info("voice test: unit -> room {} ms", heard - said);
                logConsole(browser);

                // Room -> officer: the page sends a tone; the unit's speaker plays it.
                MockSpeaker speaker = unit.controls().speaker();
                long lastSeq = speaker.playedAfter(0).stream()
                        .mapToLong(MockSpeaker.Played::seq)
                        .max()
                        .orElse(0);
                js(browser, "window.openbwcTalk.transmit(true);");
                // The page sends its (silent) test source from the first moment it transmits: once that reaches the
                // speaker, the encoder and the path are open and a tone injected now is not lost to their start.
                await("the room's first voice frames at the unit's speaker")
                        .atMost(Duration.ofSeconds(10))
                        .until(() -> !speaker.playedAfter(lastSeq).isEmpty());
                long sent = ((Number) js(browser, "return window.openbwcTalk.injectTone(arguments[0], 400);", ROOM_HZ))
                        .longValue();
                await("the room's tone from the unit's speaker")
                        .atMost(Duration.ofSeconds(10))
                        .until(() ->
                                toneOnset(speaker.playedAfter(lastSeq), ROOM_HZ).isPresent());
                long played = toneOnset(speaker.playedAfter(lastSeq), ROOM_HZ).getAsLong();
                Logger.info("voice test: room -> unit {} ms", played - sent);
                assertThat(played).isGreaterThanOrEqualTo(sent);
                js(browser, "window.openbwcTalk.transmit(false);");

                browser.findElement(By.id("live-talk")).click(); // End call
                wait.until(d -> "idle".equals(d.findElement(By.tagName("body")).getAttribute("data-talk")));
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> Boolean.FALSE.equals(unit.view().get("inCall")));
            } finally {
                logConsole(browser);
                browser.quit();
            }

            // Audited: opened and closed, by whom, for how long.
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> audit(admin, "call.close").size() == 1);
            assertThat(audit(admin, "call.open")).hasSize(1);
            JsonNode closed = audit(admin, "call.close").get(0);
            assertThat(closed.path("target").asText()).isEqualTo(UNIT);
            assertThat(closed.path("details").path("by").asText()).isEqualTo(TestOperators.SUPERVISOR);
            assertThat(closed.path("details").path("durationMillis").asLong()).isPositive();

            // Recorded: the call started a recording; the room's tone is in its audio.
            FleetClient supervisor = fleet.client(TestOperators.SUPERVISOR);
            assertThat(supervisor
                            .command(UNIT, "record.stop", "voice test done")
                            .status())
                    .isEqualTo(200);
            Path evidence = fleet.dir.resolve("units").resolve(UNIT);
            Path manifest = await("the recording sealed")
                    .atMost(Duration.ofSeconds(40))
                    .until(() -> find(evidence, "manifest.json"), p -> p != null);
            short[] audio = decodeAudio(manifest.getParent());
            assertThat(new ToneDetector(ROOM_HZ, 48_000).onset(audio, 0))
                    .as("the room's voice in the unit's recording")
                    .isPresent();
            supervisor.close();
        }
    }

    private static void logConsole(WebDriver browser) {
        try {
            for (var e : browser.manage().logs().get(org.openqa.selenium.logging.LogType.BROWSER)) {
                Logger.info("voice test: browser console {} {}", e.getLevel(), e.getMessage());
            }
        } catch (RuntimeException e) {
            Logger.info("voice test: no console: {}", e.toString());
        }
    }

    @Test
    void theSupervisorsMicrophoneIsCapturedAndReachesTheUnitsSpeaker() throws Exception {
        try (TestFleet fleet = TestFleet.start("voice-mic", gw -> gw, List.of(TestFleet.Unit.small(UNIT)))) {
            SimulatedUnit unit = fleet.units.get(0);
            // Chromium's fake capture device stands in for the microphone; no permission prompt.
            WebDriver browser = HeadlessChromium.start(
                    fleet.dir.resolve("chromium-mic"),
                    "--autoplay-policy=no-user-gesture-required",
                    "--use-fake-ui-for-media-stream",
                    "--use-fake-device-for-media-stream");
            try {
                MonitoringRoom.signIn(browser, fleet.base(), "/live/" + UNIT, TestOperators.SUPERVISOR);
                WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
                wait.until(d -> "playing"
                        .equals(d.findElement(By.cssSelector("video.live-player"))
                                .getAttribute("data-state")));
                browser.findElement(By.id("live-talk")).click();
                wait.until(d -> "open".equals(d.findElement(By.tagName("body")).getAttribute("data-talk")));
                assertThat(browser.findElement(By.id("live-transmit")).isDisplayed())
                        .isTrue();
                browser.findElement(By.id("live-transmit")).click(); // a click toggles transmitting on
                wait.until(d ->
                        "transmitting".equals(d.findElement(By.tagName("body")).getAttribute("data-talk")));
                await("the microphone's sound from the unit's speaker")
                        .atMost(Duration.ofSeconds(10))
                        .until(() -> unit.controls().speaker().playedAfter(0).size() >= 10);
                browser.findElement(By.id("live-transmit")).click();
                wait.until(d -> "open".equals(d.findElement(By.tagName("body")).getAttribute("data-talk")));
                browser.findElement(By.id("live-talk")).click();
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> Boolean.FALSE.equals(unit.view().get("inCall")));
            } finally {
                logConsole(browser);
                browser.quit();
            }
        }
    }

    private static Object js(WebDriver browser, String script, Object... args) {
        Logger.info("voice test: js {}", script);
        return ((JavascriptExecutor) browser).executeScript(script, args);
    }

    private static List<Long> onsets(WebDriver browser) {
        List<?> raw = (List<?>) ((JavascriptExecutor) browser).executeScript("return window.openbwcTalk.onsets();");
        List<Long> out = new ArrayList<>();
        for (Object o : raw) out.add(((Number) o).longValue());
        return out;
    }

    /** The wall-clock ms at which the tone starts sounding in the speaker's chunks. */
    static OptionalLong toneOnset(List<MockSpeaker.Played> chunks, double hz) {
        ToneDetector d = new ToneDetector(hz, Speaker.SAMPLE_RATE);
        for (MockSpeaker.Played p : chunks) {
            OptionalLong i = d.onset(p.samples(), 0);
            if (i.isPresent()) return OptionalLong.of(p.startMillis() + i.getAsLong() * 1000 / Speaker.SAMPLE_RATE);
        }
        return OptionalLong.empty();
    }

    private static List<JsonNode> audit(FleetClient admin, String action) throws Exception {
        JsonNode body =
                admin.get(admin.gatewayUrl(), "/api/audit?action=" + action).body();
        JsonNode entries = body.has("entries") ? body.path("entries") : body;
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode e : entries) if (action.equals(e.path("action").asText())) out.add(e);
        return out;
    }

    private static JsonNode callRequest(FleetClient admin) throws Exception {
        for (JsonNode a : admin.get(admin.gatewayUrl(), "/api/alerts").body()) {
            if (a.path("type").asText().equals("call.requested")) return a;
        }
        return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }

    private static Path find(Path root, String name) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(p -> p.getFileName().toString().equals(name))
                    .findFirst()
                    .orElse(null);
        }
    }

    /** The recording's audio, all segments in order, as 48 kHz mono (ffmpeg reads the plaintext fMP4 segments). */
    private static short[] decodeAudio(Path recording) throws Exception {
        Path ffmpeg = SystemTools.require("ffmpeg", "the voice test reads the recording's audio with ffmpeg");
        List<Path> segments;
        try (Stream<Path> s = Files.list(recording)) {
            segments = s.filter(p -> p.getFileName().toString().endsWith(".mp4"))
                    .sorted()
                    .toList();
        }
        Logger.info("voice test: recording files {}", segments);
        assertThat(segments).as("segments of " + recording).isNotEmpty();
        java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
        for (Path seg : segments) {
            Path raw = recording.resolveSibling(seg.getFileName() + ".pcm");
            Process p = new ProcessBuilder(
                            ffmpeg.toString(),
                            "-v",
                            "error",
                            "-y",
                            "-i",
                            seg.toString(),
                            "-vn",
                            "-ac",
                            "1",
                            "-ar",
                            "48000",
                            "-f",
                            "s16le",
                            raw.toString())
                    .redirectErrorStream(true)
                    .start();
            String out = new String(p.getInputStream().readAllBytes());
            assertThat(p.waitFor()).as("ffmpeg on " + seg + ": " + out).isZero();
            all.write(Files.readAllBytes(raw));
        }
        ByteBuffer b = ByteBuffer.wrap(all.toByteArray()).order(ByteOrder.LITTLE_ENDIAN);
        short[] pcm = new short[b.remaining() / 2];
        b.asShortBuffer().get(pcm);
        return pcm;
    }
}
