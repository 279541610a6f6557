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
import org.openbwc.config.BrokerConfig;
import org.openbwc.config.GatewayConfig;
import org.openbwc.config.GnssConfig;
import org.openbwc.config.GnssSource;
import org.openbwc.config.HalMode;
import org.openbwc.config.HttpConfig;
import org.openbwc.config.LiveConfig;
import org.openbwc.config.MapConfig;
import org.openbwc.config.MqttConfig;
import org.openbwc.config.UnitConfig;
import org.openbwc.config.VideoConfig;
import org.openbwc.gateway.Gateway;
import org.openbwc.launcher.sim.SimulatedUnit;

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
    Gateway gateway;
    SimulatedUnit unit;
    FleetClient client;
    String base;
    int httpPort;

    @BeforeAll
    void start() throws Exception {
        Path nginxBin = SystemTools.require("nginx", "the media-server test; apt-get install nginx libnginx-mod-rtmp");
        if (!Files.exists(RTMP_MODULE)) {
            SystemTools.unavailable("nginx's RTMP module " + RTMP_MODULE + " is missing (media-server test); apt-get install libnginx-mod-rtmp");
        }
        dir = TempDirs.create("bwc-push");
        int rtmpPort = PortCheck.freePort("127.0.0.1");
        httpPort = PortCheck.freePort("127.0.0.1");
        Files.createDirectories(dir.resolve("logs"));
        Files.createDirectories(dir.resolve("hls"));
        Files.writeString(dir.resolve("nginx.conf"), """
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
        nginx = new ProcessBuilder(nginxBin.toString(), "-p", dir.toString(), "-c", dir.resolve("nginx.conf").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("logs/stdout.log").toFile()).start();
        await("nginx listening").atMost(Duration.ofSeconds(10)).until(() -> !PortCheck.isFree("127.0.0.1", rtmpPort));

        int brokerPort = PortCheck.freePort("127.0.0.1");
        String mqttUrl = "tcp://127.0.0.1:" + brokerPort;
        GatewayConfig gw = GatewayConfig.defaults("gw-push")
                .withBroker(BrokerConfig.defaults().withEmbedded(true).withPort(brokerPort))
                .withMqtt(MqttConfig.defaults().withUrl(mqttUrl))
                .withHttp(HttpConfig.defaults().withPort(PortCheck.freePort("127.0.0.1")))
                .withDataDir(dir.resolve("gateway").toString())
                .withMap(MapConfig.defaults().withTileUrl(""))
                .withLive(LiveConfig.defaults().withMediaServer("rtmp://127.0.0.1:" + rtmpPort + "/live/{unit}",
                        "http://127.0.0.1:" + httpPort + "/hls/{unit}.m3u8"));
        TestAccounts.write(gw.usersFile());
        gateway = Gateway.start(gw);
        base = gateway.httpUrl();
        UnitConfig c = UnitConfig.defaults(UNIT).withHal(HalMode.MOCK).withOfficerId("4711")
                .withDataDir(dir.resolve("units").resolve(UNIT).toString())
                .withMqtt(new MqttConfig(mqttUrl, UNIT, null, null, 2, 5, 2))
                .withVideo(VideoConfig.defaults().withSize(320, 240, 10).withBitrateKbps(300))
                .withGnss(new GnssConfig(GnssSource.GPX, "127.0.0.1", 2947, "bundled:1"));
        unit = new SimulatedUnit(c, "test");
        unit.powerOn();
        client = new FleetClient(base, "http://unused", TestAccounts.SUPERVISOR);
        await().atMost(Duration.ofSeconds(60)).until(() -> client.onlineCount(List.of(UNIT)) == 1);
    }

    @AfterAll
    void stop() {
        if (unit != null) unit.shutdown();
        if (client != null) client.close();
        if (gateway != null) gateway.close();
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
        await().atMost(Duration.ofSeconds(10)).until(() -> client.unit(UNIT).orElseThrow().path("live").asBoolean());

        HttpClient http = HttpClient.newHttpClient();
        await("the media server's HLS playlist").atMost(Duration.ofSeconds(30)).until(() ->
                http.send(HttpRequest.newBuilder(URI.create(playback)).build(), HttpResponse.BodyHandlers.ofString()).statusCode() == 200);
        Process p = new ProcessBuilder(ffprobe.toString(), "-v", "error", "-show_entries", "stream=codec_name,width,height",
                "-of", "csv=p=0", playback).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(out).isZero();
        assertThat(out).contains("h264,320,240").contains("aac");
        assertThat(Files.readString(dir.resolve("gateway/audit.log"))).contains("\"via\":\"media-server\"");
        assertThat(client.command(UNIT, "ping").status()).isEqualTo(200);
    }
}
