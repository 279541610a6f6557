package org.openbwc.gateway.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openbwc.gateway.auth.Authenticator;
import org.openbwc.gateway.auth.OperatorDirectory;
import org.openbwc.gateway.auth.PasswordHasher;
import org.openbwc.gateway.auth.SessionTokens;
import org.openbwc.gateway.auth.TestOperators;
import org.openbwc.gateway.fleet.CommandClient;
import org.openbwc.gateway.fleet.FleetConnection;
import org.openbwc.gateway.fleet.FleetRegistry;
import org.openbwc.pki.AgencyCa;
import org.openbwc.pki.IssuedKey;
import org.openbwc.pki.Pem;
import org.openbwc.pki.TlsContexts;

/**
 * The operators' side over HTTPS (HSTS on every answer, a {@code Secure} session cookie), and the cap on concurrent
 * password checks: a burst of wrong sign-ins is turned away with 503 instead of queueing for bcrypt, and the rest of
 * the API keeps answering meanwhile.
 */
class HttpsAndSignInLimitsTest {

    /** A password check that blocks on wrong passwords until the test lets go, counting who is inside. */
    static final class HeldHasher extends PasswordHasher {
        final CountDownLatch release = new CountDownLatch(1);
        final AtomicInteger inside = new AtomicInteger();

        HeldHasher() {
            super(4);
        }

        @Override
        public boolean matches(String password, String hash) {
            if (password != null && password.startsWith("wrong")) {
                inside.incrementAndGet();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return super.matches(password, hash);
        }
    }

    final FleetConnection connection = mock(FleetConnection.class);

    @TempDir
    Path dataDir;

    HeldHasher hasher;
    TestWeb web;
    String base;
    HttpClient http;

    @BeforeEach
    void start() {
        when(connection.connected()).thenReturn(true);
        when(connection.url()).thenReturn("tcp://127.0.0.1:1883");
        when(connection.clientId()).thenReturn("gw-1");
        Clock clock = Clock.systemUTC();
        AgencyCa ca = AgencyCa.create(dataDir.resolve("pki"), "Test agency", clock);
        IssuedKey server = ca.issueServer(List.of("localhost", "127.0.0.1"), Duration.ofDays(30));
        Pem.writePrivateKey(dataDir.resolve("server.key"), server.key());
        Pem.writeCertificates(dataDir.resolve("server.crt"), server.certificate(), ca.certificate());
        Path caFile = dataDir.resolve("pki").resolve(AgencyCa.CERTIFICATE_FILE);
        SSLContext tls = TlsContexts.mutual(dataDir.resolve("server.key"), dataDir.resolve("server.crt"), caFile);
        hasher = new HeldHasher();
        Authenticator auth = new Authenticator(
                OperatorDirectory.open(TestOperators.write(dataDir.resolve("users.yaml"))),
                hasher,
                SessionTokens.open(dataDir, clock),
                Duration.ofHours(1),
                5,
                clock);
        web = TestWeb.start(
                new WebServer.Listeners("127.0.0.1", 0, tls, 0, null),
                auth,
                new FleetRegistry(),
                connection,
                mock(CommandClient.class),
                dataDir,
                "gw-1");
        base = "https://127.0.0.1:" + web.port();
        http = HttpClient.newBuilder()
                .sslContext(TlsContexts.trusting(caFile))
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    @AfterEach
    void stop() {
        hasher.release.countDown();
        web.close();
    }

    @Test
    void overHttpsTheSessionCookieIsSecureAndEveryAnswerCarriesHsts() throws Exception {
        HttpResponse<String> login = login(TestOperators.VIEWER, TestOperators.password(TestOperators.VIEWER));
        assertThat(login.statusCode()).isEqualTo(200);
        assertThat(login.headers().firstValue("Set-Cookie").orElseThrow())
                .startsWith(WebAccess.COOKIE + "=")
                .contains("; Secure")
                .contains("HttpOnly")
                .containsIgnoringCase("SameSite=Strict");
        String hsts = "max-age=" + WebServer.HSTS_MAX_AGE_SECONDS;
        assertThat(login.headers().firstValue("Strict-Transport-Security")).hasValue(hsts);
        for (String path : List.of("/", "/login", "/assets/app.js", "/api/units", "/no-such-page")) {
            HttpResponse<String> r = get(path, null);
            assertThat(r.headers().firstValue("Strict-Transport-Security"))
                    .as(path + " (" + r.statusCode() + ")")
                    .hasValue(hsts);
        }
    }

    @Test
    void sixteenParallelWrongSignInsHoldTwoChecksAndAreTurnedAwayNotQueued() throws Exception {
        String token = ApiClient.parse(login(TestOperators.VIEWER, TestOperators.password(TestOperators.VIEWER))
                        .body())
                .get("token")
                .asText();
        List<CompletableFuture<HttpResponse<String>>> attempts = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            // Sixteen names, so the throttle (per name and address) stays out of it; one address is all a test has.
            String body = "{\"username\": \"user-" + i + "\", \"password\": \"wrong-" + i + "\"}";
            attempts.add(http.sendAsync(
                    request("/api/login", null)
                            .POST(HttpRequest.BodyPublishers.ofString(body))
                            .build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        await("two checks running").atMost(Duration.ofSeconds(30)).until(() -> hasher.inside.get() == 2);
        await("the other fourteen answered")
                .atMost(Duration.ofSeconds(30))
                .until(() -> attempts.stream().filter(CompletableFuture::isDone).count() == 14);
        List<HttpResponse<String>> early = attempts.stream()
                .filter(CompletableFuture::isDone)
                .map(CompletableFuture::join)
                .toList();
        assertThat(early).allSatisfy(r -> {
            assertThat(r.statusCode()).isEqualTo(503);
            assertThat(r.headers().firstValue("Retry-After")).hasValue("1");
        });
        // While both checks are held, the API answers the signed-in operator.
        assertThat(get("/api/units", token).statusCode()).isEqualTo(200);
        assertThat(hasher.inside.get()).as("no one else got in").isEqualTo(2);

        hasher.release.countDown();
        List<Integer> late = attempts.stream()
                .map(CompletableFuture::join)
                .filter(r -> r.statusCode() != 503)
                .map(HttpResponse::statusCode)
                .toList();
        assertThat(late).containsExactly(401, 401);
    }

    private HttpResponse<String> login(String user, String password) throws Exception {
        String body = "{\"username\": \"" + user + "\", \"password\": \"" + password + "\"}";
        return http.send(
                request("/api/login", null)
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path, String token) throws Exception {
        return http.send(request(path, token).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest.Builder request(String path, String token) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
        if (token != null) b.header("Authorization", "Bearer " + token);
        return b;
    }
}
