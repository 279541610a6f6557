package org.openbwc.gateway.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Path;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedKeyManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openbwc.pki.AgencyCa;
import org.openbwc.pki.Identity;
import org.openbwc.pki.IdentityRole;
import org.openbwc.pki.IssuedKey;
import org.openbwc.pki.Pem;
import org.openbwc.pki.TlsContexts;

/**
 * The two listeners of {@link WebServer} with real TLS from an agency CA: the units' listener hands a unit's
 * certificate to {@link ClientIdentity} (on plain requests and on a WebSocket upgrade), lets a client without one in
 * (enrolment), and fails the handshake of a certificate from another CA; the operators' HTTPS port sends HSTS.
 */
class UnitsListenerTest {

    static final Duration YEAR = Duration.ofDays(365);
    static final String WS_IDENTITY = "test.identity";

    @TempDir
    Path dir;

    Path caFile;
    AgencyCa ca;
    WebServer server;

    @BeforeEach
    void start() {
        Clock clock = Clock.systemUTC();
        ca = AgencyCa.create(dir.resolve("pki"), "Test agency", clock);
        caFile = dir.resolve("pki").resolve(AgencyCa.CERTIFICATE_FILE);
        IssuedKey serverKey = ca.issueServer(List.of("localhost", "127.0.0.1"), YEAR);
        Path serverCrt = dir.resolve("server.crt");
        Pem.writePrivateKey(dir.resolve("server.key"), serverKey.key());
        Pem.writeCertificates(serverCrt, serverKey.certificate(), ca.certificate());
        SSLContext serverTls = TlsContexts.mutual(dir.resolve("server.key"), serverCrt, caFile);
        WebServer.Listeners listeners = new WebServer.Listeners("127.0.0.1", 0, serverTls, 0, serverTls);
        server = WebServer.start(
                listeners,
                HttpJson.mapper(),
                app -> {
                    app.get(
                            "/who",
                            ctx -> ctx.result(ClientIdentity.of(ctx.req())
                                    .map(i -> i.id() + "/" + i.role())
                                    .orElse("nobody")),
                            Access.PUBLIC);
                    // A WebSocket route reads the identity before the upgrade, where the request is a servlet
                    // request, and keeps it for the socket: the way the live uplink is meant to.
                    app.wsBeforeUpgrade("/ws", ctx -> ctx.attribute(WS_IDENTITY, ClientIdentity.of(ctx.req())));
                    app.ws(
                            "/ws",
                            ws -> ws.onConnect(ctx -> ctx.send(
                                    ClientIdentity.of(ctx).map(Identity::id).orElse("nobody") + " "
                                            + ctx.<java.util.Optional<Identity>>attribute(WS_IDENTITY)
                                                    .map(Identity::id)
                                                    .orElse("nobody"))),
                            Access.PUBLIC);
                },
                () -> {});
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void aUnitCertificateFromTheAgencyCaNamesTheUnit() throws Exception {
        HttpClient unit = client(issued("unit-7", IdentityRole.UNIT, ca));
        HttpResponse<String> r = get(unit, unitsUrl() + "/who");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("unit-7/UNIT");
        assertThat(r.headers().firstValue("Strict-Transport-Security")).isEmpty();
    }

    @Test
    void aClientWithoutCertificateGetsInAsNobody() throws Exception {
        HttpResponse<String> r = get(client(TlsContexts.trusting(caFile)), unitsUrl() + "/who");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("nobody");
    }

    @Test
    void aCertificateFromAnotherCaFailsTheHandshake() throws Exception {
        AgencyCa other = AgencyCa.create(dir.resolve("other-pki"), "Other agency", Clock.systemUTC());
        // A JDK client only offers a certificate from a CA the server names, and would come in as nobody; this one
        // sends its certificate regardless, as an attacker's client would. It trusts our CA, so only the server's
        // check of its certificate can fail the handshake.
        HttpClient impostor = client(alwaysPresenting(other.issueClient("unit-7", IdentityRole.UNIT, YEAR)));
        assertThatThrownBy(() -> get(impostor, unitsUrl() + "/who")).isInstanceOf(IOException.class);
        // The same kind of client with a certificate from the agency CA passes, so the refusal is about the issuer.
        HttpClient genuine = client(alwaysPresenting(ca.issueClient("unit-7", IdentityRole.UNIT, YEAR)));
        assertThat(get(genuine, unitsUrl() + "/who").body()).isEqualTo("unit-7/UNIT");
    }

    /** A client context that presents {@code key} whatever CAs the server asks for, trusting our CA. */
    private SSLContext alwaysPresenting(IssuedKey key) throws Exception {
        char[] none = new char[0];
        KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        factory.init(TlsContexts.keyStore(key.key(), List.of(key.certificate()), none), none);
        X509ExtendedKeyManager real = (X509ExtendedKeyManager) factory.getKeyManagers()[0];
        X509ExtendedKeyManager forced = new X509ExtendedKeyManager() {
            @Override
            public String[] getClientAliases(String keyType, Principal[] issuers) {
                return new String[] {"key"};
            }

            @Override
            public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
                return "key";
            }

            @Override
            public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
                return "key";
            }

            @Override
            public String[] getServerAliases(String keyType, Principal[] issuers) {
                return null;
            }

            @Override
            public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
                return null;
            }

