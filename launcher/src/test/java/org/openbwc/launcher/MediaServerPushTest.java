package org.openbwc.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openbwc.config.LiveConfig;
import org.openbwc.config.UnitLiveConfig;
import org.openbwc.gateway.auth.TestOperators;
import org.openbwc.testsupport.SystemTools;

/**
 * Large-fleet mode against a real media server (Debian's nginx with libnginx-mod-rtmp): the gateway asks the unit to
 * push to the server, the unit remuxes its fragment stream to RTMP without a second encoder, the server makes HLS of
 * it, and the viewer is handed the server's playback URL.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MediaServerPushTest {
    static final String UNIT = "push-1";
    static final Path RTMP_MODULE = Path.of("/usr/lib/nginx/modules/ngx_rtmp_module.so");

    Path dir;
    Process nginx;
    TestFleet fleet;
    FleetClient client;
    String base;
    int httpPort;

    @BeforeAll
    void start() throws Exception {
        Path nginxBin = SystemTools.require("nginx", "the media-server test; apt-get install nginx libnginx-mod-rtmp");
        if (!Files.exists(RTMP_MODULE)) {
            SystemTools.unavailable("nginx's RTMP module " + RTMP_MODULE
                    + " is missing (media-server test); apt-get install libnginx-mod-rtmp");
        }
        dir = TempDirs.create("bwc-nginx");
        int rtmpPort = PortCheck.freePort("127.0.0.1");
        httpPort = PortCheck.freePort("127.0.0.1");
        Files.createDirectories(dir.resolve("logs"));
        Files.createDirectories(dir.resolve("hls"));
        Files.writeString(
                dir.resolve("nginx.conf"), """
                load_module %s;
                user root;
                worker_processes 1;
                daemon off;
                pid %s/nginx.pid;
                error_log %s/logs/error.log info;
                events { worker_connections 64; }
                rtmp {
                  server {
                    listen 127.0.0.1:%d;
                    application live { live on; record off; hls on; hls_path %s/hls; hls_fragment 1s; hls_playlist_length 6s; }
                  }
                }
                http {
                  access_log off;
                  server {
                    listen 127.0.0.1:%d;
                    location /hls { types { application/vnd.apple.mpegurl m3u8; video/mp2t ts; } root %s; add_header Cache-Control no-cache; }
                  }
                }
                """.formatted(RTMP_MODULE, dir, dir, rtmpPort, dir, httpPort, dir));
        nginx = new ProcessBuilder(
                        nginxBin.toString(),
                        "-p",
                        dir.toString(),
                        "-c",
                        dir.resolve("nginx.conf").toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("logs/stdout.log").toFile())
                .start();
        await("nginx listening").atMost(Duration.ofSeconds(10)).until(() -> !PortCheck.isFree("127.0.0.1", rtmpPort));

        String push = "rtmp://127.0.0.1:" + rtmpPort + "/live/{unit}";
        String playback = "http://127.0.0.1:" + httpPort + "/hls/{unit}.m3u8";
        fleet = TestFleet.start(
                "push",
                gw -> gw.withLive(LiveConfig.defaults().withMediaServer(push, playback)),
                List.of(TestFleet.Unit.small(UNIT)),
                // A unit pushes only to origins it was configured with.
                unit -> unit.withLive(new UnitLiveConfig("rtmp://127.0.0.1:" + rtmpPort)));
        base = fleet.base();
        client = fleet.client(TestOperators.SUPERVISOR);
    }

    @AfterAll
    void stop() {
        if (client != null) client.close();
        if (fleet != null) fleet.close();
        if (nginx != null) nginx.destroyForcibly();
        if (dir != null) TempDirs.delete(dir);
    }

    @Test
    void theUnitPushesToTheMediaServerAndTheViewerGetsItsPlaybackUrl() throws Exception {
        Path ffprobe = SystemTools.require("ffprobe", "reading the media server's HLS; apt-get install ffmpeg");
        FleetClient.Reply grant = client.post(base, "/api/live/" + UNIT, null);
        assertThat(grant.status()).as(grant.body().toString()).isEqualTo(200);
        String playback = grant.body().path("external").asText();
        assertThat(playback).isEqualTo("http://127.0.0.1:" + httpPort + "/hls/" + UNIT + ".m3u8");
        await().atMost(Duration.ofSeconds(10))
                .until(() -> client.unit(UNIT).orElseThrow().path("live").asBoolean());

        HttpClient http = HttpClient.newHttpClient();
        await("the media server's HLS playlist")
                .atMost(Duration.ofSeconds(30))
                .until(() -> http.send(
                                        HttpRequest.newBuilder(URI.create(playback))
                                                .build(),
                                        HttpResponse.BodyHandlers.ofString())
                                .statusCode()
                        == 200);
        Process p = new ProcessBuilder(
                        ffprobe.toString(),
                        "-v",
                        "error",
                        "-show_entries",
                        "stream=codec_name,width,height",
                        "-of",
                        "csv=p=0",
                        playback)
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(out).isZero();
        assertThat(out).contains("h264,320,240").contains("aac");
        assertThat(Files.readString(fleet.dir.resolve("gateway/audit.log"))).contains("\"via\":\"media-server\"");
        assertThat(client.command(UNIT, "ping").status()).isEqualTo(200);
    }
}
