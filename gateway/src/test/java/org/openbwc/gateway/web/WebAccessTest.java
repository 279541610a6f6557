package org.openbwc.gateway.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.openbwc.gateway.auth.OperatorDirectory;
import org.openbwc.gateway.auth.TestOperators;
import org.openbwc.gateway.fleet.CommandClient;
import org.openbwc.gateway.fleet.FleetConnection;
import org.openbwc.gateway.fleet.FleetFeed;
import org.openbwc.gateway.fleet.FleetRegistry;
import org.openbwc.protocol.EventType;
import org.openbwc.protocol.Payload;
import org.openbwc.protocol.UnitEvent;
import org.openbwc.protocol.UnitState;

/** Sign-in, sessions and roles on every route of the HTTP API: 401 without a session, 403 below the route's role. */
class WebAccessTest {

    static final String UNIT = WebServerTest.UNIT;

    final FleetRegistry registry = new FleetRegistry();
    final FleetFeed feed = new FleetFeed(registry);
    final FleetConnection connection = mock(FleetConnection.class);
    final CommandClient commands = mock(CommandClient.class);

    @TempDir
    Path dataDir;

    TestWeb http;
    String base;

    @BeforeEach
    void start() {
        when(connection.connected()).thenReturn(true);
        when(connection.url()).thenReturn("tcp://127.0.0.1:1883");
        when(connection.clientId()).thenReturn("gw-1");
        http = TestWeb.start("127.0.0.1", 0, registry, connection, commands, dataDir, "gw-1");
        base = "http://127.0.0.1:" + http.port();
        feed.applyStatus(WebServerTest.status(UnitState.BUFFERING, 1), false);
    }

    @AfterEach
    void stop() {
        http.close();
    }

    /** Every protected route with the lowest role allowed to use it. */
    static Stream<Arguments> routes() {
        return Stream.of(
                Arguments.of("GET", "/api/me", "viewer"),
                Arguments.of("POST", "/api/logout", "viewer"),
                Arguments.of("GET", "/api/map", "viewer"),
                Arguments.of("GET", "/api/units", "viewer"),
                Arguments.of("GET", "/api/units/" + UNIT, "viewer"),
                Arguments.of("GET", "/api/units/" + UNIT + "/events", "viewer"),
                Arguments.of("GET", "/api/units/" + UNIT + "/trail", "viewer"),
                Arguments.of("GET", "/api/units/" + UNIT + "/recordings", "viewer"),
                Arguments.of("GET", "/api/trails", "viewer"),
                Arguments.of("GET", "/api/alerts", "viewer"),
                Arguments.of("GET", "/api/events", "viewer"),
                Arguments.of("GET", "/api/health", "viewer"),
                Arguments.of("GET", "/metrics", "viewer"),
                Arguments.of("POST", "/api/units/" + UNIT + "/commands/ping", "supervisor"),
                Arguments.of("POST", "/api/alerts/a-1/ack", "supervisor"),
                Arguments.of("POST", "/api/live/" + UNIT, "supervisor"),
                Arguments.of("GET", "/api/live", "viewer"),
                Arguments.of("POST", "/api/units/" + UNIT + "/calls", "supervisor"),
                Arguments.of("GET", "/api/units/" + UNIT + "/calls", "viewer"),
                Arguments.of("DELETE", "/api/units/" + UNIT + "/calls/call-1", "supervisor"),
                Arguments.of("GET", "/api/audit", "admin"),
                Arguments.of("GET", "/api/audit/verify", "admin"),
                Arguments.of("GET", "/api/users", "admin"),
                Arguments.of("POST", "/api/users", "admin"),
                Arguments.of("POST", "/api/users/nobody/role", "admin"),
                Arguments.of("POST", "/api/users/nobody/disable", "admin"),
                Arguments.of("POST", "/api/users/nobody/enable", "admin"),
                Arguments.of("POST", "/api/users/nobody/password", "admin"),
                Arguments.of("GET", "/api/enrolments", "admin"),
                Arguments.of("POST", "/api/enrolments", "admin"),
                Arguments.of("POST", "/api/units/" + UNIT + "/revoke", "admin"));
    }