            @Override
            public X509Certificate[] getCertificateChain(String alias) {
                return real.getCertificateChain(alias);
            }

            @Override
            public PrivateKey getPrivateKey(String alias) {
                return real.getPrivateKey(alias);
            }
        };
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(
                new KeyManager[] {forced},
                new TrustManager[] {TlsContexts.trustManager(List.of(ca.certificate()))},
                new SecureRandom());
        return context;
    }

    @Test
    void onlyTls12And13AreSpoken() {
        SSLParameters tls11 = new SSLParameters();
        tls11.setProtocols(new String[] {"TLSv1.1"});
        HttpClient old = HttpClient.newBuilder()
                .sslContext(TlsContexts.trusting(caFile))
                .sslParameters(tls11)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
        assertThatThrownBy(() -> get(old, unitsUrl() + "/who")).isInstanceOf(IOException.class);
    }

    @Test
    void aWebSocketUpgradeCarriesTheUnitIdentity() throws Exception {
        HttpClient unit = client(issued("unit-9", IdentityRole.UNIT, ca));
        CompletableFuture<String> first = new CompletableFuture<>();
        WebSocket ws = unit.newWebSocketBuilder()
                .buildAsync(URI.create("wss://127.0.0.1:" + server.unitPort() + "/ws"), new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
                        first.complete(data.toString());
                        return null;
                    }
                })
                .get(20, TimeUnit.SECONDS);
        try {
            assertThat(first.get(20, TimeUnit.SECONDS)).isEqualTo("unit-9 unit-9");
        } finally {
            ws.abort();
        }
    }

    @Test
    void theOperatorsPortIsHttpsWithHstsAndAsksNoCertificate() throws Exception {
        HttpResponse<String> r =
                get(client(TlsContexts.trusting(caFile)), "https://127.0.0.1:" + server.port() + "/who");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("nobody");
        assertThat(r.headers().firstValue("Strict-Transport-Security"))
                .hasValue("max-age=" + WebServer.HSTS_MAX_AGE_SECONDS);
        // Even a unit's certificate is not asked for there.
        assertThat(get(client(issued("unit-7", IdentityRole.UNIT, ca)), "https://127.0.0.1:" + server.port() + "/who")
                        .body())
                .isEqualTo("nobody");
    }

    @Test
    void plainHttpIsRefusedOffLoopback() {
        assertThat(WebServer.loopback("127.0.0.1")).isTrue();
        assertThat(WebServer.loopback("::1")).isTrue();
        assertThat(WebServer.loopback("[::1]")).isTrue();
        assertThat(WebServer.loopback("localhost")).isTrue();
        assertThat(WebServer.loopback("0.0.0.0")).isFalse();
        assertThat(WebServer.loopback("::")).isFalse();
        assertThat(WebServer.loopback("10.0.0.5")).isFalse();
        assertThat(WebServer.loopback("gateway.local")).isFalse();
        assertThatThrownBy(() -> WebServer.Listeners.plain("0.0.0.0", 8080))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("plain HTTP on 0.0.0.0");
    }

    @Test
    void onTheUnitsListenerTheClientsOrderOfCipherSuitesDecidesOnTheOperatorsPortTheServers() throws Exception {
        // A unit offers ChaCha20-Poly1305 first (its C1-only JVM has no AES-GCM intrinsics); browsers keep AES-GCM.
        String[] chachaFirst = {"TLS_CHACHA20_POLY1305_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256"};
        assertThat(negotiated(server.unitPort(), chachaFirst)).isEqualTo("TLS_CHACHA20_POLY1305_SHA256");
        assertThat(negotiated(server.port(), chachaFirst)).isEqualTo("TLS_AES_256_GCM_SHA384");
    }

    private String negotiated(int port, String[] suites) throws IOException {
        try (javax.net.ssl.SSLSocket s = (javax.net.ssl.SSLSocket)
                TlsContexts.trusting(caFile).getSocketFactory().createSocket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            s.setEnabledProtocols(new String[] {"TLSv1.3"});
            s.setEnabledCipherSuites(suites);
            s.startHandshake();
            return s.getSession().getCipherSuite();
        }
    }

    private String unitsUrl() {
        return "https://127.0.0.1:" + server.unitPort();
    }

    private SSLContext issued(String id, IdentityRole role, AgencyCa issuer) {
        Path keyFile = dir.resolve(id + ".key");
        Path crtFile = dir.resolve(id + ".crt");
        issuer.issueClient(id, role, YEAR).write(keyFile, crtFile);
        return TlsContexts.mutual(keyFile, crtFile, caFile);
    }

    private static HttpClient client(SSLContext tls) {
        return HttpClient.newBuilder()
                .sslContext(tls)
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    private static HttpResponse<String> get(HttpClient client, String url) throws IOException, InterruptedException {
        return client.send(
                HttpRequest.newBuilder(URI.create(url))
                        .timeout(Duration.ofSeconds(20))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
