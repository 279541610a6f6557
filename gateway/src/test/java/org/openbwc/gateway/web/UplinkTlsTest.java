package org.openbwc.gateway.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyMap;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.atLeastOnce;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mockito.ArgumentCaptor;
import org.openbwc.config.LiveConfig;
import org.openbwc.gateway.alerts.Alert;
import org.openbwc.gateway.alerts.AlertBoard;
import org.openbwc.gateway.audit.AuditLog;
import org.openbwc.gateway.fleet.CommandClient;
import org.openbwc.gateway.fleet.FleetFeed;
import org.openbwc.gateway.fleet.FleetRegistry;
import org.openbwc.gateway.live.LiveService;
import org.openbwc.gateway.live.TalkCalls;
import org.openbwc.pki.AgencyCa;
import org.openbwc.pki.IdentityRole;
import org.openbwc.pki.IssuedKey;
import org.openbwc.pki.Pem;
import org.openbwc.pki.TlsContexts;
import org.openbwc.protocol.CommandReply;
import org.openbwc.protocol.LiveFrame;
import org.openbwc.protocol.Payload;
import org.openbwc.protocol.UnitState;
import org.openbwc.protocol.UnitStatus;

/**
 * The uplink end to end over TLS with client certificates from an agency CA: a connector of its own, built here as
 * the units' listener is (TLS, {@code wantClientAuth}, Jetty's {@code SecureRequestCustomizer}), so that this test
 * does not depend on the web server's own wiring. Only the unit's own certificate and ticket open a stream; the
 * others get a 403 with the reason, audited, and the first stream keeps going.
 */
class UplinkTlsTest {
    static final String UNIT = "bwc-0001";

    @TempDir
    Path dir;

    final FleetRegistry registry = new FleetRegistry();
    final AlertBoard alerts = new AlertBoard(Clock.systemUTC());
    final List<Alert> raised = new CopyOnWriteArrayList<>();
    final CommandClient commands = mock(CommandClient.class);
    final List<CompletableFuture<CommandReply>> pendingStarts = new CopyOnWriteArrayList<>();
    LiveService live;
    AuditLog audit;
    Javalin app;
    int port;
    Path caFile;

    @BeforeEach
    void start() {
        AgencyCa ca = AgencyCa.create(dir.resolve("ca"), "Test Agency", Clock.systemUTC());
        caFile = dir.resolve("ca/ca.crt");
        IssuedKey server = ca.issueServer(List.of("localhost", "127.0.0.1"), Duration.ofDays(1));
        server.write(dir.resolve("server.key"), dir.resolve("server.crt"));
        for (String id : List.of(UNIT, "bwc-0002")) {
            ca.issueClient(id, IdentityRole.UNIT, Duration.ofDays(1))
                    .write(dir.resolve(id + ".key"), dir.resolve(id + ".crt"));
        }
        Pem.writeCertificates(dir.resolve("other-ca.crt"), ca.certificate());

        alerts.listen(raised::add);
        new FleetFeed(registry)
                .applyStatus(
                        new UnitStatus(
                                Payload.VERSION,
                                UNIT,
                                UnitState.BUFFERING,
                                true,
                                false,
                                false,
                                "o",
                                null,
                                null,
                                null,
                                null,
                                false,
                                true,
                                "fw",
                                1,
                                Instant.now()),
                        false);
        when(commands.send(anyString(), anyString(), anyMap(), anyString(), any()))
                .thenAnswer(call -> {
                    CompletableFuture<CommandReply> f = new CompletableFuture<>();
                    pendingStarts.add(f);
                    return f;
                });
        ObjectMapper json = HttpJson.mapper();
        audit = AuditLog.open(dir.resolve("audit.log"), json, Clock.systemUTC());
        live = new LiveService(
                "gw-1", registry, commands, alerts, LiveConfig.defaults(), Duration.ofSeconds(5), Clock.systemUTC());
        LiveSockets sockets = new LiveSockets(
                live, null, audit, new TalkCalls("gw-1", commands, audit, Duration.ofSeconds(5), Clock.systemUTC()));
        Replies replies = new Replies(json);
        SSLContext serverTls = TlsContexts.mutual(dir.resolve("server.key"), dir.resolve("server.crt"), caFile);
        app = Javalin.create(cfg -> {
            cfg.showJavalinBanner = false;
            cfg.startupWatcherEnabled = false;
            cfg.jetty.addConnector((jetty, http) -> {
                SslContextFactory.Server tls = new SslContextFactory.Server();
                tls.setSslContext(serverTls);
                // As on the units' listener: a certificate is asked for, not required (enrolment comes without).
                tls.setWantClientAuth(true);
                HttpConfiguration https = new HttpConfiguration(http);
                https.addCustomizer(new SecureRequestCustomizer());
                ServerConnector connector = new ServerConnector(
                        jetty, new SslConnectionFactory(tls, "http/1.1"), new HttpConnectionFactory(https));
                connector.setHost("127.0.0.1");
                connector.setPort(0);
                return connector;
            });
        });
        app.wsBeforeUpgrade("/uplink/{id}", sockets::beforeUplink);
        app.ws("/uplink/{id}", sockets::uplink);
        app.exception(ApiError.class, (e, ctx) -> replies.error(ctx, e.status, e.getMessage(), e.unit));
        app.start("127.0.0.1", 0);
        port = java.util.Arrays.stream(app.jettyServer().server().getConnectors())
                .map(ServerConnector.class::cast)
                .filter(c -> c.getConnectionFactory(SslConnectionFactory.class) != null)
                .findFirst()
                .orElseThrow()
                .getLocalPort();
        live.uplinkBase("wss://127.0.0.1:" + port);
    }

