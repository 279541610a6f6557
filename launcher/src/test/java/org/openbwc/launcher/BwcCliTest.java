package org.openbwc.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openbwc.config.GatewayConfig;
import org.openbwc.gateway.audit.AuditLog;
import picocli.CommandLine;

/** The bwc command line as a technician uses it: exit codes and what it prints. */
class BwcCliTest {
    @TempDir
    Path dir;

    record Run(int exit, String out, String err) {}

    static Run bwc(String... args) {
        CommandLine cl = Bwc.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    static Path repo(String path) {
        Path p = Path.of("..").resolve(path);
        return Files.exists(p) ? p : Path.of(path);
    }

    @Test
    void everySubcommandHasHelp() {
        for (String[] cmd : new String[][] {
            {"--help"},
            {"demo", "--help"},
            {"device", "--help"},
            {"gateway", "--help"},
            {"config", "--help"},
            {"config", "validate", "--help"},
            {"config", "schema", "--help"},
            {"gateway", "user", "--help"},
            {"gateway", "user", "add", "--help"},
            {"gateway", "unit", "--help"},
            {"gateway", "officer", "--help"},
            {"gateway", "officer", "add", "--help"},
            {"gateway", "assign", "--help"},
            {"gateway", "unassign", "--help"},
            {"gateway", "unit", "add", "--help"},
            {"pki", "--help"},
            {"pki", "init", "--help"},
            {"agency", "--help"},
            {"agency", "keygen", "--help"},
            {"agency", "show", "--help"},
            {"gateway", "audit", "--help"},
            {"gateway", "audit", "verify", "--help"},
            {"gateway", "retention", "--help"}
        }) {
            Run r = bwc(cmd);
            assertThat(r.exit()).as(String.join(" ", cmd)).isZero();
            assertThat(r.out()).contains("Usage:");
        }
        assertThat(bwc("demo", "--help").out())
                .contains(
                        "--units",
                        "--http-port",
                        "--sim-port",
                        "--mqtt-port",
                        "--data-dir",
                        "--admin-password",
                        "--tile-url");
    }

    @Test
    void aGatewayWithoutAnAgencyCaStopsAndSaysToRunPkiInit() throws IOException {
        Path config = dir.resolve("gw-no-ca.yaml");
        Files.writeString(
                config,
                "gatewayId: gw-1\ndataDir: " + dir.resolve("gw-data") + "\nbroker:\n  embedded: true\n  port: "
                        + PortCheck.freePort("127.0.0.1") + "\nhttp:\n  port: " + PortCheck.freePort("127.0.0.1")
                        + "\n");
        Run run = bwc("gateway", "--config", config.toString());
        assertThat(run.exit()).as(run.out()).isNotZero();
        assertThat(run.err()).contains("no agency CA", "bwc pki init");
        assertThat(dir.resolve("gw-data/pki/ca.key")).doesNotExist();
    }

    @Test
    void aTechnicianAddsListsAndRemovesOperatorsInTheFileTheConfigNames() throws IOException {
        Path config = dir.resolve("gw.yaml");
        Path users = dir.resolve("accounts").resolve("ops.yaml");
        Files.writeString(config, "gatewayId: gw-1\nauth:\n  usersFile: " + users + "\n");
        InputStream stdin = System.in;
        try {
            System.setIn(new ByteArrayInputStream("a-long-enough-password\n".getBytes(StandardCharsets.UTF_8)));
            Run added = bwc(
                    "gateway",
                    "user",
                    "add",
                    "sam.k",
                    "--role",
                    "supervisor",
                    "--password-stdin",
                    "--config",
                    config.toString());
            assertThat(added.exit()).as(added.err()).isZero();
            assertThat(added.out()).contains("Added operator sam.k (supervisor)");
            System.setIn(new ByteArrayInputStream("short\n".getBytes(StandardCharsets.UTF_8)));
            Run weak = bwc(
                    "gateway",
                    "user",
                    "add",
                    "val",
                    "--role",
                    "viewer",
                    "--password-stdin",
                    "--config",
                    config.toString());
            assertThat(weak.exit()).isEqualTo(1);
            assertThat(weak.err()).contains("at least 10 characters", "nothing changed");
            System.setIn(new ByteArrayInputStream("a-long-enough-password\n".getBytes(StandardCharsets.UTF_8)));
            Run again = bwc(
                    "gateway",
                    "user",
                    "add",
                    "sam.k",
                    "--role",
                    "admin",
                    "--password-stdin",
                    "--config",
                    config.toString());
            assertThat(again.exit()).isEqualTo(1);
            assertThat(again.err()).contains("already exists", "--replace");
        } finally {
            System.setIn(stdin);
        }
        assertThat(Files.readString(users)).contains("sam.k", "$2a$12$").doesNotContain("a-long-enough-password");
        Run badRole = bwc(
                "gateway", "user", "add", "x", "--role", "chief", "--password-stdin", "--config", config.toString());
        assertThat(badRole.exit()).isEqualTo(2);
        assertThat(badRole.err()).contains("unknown role 'chief' (allowed: viewer, supervisor, admin)");
        Run noTerminal = bwc("gateway", "user", "add", "ada", "--role", "admin", "--config", config.toString());
        assertThat(noTerminal.err()).contains("--password-stdin");
        assertThat(bwc("gateway", "user", "list", "--config", config.toString()).out())
                .contains("sam.k", "supervisor");
        assertThat(bwc("gateway", "user", "remove", "sam.k", "--config", config.toString())
                        .exit())
                .isZero();
        Run gone = bwc("gateway", "user", "remove", "sam.k", "--config", config.toString());
        assertThat(gone.exit()).isEqualTo(1);
        assertThat(gone.err()).contains("no user 'sam.k'");
        assertThat(bwc("gateway").err()).contains("--config");
    }

    @Test
    void auditVerifySaysIntactOrNamesTheFirstBrokenLine() throws IOException {
        Path data = dir.resolve("gw-data");
        Path config = dir.resolve("gateway.yaml");
        Files.writeString(config, "gatewayId: gw-1\ndataDir: " + data + "\n");
        GatewayConfig gw = Configs.loadGateway(config);
        try (AuditLog log =
                AuditLog.open(data.resolve("audit.log"), gw.keysDir(), new ObjectMapper(), Clock.systemUTC())) {
            log.record("sam", "login", null, "ok", Map.of("ip", "127.0.0.1"));
            log.record("sam", "command", "u-1", "ok", Map.of("command", "ping"));
        }
        Run ok = bwc("gateway", "audit", "verify", "--config", config.toString());
        assertThat(ok.exit()).as(ok.err()).isZero();
        assertThat(ok.out()).contains("is intact", "signed checkpoints");

        List<String> lines = Files.readAllLines(data.resolve("audit.log"));
        int edited = 0;
        while (!lines.get(edited).contains("\"action\":\"command\"")) edited++;
        lines.set(edited, lines.get(edited).replace("u-1", "u-2"));
        Files.write(data.resolve("audit.log"), lines);
        Run broken = bwc("gateway", "audit", "verify", "--config", config.toString());
        assertThat(broken.exit()).isEqualTo(1);
        assertThat(broken.err()).contains("NOT intact", "line " + (edited + 1) + " ");
    }

    @Test
    void validateAcceptsTheShippedExamples() {
        Run r = bwc(
                "config",
                "validate",
                repo("config/examples/unit-pi.yaml").toString(),
                repo("config/examples/unit-laptop.yaml").toString(),
                repo("config/examples/gateway.yaml").toString());
        assertThat(r.err()).isEmpty();
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("3 files valid");
    }

    @Test
    void validateListsEveryProblemWithFileLineKeyValueAndExitsTwo() throws IOException {
        Path bad = dir.resolve("unit.yaml");
        Files.writeString(bad, """
                unitId: bwc-7
                recording:
                  preEventSeconds: 500
                  postEventSecnds: 3
                hal: laptop
                """);
        Run r = bwc("config", "validate", bad.toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains(bad + ":3 recording.preEventSeconds: 500 is out of range (allowed: 0..120)");
        assertThat(r.err()).contains(bad + ":4 recording.postEventSecnds");
        assertThat(r.err()).contains("did you mean postEventSeconds?");
        assertThat(r.err()).contains(bad + ":5 hal: laptop");
        assertThat(r.err()).contains("allowed: mock, pi");
        assertThat(r.err().lines().count()).isEqualTo(3);
    }

    @Test
    void schemaIsJsonWithTheDocumentedRanges() {
        Run r = bwc("config", "schema", "unit");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("\"preEventSeconds\"", "\"maximum\" : 120");
        Run bad = bwc("config", "schema", "toaster");
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err()).contains("allowed: unit, gateway");
    }

    @Test
    void demoNamesATakenPortAndTheOptionToChooseAnother() throws IOException {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
            int port = taken.getLocalPort();
            Run r = bwc(
                    "demo",
                    "--http-port",
                    String.valueOf(port),
                    "--sim-port",
                    String.valueOf(PortCheck.freePort("127.0.0.1")),
                    "--mqtt-port",
                    String.valueOf(PortCheck.freePort("127.0.0.1")),
                    "--data-dir",
                    dir.toString());
            assertThat(r.exit()).isEqualTo(3);
            assertThat(r.err()).contains("port " + port, "monitoring room", "already in use", "--http-port");
        }
    }

    @Test
    void deviceReportsABadConfigFileWithoutAStackTrace() throws IOException {
        Path bad = dir.resolve("unit.yaml");
        Files.writeString(bad, "unitId: a/b\n");
        Run r = bwc("device", "--config", bad.toString(), "--hal", "mock");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err())
                .contains("invalid configuration", bad + ":1 unitId: a/b")
                .doesNotContain("Exception");
        Run badHal = bwc("device", "--config", bad.toString(), "--hal", "arduino");
        assertThat(badHal.exit()).isEqualTo(2);
    }
}