    @ParameterizedTest(name = "{0} {1} needs {2}")
    @MethodSource("routes")
    void everyRouteRefusesWithoutASessionAndBelowItsRole(String method, String path, String minimum) throws Exception {
        HttpResponse<String> anonymous = send(method, path, null, null);
        assertThat(anonymous.statusCode())
                .as("%s %s without a session", method, path)
                .isEqualTo(401);
        assertThat(anonymous.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
        assertThat(json(anonymous).get("error").asText()).contains("sign in");

        HttpResponse<String> forged = send(method, path, "Bearer not-a-real-token", null);
        assertThat(forged.statusCode())
                .as("%s %s with a forged token", method, path)
                .isEqualTo(401);

        for (String user : List.of(TestOperators.VIEWER, TestOperators.SUPERVISOR, TestOperators.ADMIN)) {
            String token = ApiClient.signedIn(base, user).token();
            boolean allowed = rank(user) >= rank(minimum);
            if (allowed) {
                int status = path.equals("/api/events")
                        ? streamStatus(token)
                        : send(method, path, "Bearer " + token, null).statusCode();
                assertThat(status).as("%s %s as %s", method, path, user).isNotIn(401, 403);
            } else {
                HttpResponse<String> r = send(method, path, "Bearer " + token, null);
                assertThat(r.statusCode()).as("%s %s as %s", method, path, user).isEqualTo(403);
                assertThat(json(r).get("error").asText()).contains(user, "needs the role " + minimum);
            }
        }
    }

    @Test
    void signInSetsAStrictHttpOnlyCookieThatWorksLikeTheToken() throws Exception {
        HttpResponse<String> login = send(
                "POST",
                "/api/login",
                null,
                "{\"username\": \"" + TestOperators.VIEWER + "\", \"password\": \""
                        + TestOperators.password(TestOperators.VIEWER) + "\"}");
        assertThat(login.statusCode()).isEqualTo(200);
        JsonNode body = json(login);
        assertThat(body.get("role").asText()).isEqualTo("viewer");
        assertThat(Instant.parse(body.get("expiresAt").asText())).isAfter(Instant.now());
        String cookie = login.headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(cookie)
                .startsWith(WebAccess.COOKIE + "=" + body.get("token").asText())
                .contains("HttpOnly")
                .containsIgnoringCase("SameSite=Strict")
                .contains("Path=/")
                .as("plain HTTP on loopback: no Secure, or the browser would drop it")
                .doesNotContain("Secure");
        assertThat(login.headers().firstValue("Strict-Transport-Security")).isEmpty();
        HttpResponse<String> me = sendWithCookie(
                "GET", "/api/me", WebAccess.COOKIE + "=" + body.get("token").asText(), null);
        assertThat(me.statusCode()).isEqualTo(200);
        assertThat(json(me).get("username").asText()).isEqualTo(TestOperators.VIEWER);
    }

    @Test
    void aCookieSessionCannotBeUsedFromAnotherSite() throws Exception {
        String token = ApiClient.signedIn(base, TestOperators.SUPERVISOR).token();
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + "/api/units/" + UNIT + "/commands/ping"))
                .header("Cookie", WebAccess.COOKIE + "=" + token)
                .header("Origin", "https://evil.example")
                .POST(HttpRequest.BodyPublishers.noBody());
        HttpResponse<String> r = client().send(b.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(json(r).get("error").asText()).contains("cross-site");
    }

    @Test
    void wrongPasswordsAreRefusedAlikeThenThrottledAndAudited() throws Exception {
        HttpResponse<String> wrong = login(TestOperators.VIEWER, "not-the-password");
        HttpResponse<String> nobody = login("nobody-here", "whatever-password");
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(nobody.statusCode()).isEqualTo(401);
        assertThat(json(wrong).get("error").asText())
                .isEqualTo(json(nobody).get("error").asText());
        // Five failures from this address start the delays (1 s, doubling); keep going until one is turned away.
        HttpResponse<String> throttled = null;
        for (int i = 0; i < 20 && throttled == null; i++) {
            HttpResponse<String> r = login(TestOperators.VIEWER, "still-wrong");
            if (r.statusCode() == 429) throttled = r;
            else assertThat(r.statusCode()).isEqualTo(401);
        }
        assertThat(throttled).as("a 429 within 20 failures").isNotNull();
        assertThat(throttled.headers().firstValue("Retry-After")).isPresent();
        assertThat(json(throttled).get("error").asText()).contains("try again in");
        String audit = Files.readString(dataDir.resolve("audit.log"));
        assertThat(audit)
                .contains(
                        "\"actor\":\"nobody-here\",\"action\":\"login\"",
                        "\"outcome\":\"refused\"",
                        "\"outcome\":\"throttled\"")
                .doesNotContain("not-the-password", "still-wrong");
    }

    @Test
    void malformedSignInBodiesAre400WithTheExpectedShape() throws Exception {
        for (String body : List.of("", "[]", "{\"username\": 5}", "{\"username\": \"a\"}", "x".repeat(5000))) {
            HttpResponse<String> r = send("POST", "/api/login", null, body);
            assertThat(r.statusCode()).as(body).isEqualTo(400);
            assertThat(json(r).get("error").asText()).as(body).isNotBlank();
        }
    }

    @Test
    void signOutEndsTheSessionForGood() throws Exception {
        ApiClient c = ApiClient.signedIn(base, TestOperators.VIEWER);
        assertThat(c.get("/api/me").status()).isEqualTo(200);
        assertThat(c.post("/api/logout", null).status()).isEqualTo(204);
        assertThat(c.get("/api/me").status()).isEqualTo(401);
    }

