package org.openbwc.gateway.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openbwc.gateway.auth.OperatorDirectory;
import org.openbwc.gateway.auth.TestOperators;
import org.openbwc.gateway.fleet.CommandClient;
import org.openbwc.gateway.fleet.FleetConnection;
import org.openbwc.gateway.fleet.FleetRegistry;

/**
 * The admin API: operator accounts (add, role, disable and enable, password reset) with their refusals, the audit
 * log's filters and chain check, each change audited; and the admin pages and the favicon being served.
 */
class AdminRoutesTest {

    static final String ADMIN = TestOperators.ADMIN;

    final FleetConnection connection = mock(FleetConnection.class);
    final CommandClient commands = mock(CommandClient.class);

    @TempDir
    Path dataDir;

    TestWeb http;
    String base;
    ApiClient admin;

    @BeforeEach
    void start() throws Exception {
        when(connection.connected()).thenReturn(true);
        when(connection.url()).thenReturn("tcp://127.0.0.1:1883");
        when(connection.clientId()).thenReturn("gw-1");
        http = TestWeb.start("127.0.0.1", 0, new FleetRegistry(), connection, commands, dataDir, "gw-1");
        base = "http://127.0.0.1:" + http.port();
        admin = ApiClient.signedIn(base, ADMIN);
    }

    @AfterEach
    void stop() {
        http.close();
    }

    static String json(String... pairs) {
        StringBuilder b = new StringBuilder("{");
        for (int i = 0; i < pairs.length; i += 2) {
            if (i > 0) b.append(',');
            b.append('"').append(pairs[i]).append("\":\"").append(pairs[i + 1]).append('"');
        }
        return b.append('}').toString();
    }

    JsonNode user(String name) throws Exception {
        for (JsonNode u : admin.get("/api/users").json())
            if (u.path("username").asText().equals(name)) return u;
        return null;
    }

    @Test
    void anAdminAddsAnOperatorWhoCanSignInAndEveryRefusalSaysWhy() throws Exception {
        ApiClient.Reply added =
                admin.post("/api/users", json("username", "vera", "role", "viewer", "password", "a-long-password"));
        assertThat(added.status()).as(added.body()).isEqualTo(200);
        assertThat(added.json().path("role").asText()).isEqualTo("viewer");
        assertThat(added.json().path("disabled").asBoolean()).isFalse();
        assertThat(added.body()).doesNotContain("$2", "a-long-password");
        ApiClient vera = new ApiClient(base);
        assertThat(vera.login("vera", "a-long-password").json().path("role").asText())
                .isEqualTo("viewer");
        assertThat(user("vera").path("created").asText()).isNotEmpty();

        ApiClient.Reply taken =
                admin.post("/api/users", json("username", "vera", "role", "admin", "password", "another-password"));
        assertThat(taken.status()).isEqualTo(409);
        assertThat(taken.json().path("error").asText()).contains("'vera' already exists");
        assertThat(user("vera").path("role").asText()).as("unchanged").isEqualTo("viewer");

        assertRefused(
                admin.post("/api/users", json("username", "bad name", "role", "viewer", "password", "a-long-password")),
                400,
                "letters, digits");
        assertRefused(
                admin.post("/api/users", json("username", "boss", "role", "boss", "password", "a-long-password")),
                400,
                "allowed: viewer, supervisor, admin");
        assertRefused(
                admin.post("/api/users", json("username", "shorty", "role", "viewer", "password", "short")),
                400,
                "at least 10 characters");
        assertRefused(admin.post("/api/users", json("username", "nopass", "role", "viewer")), 400, "password");
        assertRefused(admin.post("/api/users", "[1, 2]"), 400, "JSON object");
        assertThat(user("shorty")).isNull();

        String audit = Files.readString(dataDir.resolve("audit.log"));
        assertThat(audit)
                .contains("\"actor\":\"" + ADMIN + "\",\"action\":\"user.add\",\"target\":\"vera\",\"outcome\":\"ok\"")
                .contains("\"action\":\"user.add\",\"target\":\"vera\",\"outcome\":\"refused\"")
                .contains("at least 10 characters")
                .doesNotContain("a-long-password", "another-password");
    }

