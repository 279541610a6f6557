package org.openbwc.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openbwc.config.LiveConfig;
import org.openbwc.gateway.auth.TestOperators;
import org.openbwc.testsupport.SystemTools;
import org.tinylog.Logger;

/**
 * Live video end to end without a browser: a mock unit's real encoder, its uplink, the gateway's relay and a
 * WebSocket viewer; access, two viewers, the viewer count reaching the unit, the idle stop and the audit trail.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LiveVideoTest {
    static final String UNIT = "live-1";

    TestFleet fleet;
    FleetClient supervisor;
    String base;

    @BeforeAll
    void start() {
        fleet = TestFleet.start(
                "live",
                gw -> gw.withLive(LiveConfig.defaults().withIdleStopSeconds(2)),
                List.of(TestFleet.Unit.small(UNIT)));
        base = fleet.base();
        supervisor = fleet.client(TestOperators.SUPERVISOR);
    }

    @AfterAll
    void stop() {
        if (supervisor != null) supervisor.close();
        if (fleet != null) fleet.close();
    }

    /** A WebSocket viewer that keeps what it receives. */
    static final class Viewer implements WebSocket.Listener {
        final List<String> texts = new CopyOnWriteArrayList<>();
        final List<long[]> fragments = new CopyOnWriteArrayList<>(); // {capture, media, bytes, receivedAt}
        volatile boolean init;
        volatile WebSocket socket;
        private ByteBuffer partial = ByteBuffer.allocate(0);

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            texts.add(data.toString());
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
            ByteBuffer joined = ByteBuffer.allocate(partial.remaining() + data.remaining())
                    .put(partial)
                    .put(data)
                    .flip();
            if (last) {
                long capture = joined.getLong(0);
                long media = joined.getLong(8);
                if (media == -1) init = true;
                else fragments.add(new long[] {capture, media, joined.remaining() - 16, System.currentTimeMillis()});
                partial = ByteBuffer.allocate(0);
            } else {
                partial = joined;
            }
            ws.request(1);
            return null;
        }
    }

    Viewer watch(FleetClient who) throws Exception {
        FleetClient.Reply grant = who.post(base, "/api/live/" + UNIT, null);
        assertThat(grant.status()).as(grant.body().toString()).isEqualTo(200);
        Viewer v = new Viewer();
        v.socket = HttpClient.newHttpClient()
                .newWebSocketBuilder()
                .header("Authorization", "Bearer " + who.token())
                .buildAsync(
                        URI.create(base.replace("http", "ws")
                                + grant.body().path("ws").asText()),
                        v)
                .join();
        return v;
    }

    JsonNode unitView() throws Exception {
        return supervisor.unit(UNIT).orElseThrow();
    }

    @Test
    void aSupervisorWatchesASecondJoinsTheUnitKnowsAndTheStreamStopsWhenNobodyWatches() throws Exception {
        long clicked = System.currentTimeMillis();
        Viewer first = watch(supervisor);
        await().atMost(Duration.ofSeconds(10)).until(() -> first.init && first.fragments.size() >= 10);
        long firstFragmentMillis = first.fragments.getFirst()[3] - clicked;
        assertThat(first.texts.getFirst()).contains("\"type\":\"start\"", "video/mp4", "avc1");
        // Media time increases fragment by fragment, and the capture stamps are the unit's real clock.
        for (int i = 1; i < first.fragments.size(); i++) {
            assertThat(first.fragments.get(i)[1]).isGreaterThan(first.fragments.get(i - 1)[1]);
        }
        long[] last = first.fragments.getLast();
        long uplinkDelay = last[3] - last[0];
        Logger.info(
                "live: first fragment {} ms after the request; capture-to-viewer delay of a fragment {} ms",
                firstFragmentMillis,
                uplinkDelay);
        assertThat(uplinkDelay).as("capture stamp to arrival at the viewer").isBetween(0L, 1_500L);

        await().atMost(Duration.ofSeconds(10))
                .until(() -> unitView().path("live").asBoolean()
                        && unitView().path("viewers").asInt() == 1);

        try (FleetClient admin = fleet.client(TestOperators.ADMIN)) {
            int before = first.fragments.size();
            Viewer second = watch(admin);
            await().atMost(Duration.ofSeconds(10)).until(() -> second.init && second.fragments.size() >= 5);
            assertThat(first.fragments.size())
                    .as("the first viewer kept receiving")
                    .isGreaterThan(before);
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> unitView().path("viewers").asInt() == 2);
            second.socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").join();
        }
        first.socket.sendText("{\"type\":\"latency\",\"ms\":321}", true).join();
        first.socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").join();

        // Nobody watches: after the idle time (2 s here) the gateway tells the unit to stop.
        await().atMost(Duration.ofSeconds(20))
                .until(() -> !unitView().path("live").asBoolean());
        String audit = Files.readString(fleet.dir.resolve("gateway").resolve("audit.log"));
        assertThat(audit)
                .contains(
                        "\"actor\":\"" + TestOperators.SUPERVISOR + "\",\"action\":\"live.open\",\"target\":\"" + UNIT)
                .contains(
                        "\"action\":\"live.close\"",
                        "\"actor\":\"" + TestOperators.ADMIN + "\",\"action\":\"live.open\"");
        String metrics = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(base + "/metrics"))
                                .header("Authorization", "Bearer " + supervisor.token())
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
        assertThat(metrics).contains("bwc_live_latency_milliseconds_count{gateway=\"gw-live\"} 1", "bwc_live_viewers");
    }

    @Test
    void dockingTheUnitEndsItsLiveStreamAndADockedUnitRefusesOne() throws Exception {
        Viewer v = watch(supervisor);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> unitView().path("live").asBoolean());
        fleet.units.getFirst().controls().setDocked(true);
        try {
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> !unitView().path("live").asBoolean());
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> v.texts.stream().anyMatch(t -> t.contains("\"type\":\"end\"")));
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> unitView().path("state").asText().equals("SLEEP"));
            FleetClient.Reply refused = supervisor.post(base, "/api/live/" + UNIT, null);
            assertThat(refused.status()).isEqualTo(503);
            assertThat(refused.body().path("error").asText()).contains("camera is off");
        } finally {
            fleet.units.getFirst().controls().setDocked(false);
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> unitView().path("state").asText().equals("BUFFERING"));
        }
    }

    @Test
    void viewersAndTokenlessOrReusedRequestsAreRefused() throws Exception {
        try (FleetClient viewer = fleet.client(TestOperators.VIEWER)) {
            FleetClient.Reply refused = viewer.post(base, "/api/live/" + UNIT, null);
            assertThat(refused.status()).isEqualTo(403);
            assertThat(refused.body().path("error").asText()).contains("needs the role supervisor");
        }
        FleetClient.Reply grant = supervisor.post(base, "/api/live/" + UNIT, null);
        String ws = base.replace("http", "ws") + grant.body().path("ws").asText();
        HttpClient http = HttpClient.newHttpClient();
        // Without the session the token alone is not enough.
        assertThat(upgrade(http.newWebSocketBuilder(), ws)).isFalse();
        assertThat(upgrade(
                        http.newWebSocketBuilder().header("Authorization", "Bearer " + supervisor.token()),
                        ws.replaceAll("token=[^&]+", "token=forged")))
                .isFalse();
        assertThat(upgrade(http.newWebSocketBuilder().header("Authorization", "Bearer " + supervisor.token()), ws))
                .isTrue();
        assertThat(upgrade(http.newWebSocketBuilder().header("Authorization", "Bearer " + supervisor.token()), ws))
                .as("a token is good for one connection")
                .isFalse();
        // An uplink without a unit certificate and its ticket is refused too: upgraded, then closed at once with the
        // reason (the only way a unit's WebSocket client learns why), before a byte of video is taken.
        assertThat(closeReason(
                        http.newWebSocketBuilder(), base.replace("http", "ws") + "/uplink/" + UNIT + "?ticket=guess"))
                .startsWith("1008 ")
                .contains("certificate");
        assertThat(supervisor.command(UNIT, "live.start").status())
                .as("only the live service sends live.start")
                .isEqualTo(400);
    }

    @Test
    void theHlsFallbackServesTheSameStreamAsWholeGops() throws Exception {
        Path ffprobe = SystemTools.require("ffprobe", "reading the HLS fallback; apt-get install ffmpeg");
        FleetClient.Reply grant = supervisor.post(base, "/api/live/" + UNIT, null);
        assertThat(grant.status()).isEqualTo(200);
        String playlistUrl = base + grant.body().path("hls").asText();
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest playlist = HttpRequest.newBuilder(URI.create(playlistUrl))
                .header("Authorization", "Bearer " + supervisor.token())
                .build();
        await().atMost(Duration.ofSeconds(15))
                .until(() -> http.send(playlist, HttpResponse.BodyHandlers.ofString())
                                .statusCode()
                        == 200);
        String text = http.send(playlist, HttpResponse.BodyHandlers.ofString()).body();
        assertThat(text)
                .startsWith("#EXTM3U")
                .contains("#EXT-X-MAP:URI=\"init.mp4\"", "#EXT-X-PROGRAM-DATE-TIME:", ".m4s");
        assertThat(http.send(
                                HttpRequest.newBuilder(URI.create(playlistUrl)).build(),
                                HttpResponse.BodyHandlers.ofString())
                        .statusCode())
                .as("HLS needs a signed-in supervisor too")
                .isEqualTo(401);
        Process p = new ProcessBuilder(
                        ffprobe.toString(),
                        "-v",
                        "error",
                        "-headers",
                        "Authorization: Bearer " + supervisor.token() + "\r\n",
                        "-show_entries",
                        "stream=codec_name,width,height",
                        "-of",
                        "csv=p=0",
                        playlistUrl)
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(out).isZero();
        assertThat(out).contains("h264,320,240");
    }

    /** The close code and reason the server sent right after the upgrade, or "open" when it kept the socket open. */
    private static String closeReason(WebSocket.Builder b, String url) {
        java.util.concurrent.CompletableFuture<String> closed = new java.util.concurrent.CompletableFuture<>();
        WebSocket s = b.buildAsync(URI.create(url), new WebSocket.Listener() {
                    @Override
                    public java.util.concurrent.CompletionStage<?> onClose(WebSocket ws, int code, String reason) {
                        closed.complete(code + " " + reason);
                        return null;
                    }
                })
                .join();
        try {
            return closed.get(10, java.util.concurrent.TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            s.abort();
            return "open";
        } catch (InterruptedException | java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean upgrade(WebSocket.Builder b, String url) {
        try {
            WebSocket s =
                    b.buildAsync(URI.create(url), new WebSocket.Listener() {}).join();
            s.sendClose(WebSocket.NORMAL_CLOSURE, "");
            return true;
        } catch (CompletionException e) {
            return false;
        }
    }
}