    @Test
    void aSessionSurvivesAGatewayRestartButNotTheRemovalOfItsAccount() throws Exception {
        ApiClient c = ApiClient.signedIn(base, TestOperators.VIEWER);
        http.close();
        http = TestWeb.start("127.0.0.1", 0, new FleetRegistry(), connection, commands, dataDir, "gw-1");
        HttpResponse<String> me =
                send("GET", "/api/me", "Bearer " + c.token(), null, "http://127.0.0.1:" + http.port());
        assertThat(me.statusCode()).isEqualTo(200);
        OperatorDirectory.open(dataDir.resolve("users.yaml")).remove(TestOperators.VIEWER);
        HttpResponse<String> gone =
                send("GET", "/api/me", "Bearer " + c.token(), null, "http://127.0.0.1:" + http.port());
        assertThat(gone.statusCode()).isEqualTo(401);
    }

    @Test
    void anAlertIsAcknowledgedOnceWithWhoAndWhenAndAudited() throws Exception {
        feed.applyEvent(
                new UnitEvent(
                        Payload.VERSION,
                        UNIT,
                        EventType.SOS_RAISED,
                        Instant.now(),
                        UnitState.RECORDING,
                        "button",
                        Map.of(),
                        9),
                false);
        ApiClient viewer = ApiClient.signedIn(base, TestOperators.VIEWER);
        JsonNode alerts = viewer.get("/api/alerts").json();
        assertThat(alerts).hasSize(1);
        String id = alerts.get(0).get("id").asText();
        assertThat(alerts.get(0).get("type").asText()).isEqualTo("sos");
        assertThat(alerts.get(0).get("severity").asText()).isEqualTo("critical");
        assertThat(viewer.post("/api/alerts/" + id + "/ack", null).status()).isEqualTo(403);

        ApiClient supervisor = ApiClient.signedIn(base, TestOperators.SUPERVISOR);
        ApiClient.Reply ack = supervisor.post("/api/alerts/" + id + "/ack", null);
        assertThat(ack.status()).isEqualTo(200);
        assertThat(ack.json().get("acknowledged").asBoolean()).isTrue();
        assertThat(ack.json().get("acknowledgedBy").asText()).isEqualTo(TestOperators.SUPERVISOR);
        assertThat(ack.json().get("acknowledgedAt").asText()).isNotBlank();
        assertThat(supervisor.post("/api/alerts/no-such/ack", null).status()).isEqualTo(404);

        ApiClient admin = ApiClient.signedIn(base, TestOperators.ADMIN);
        JsonNode audit = admin.get("/api/audit?limit=50").json();
        assertThat(audit.findValuesAsText("action")).contains("alert.ack", "login");
        assertThat(admin.get("/api/audit?limit=0").status()).isEqualTo(400);
        assertThat(admin.get("/api/users").json().findValuesAsText("username"))
                .containsExactly(TestOperators.ADMIN, TestOperators.SUPERVISOR, TestOperators.VIEWER);
        assertThat(admin.get("/api/users").body()).doesNotContain("$2");
    }

    @Test
    void healthForLoadBalancersNeedsNoSignInAndTellsNothingMore() throws Exception {
        HttpResponse<String> r = send("GET", "/health", null, null);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(json(r).properties()).hasSize(1);
        assertThat(json(r).get("status").asText()).isEqualTo("ok");
    }

    @Test
    void metricsArePrometheusText() throws Exception {
        String token = ApiClient.signedIn(base, TestOperators.VIEWER).token();
        HttpResponse<String> r = send("GET", "/metrics", "Bearer " + token, null);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
        assertThat(r.body())
                .contains(
                        "bwc_units_online{gateway=\"gw-1\"} 1.0",
                        "bwc_units_known",
                        "bwc_mqtt_messages_in_total",
                        "bwc_mqtt_dropped_payloads_total",
                        "bwc_sse_clients",
                        "bwc_alerts_open",
                        "bwc_logins_total");
    }

    private static int rank(String userOrRole) {
        return switch (userOrRole) {
            case TestOperators.VIEWER, "viewer" -> 0;
            case TestOperators.SUPERVISOR, "supervisor" -> 1;
            default -> 2;
        };
    }

    private HttpResponse<String> login(String user, String password) throws Exception {
        return send("POST", "/api/login", null, "{\"username\": \"" + user + "\", \"password\": \"" + password + "\"}");
    }

    private HttpResponse<String> send(String method, String path, String authorization, String body) throws Exception {
        return send(method, path, authorization, body, base);
    }

    private static HttpResponse<String> send(String method, String path, String authorization, String body, String base)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) b.header("Authorization", authorization);
        return client().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> sendWithCookie(String method, String path, String cookie, String body)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("Cookie", cookie);
        return client().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Opens the event stream and returns its status (the stream itself never ends). */
    private int streamStatus(String token) throws Exception {
        HttpRequest r = HttpRequest.newBuilder(URI.create(base + "/api/events"))
                .header("Authorization", "Bearer " + token)
                .build();
        HttpResponse<InputStream> s = client().send(r, HttpResponse.BodyHandlers.ofInputStream());
        s.body().close();
        return s.statusCode();
    }

    private static HttpClient client() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    }

    private static JsonNode json(HttpResponse<String> r) {
        return ApiClient.parse(r.body());
    }
}