    @Test
    void viewersAndSupervisorsMayNotManageOperatorsOrReadTheAudit() throws Exception {
        for (String who : List.of(TestOperators.VIEWER, TestOperators.SUPERVISOR)) {
            ApiClient c = ApiClient.signedIn(base, who);
            for (ApiClient.Reply r : List.of(
                    c.get("/api/users"),
                    c.get("/api/audit"),
                    c.get("/api/audit/verify"),
                    c.post("/api/users", json("username", "x1", "role", "admin", "password", "a-long-password")),
                    c.post("/api/users/" + who + "/role", json("role", "admin")),
                    c.post("/api/users/" + ADMIN + "/disable", null),
                    c.post("/api/users/" + who + "/enable", null),
                    c.post("/api/users/" + ADMIN + "/password", json("password", "taken-over-now")))) {
                assertThat(r.status()).as("%s: %s", who, r.body()).isEqualTo(403);
                assertThat(r.json().path("error").asText()).contains("needs the role admin");
            }
        }
        assertThat(user(TestOperators.VIEWER).path("role").asText()).isEqualTo("viewer");
        assertThat(user("x1")).isNull();
        assertThat(new ApiClient(base)
                        .login(ADMIN, TestOperators.password(ADMIN))
                        .status())
                .isEqualTo(200);
    }

    @Test
    void aRoleChangeAppliesToOpenSessionsAtTheirNextRequest() throws Exception {
        ApiClient viewer = ApiClient.signedIn(base, TestOperators.VIEWER);
        assertThat(viewer.post("/api/alerts/none/ack", null).status()).isEqualTo(403);

        ApiClient.Reply r = admin.post("/api/users/" + TestOperators.VIEWER + "/role", json("role", "supervisor"));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().path("role").asText()).isEqualTo("supervisor");
        assertThat(viewer.get("/api/me").json().path("role").asText()).isEqualTo("supervisor");
        assertThat(viewer.post("/api/alerts/none/ack", null).status())
                .as("allowed now: the alert is unknown")
                .isEqualTo(404);