    @AfterEach
    void stop() {
        if (app != null) app.stop();
        if (live != null) live.close();
        if (audit != null) audit.close();
    }

    /** A fresh live.start's ticket: the previous request is answered first, so a new one goes out. */
    String ticket() {
        for (CompletableFuture<CommandReply> f : pendingStarts) f.completeExceptionally(new IllegalStateException("x"));
        live.ensureStream(UNIT, "gw-1/sam");
        @SuppressWarnings("unchecked")
        ArgumentCaptor<Map<String, String>> args = ArgumentCaptor.forClass(Map.class);
        verify(commands, atLeastOnce()).send(eq(UNIT), eq("live.start"), args.capture(), anyString(), any());
        return URI.create(args.getValue().get("url")).getQuery().substring("ticket=".length());
    }

    HttpClient client(String certificateOf) {
        SSLContext tls = certificateOf == null
                ? TlsContexts.trusting(caFile)
                : TlsContexts.mutual(dir.resolve(certificateOf + ".key"), dir.resolve(certificateOf + ".crt"), caFile);
        return HttpClient.newBuilder().sslContext(tls).build();
    }

    /** Opens the uplink; returns the socket, or "close CODE REASON" when the gateway closes it at once. */
    Object connect(String certificateOf, String ticket) throws Exception {
        CompletableFuture<String> closed = new CompletableFuture<>();
        WebSocket ws = client(certificateOf)
                .newWebSocketBuilder()
                .buildAsync(
                        URI.create("wss://127.0.0.1:" + port + "/uplink/" + UNIT + "?ticket=" + ticket),
                        new WebSocket.Listener() {
                            @Override
                            public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
                                closed.complete("close " + statusCode + " " + reason);
                                return null;
                            }
                        })
                .get(20, TimeUnit.SECONDS);
        // A refused uplink is closed right after the upgrade; an admitted one is registered as the stream.
        await().until(() -> closed.isDone() || live.streaming(UNIT));
        return closed.isDone() ? closed.get() : ws;
    }

    @Test
    void onlyTheUnitsOwnCertificateOpensItsStreamAndASecondUplinkNeverReplacesIt() throws Exception {
        assertThat(connect(null, ticket()))
                .isEqualTo("close 1008 no unit certificate: the uplink needs the unit's TLS client certificate");
        assertThat(connect("bwc-0002", ticket()))
                .isEqualTo("close 1008 certificate names unit bwc-0002, not this unit");
        assertThat(live.streaming(UNIT)).isFalse();

        WebSocket first = (WebSocket) connect(UNIT, ticket());
        await().until(() -> live.streaming(UNIT));
        first.sendBinary(LiveFrame.init(new byte[] {1, 2, 3}).encode(), true).get(10, TimeUnit.SECONDS);
        await().until(() ->
                live.hlsRequest(UNIT, "s", () -> {}).orElseThrow().hls().init().isPresent());

        assertThat(connect(UNIT, "replayed")).isEqualTo("close 1008 " + LiveService.SECOND_UPLINK);
        // The first stream is still the one relayed.
        LiveFrame fragment =
                new LiveFrame(LiveFrame.Kind.FRAGMENT, true, 1, System.currentTimeMillis(), 0, new byte[] {4});
        first.sendBinary(fragment.encode(), true).get(10, TimeUnit.SECONDS);
        await().until(() -> live.hlsRequest(UNIT, "s", () -> {}).orElseThrow().fragments() == 1);

        List<JsonNode> refusals = audit.recent(10).stream()
                .filter(e -> e.path("action").asText().equals("live.uplink"))
                .toList();
        assertThat(refusals).hasSize(3).allSatisfy(e -> {
            assertThat(e.path("outcome").asText()).isEqualTo("refused");
            assertThat(e.path("target").asText()).isEqualTo(UNIT);
        });
        assertThat(refusals)
                .extracting(e -> e.path("details").path("certificate").asText())
                .containsExactly("unit:" + UNIT, "unit:bwc-0002", "none");
        assertThat(raised)
                .extracting(Alert::type, Alert::severity)
                .containsExactly(
                        tuple(Alert.Type.UPLINK_REFUSED, Alert.Severity.WARNING),
                        tuple(Alert.Type.UPLINK_DUPLICATE, Alert.Severity.CRITICAL));
        first.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(10, TimeUnit.SECONDS);
        await().until(() -> !live.streaming(UNIT));
    }
}