        assertRefused(admin.post("/api/users/" + TestOperators.VIEWER + "/role", json("role", "root")), 400, "allowed");
        assertRefused(admin.post("/api/users/ghost/role", json("role", "viewer")), 404, "no user 'ghost'");
        assertThat(Files.readString(dataDir.resolve("audit.log")))
                .contains("\"action\":\"user.role\",\"target\":\"" + TestOperators.VIEWER
                        + "\",\"outcome\":\"ok\",\"details\":{\"from\":\"viewer\",\"to\":\"supervisor\"}");
    }

    @Test
    void aDisabledOperatorIsSignedOutCannotSignInAndTheFileSaysSo() throws Exception {
        String who = TestOperators.SUPERVISOR;
        ApiClient open = ApiClient.signedIn(base, who);
        assertThat(open.get("/api/me").status()).isEqualTo(200);

        ApiClient.Reply disabled = admin.post("/api/users/" + who + "/disable", null);
        assertThat(disabled.status()).as(disabled.body()).isEqualTo(200);
        assertThat(disabled.json().path("disabled").asBoolean()).isTrue();
        assertThat(open.get("/api/me").status()).as("its open session ended").isEqualTo(401);
        ApiClient.Reply login =
                new ApiClient(base).post("/api/login", json("username", who, "password", TestOperators.password(who)));
        assertThat(login.status()).isEqualTo(401);
        assertThat(login.json().path("error").asText()).contains("disabled", "ask an admin");
        assertThat(user(who).path("disabled").asBoolean()).isTrue();
        assertThat(OperatorDirectory.open(dataDir.resolve("users.yaml"))
                        .find(who)
                        .orElseThrow()
                        .disabled())
                .as("kept in the users file")
                .isTrue();

        ApiClient.Reply enabled = admin.post("/api/users/" + who + "/enable", null);
        assertThat(enabled.status()).as(enabled.body()).isEqualTo(200);
        assertThat(open.get("/api/me").status())
                .as("the old session stays ended")
                .isEqualTo(401);
        assertThat(ApiClient.signedIn(base, who).get("/api/me").status()).isEqualTo(200);

        String audit = Files.readString(dataDir.resolve("audit.log"));
        assertThat(audit)
                .contains("\"action\":\"user.disable\",\"target\":\"" + who + "\",\"outcome\":\"ok\"")
                .contains("\"action\":\"user.enable\",\"target\":\"" + who + "\",\"outcome\":\"ok\"");
    }

    @Test
    void anAdminCannotLockEveryoneOut() throws Exception {
        assertRefused(admin.post("/api/users/" + ADMIN + "/disable", null), 409, "your own account");
        assertRefused(admin.post("/api/users/" + ADMIN + "/role", json("role", "supervisor")), 409, "no enabled admin");
        assertThat(admin.get("/api/me").json().path("role").asText()).isEqualTo("admin");

        // With a second admin, demoting yourself is allowed; that admin can then not be disabled by anyone left.
        admin.post("/api/users/" + TestOperators.SUPERVISOR + "/role", json("role", "admin"));
        ApiClient.Reply demoted = admin.post("/api/users/" + ADMIN + "/role", json("role", "viewer"));
        assertThat(demoted.status()).as(demoted.body()).isEqualTo(200);
        assertThat(admin.get("/api/users").status()).as("no longer an admin").isEqualTo(403);
        ApiClient other = ApiClient.signedIn(base, TestOperators.SUPERVISOR);
        assertRefused(other.post("/api/users/" + TestOperators.SUPERVISOR + "/disable", null), 409, "your own");
        assertThat(Files.readString(dataDir.resolve("audit.log")))
                .contains("\"action\":\"user.disable\",\"target\":\"" + ADMIN + "\",\"outcome\":\"refused\"");
    }

    @Test
    void aPasswordResetEndsTheOperatorsSessionsAndTheNewPasswordWorks() throws Exception {
        String who = TestOperators.VIEWER;
        ApiClient open = ApiClient.signedIn(base, who);
        assertRefused(admin.post("/api/users/" + who + "/password", json("password", "short")), 400, "at least 10");
        assertThat(open.get("/api/me").status())
                .as("a refused reset changes nothing")
                .isEqualTo(200);
        assertRefused(admin.post("/api/users/ghost/password", json("password", "long-enough-1")), 404, "no user");

        ApiClient.Reply reset = admin.post("/api/users/" + who + "/password", json("password", "brand-new-secret"));
        assertThat(reset.status()).as(reset.body()).isEqualTo(200);
        assertThat(reset.json().path("signedOut").asBoolean()).isFalse();
        assertThat(open.get("/api/me").status()).isEqualTo(401);
        assertThat(new ApiClient(base)
                        .post("/api/login", json("username", who, "password", TestOperators.password(who)))
                        .status())
                .isEqualTo(401);
        assertThat(new ApiClient(base).login(who, "brand-new-secret").status()).isEqualTo(200);
        assertThat(Files.readString(dataDir.resolve("audit.log")))
                .contains("\"action\":\"user.password\",\"target\":\"" + who + "\",\"outcome\":\"ok\"")
                .doesNotContain("brand-new-secret");
    }

    @Test
    void theAuditLogFiltersByActorActionTargetAndTime() throws Exception {
        Instant before = Instant.now().minusSeconds(1);
        admin.post("/api/users", json("username", "vera", "role", "viewer", "password", "a-long-password"));
        admin.post("/api/users/vera/role", json("role", "supervisor"));
        ApiClient.signedIn(base, TestOperators.SUPERVISOR);

        JsonNode users = admin.get("/api/audit?action=user").json();
        assertThat(users.findValuesAsText("action")).containsExactly("user.role", "user.add");
        assertThat(admin.get("/api/audit?actor=" + TestOperators.SUPERVISOR)
                        .json()
                        .findValuesAsText("action"))
                .containsExactly("login");
        assertThat(admin.get("/api/audit?target=vera&action=user.add").json()).hasSize(1);
        assertThat(admin.get("/api/audit?unit=vera").json()).hasSize(2);
        assertThat(admin.get("/api/audit?action=user&limit=1").json().findValuesAsText("action"))
                .containsExactly("user.role");
        assertThat(admin.get("/api/audit?action=user&from=" + before).json()).hasSize(2);
        assertThat(admin.get("/api/audit?action=user&to=" + before).json()).isEmpty();
        assertThat(admin.get("/api/audit?action=user&from=" + Instant.now().plusSeconds(60))
                        .json())
                .isEmpty();
        JsonNode all = admin.get("/api/audit").json();
        assertThat(all.get(0).path("seq").asLong())
                .as("newest first")
                .isGreaterThan(all.get(1).path("seq").asLong());

        assertRefused(admin.get("/api/audit?from=yesterday"), 400, "2026-12-06T15:00:00Z");
        assertRefused(admin.get("/api/audit?limit=0"), 400, "from 1 to 1000");
    }

    @Test
    void theChainCheckIsTheCommandLinesAndFindsATamperedLine() throws Exception {
        JsonNode ok = admin.get("/api/audit/verify").json();
        assertThat(ok.path("intact").asBoolean()).as(ok.toString()).isTrue();
        assertThat(ok.path("entries").asLong()).isGreaterThanOrEqualTo(3);
        assertThat(ok.path("checkpoints").asInt()).isEqualTo(1);
        assertThat(ok.path("lastCheckpointSeq").asLong()).isEqualTo(2);
        assertThat(ok.path("lastCheckpointAt").asText()).isNotEmpty();
        assertThat(ok.path("problem").isNull()).isTrue();

        // Someone with access to the file edits who signed in (the line after the start checkpoint).
        Path log = dataDir.resolve("audit.log");
        List<String> lines = Files.readAllLines(log);
        assertThat(lines.get(2)).contains("\"actor\":\"" + ADMIN + "\",\"action\":\"login\"");
        lines.set(2, lines.get(2).replace("\"actor\":\"" + ADMIN + "\"", "\"actor\":\"val-viewerX\""));
        Files.write(log, lines);
        JsonNode broken = admin.get("/api/audit/verify").json();
        assertThat(broken.path("intact").asBoolean()).isFalse();
        assertThat(broken.path("brokenLine").asLong()).isEqualTo(3);
        assertThat(broken.path("problem").asText()).contains("line 3", "HMAC does not match");
        assertThat(broken.path("entries").asLong()).isEqualTo(2);
    }

    @Test
    void theAdminPagesAndTheFaviconAreServedAndEveryPageLinksTheIcon() throws Exception {
        ApiClient anonymous = new ApiClient(base);
        for (String path : Stream.of(
                        "/",
                        "/login",
                        "/units/u-1",
                        "/wall",
                        "/live/u-1",
                        "/admin/operators",
                        "/admin/audit",
                        "/admin/units")
                .toList()) {
            ApiClient.Reply page = anonymous.get(path);
            assertThat(page.status()).as(path).isEqualTo(200);
            assertThat(page.body()).as(path).contains("<link rel=\"icon\" href=\"/assets/favicon.svg\"");
            if (!path.equals("/login")) {
                assertThat(page.body())
                        .as(path + ": one Admin link, shown to admins by the style sheet")
                        .containsOnlyOnce("class=\"admin-link\" href=\"/admin/operators\"");
            }
        }
        ApiClient.Reply ico = anonymous.get("/favicon.ico");
        assertThat(ico.status()).isEqualTo(200);
        assertThat(ico.contentType()).isEqualTo("image/x-icon");
        assertThat(anonymous.get("/assets/favicon.svg").status()).isEqualTo(200);
        for (String script : List.of("admin-common.js", "admin-operators.js", "admin-audit.js", "admin-units.js")) {
            assertThat(anonymous.get("/assets/" + script).status()).as(script).isEqualTo(200);
        }
    }

    private static void assertRefused(ApiClient.Reply r, int status, String words) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.json().path("error").asText()).contains(words);
    }
}
