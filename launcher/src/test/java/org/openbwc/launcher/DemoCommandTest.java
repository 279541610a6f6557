package org.openbwc.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openbwc.config.ConfigLoader;
import org.openbwc.config.EncryptionConfig;
import org.openbwc.evidence.encryption.AgencyKeyFiles;
import picocli.CommandLine;

/** {@code bwc demo} as someone trying it: what it prints works against the demo while it runs. */
class DemoCommandTest {

    static final String ADD_LINE = "Add an operator: ";

    @TempDir
    Path dir;

    @Test
    void evidenceFromTakesOnlyTheDatabaseEvidenceAndRetentionSections() {
        String yaml = String.join(
                "\n",
                "# agency",
                "gatewayId: gw-1",
                "database:",
                "  url: jdbc:postgresql://db:5432/ev",
                "  # the pool",
                "  maxPoolSize: 4",
                "http:",
                "  port: 9443",
                "evidence:",
                "  store: s3",
                "  s3:",
                "    bucket: b",
                "retention:",
                "  sweepHour: 2",
                "");
        assertThat(DemoCommand.sections(yaml, DemoCommand.EVIDENCE_SECTIONS))
                .isEqualTo(String.join(
                        "\n",
                        "database:",
                        "  url: jdbc:postgresql://db:5432/ev",
                        "  # the pool",
                        "  maxPoolSize: 4",
                        "evidence:",
                        "  store: s3",
                        "  s3:",
                        "    bucket: b",
                        "retention:",
                        "  sweepHour: 2",
                        "",
                        ""));
    }

    @Test
    @Timeout(60)
    void theDemoMakesItsAgencyKeyPairOnceAndReusesIt() throws Exception {
        Path keys = dir.resolve("gateway/keys");

        EncryptionConfig first = DemoCommand.demoEncryption(keys);
        String keyId = AgencyKeyFiles.readKeyPair(keys.resolve("agency.key")).keyId();
        String pem = Files.readString(keys.resolve("agency.key"));
        EncryptionConfig again = DemoCommand.demoEncryption(keys);

        assertThat(again).isEqualTo(first);
        assertThat(Files.readString(keys.resolve("agency.key"))).isEqualTo(pem);
        assertThat(first.publicKeyFile()).isEqualTo(keys.resolve("agency.pub").toAbsolutePath());
        assertThat(first.privateKeyFiles())
                .containsExactly(keys.resolve("agency.key").toAbsolutePath());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keys.resolve("agency.key"))))
                .isEqualTo("rw-------");
        assertThat(DemoCommand.agencyKeyLine(first))
                .startsWith("Agency key " + keyId + ": the units' recordings are encrypted to it")
                .contains(keys.resolve("agency.pub").toAbsolutePath().toString());
        // A lost public half is written again from the private one, not replaced by a new pair.
        Files.delete(keys.resolve("agency.pub"));
        DemoCommand.demoEncryption(keys);
        assertThat(AgencyKeyFiles.readPublicKey(keys.resolve("agency.pub")).keyId())
                .isEqualTo(keyId);
        // The section written into the demo's gateway.yaml loads back as the same keys.
        Path yaml = dir.resolve("gateway.yaml");
        Files.writeString(yaml, "gatewayId: gw-demo\n" + DemoCommand.encryptionYaml(first));
        assertThat(ConfigLoader.loadGateway(yaml).encryption()).isEqualTo(first);
    }

    @Test
    @Timeout(180)
    void theDemoPrintsAUserAddLineThatAddsAnOperatorTheRunningDemoLetsIn() throws Exception {
        CommandLine cl = Bwc.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        DemoCommand demo = cl.getSubcommands().get("demo").getCommand();
        int httpPort = PortCheck.freePort("127.0.0.1");
        String[] args = {
            "demo",
            "--units",
            "1",
            "--http-port",
            String.valueOf(httpPort),
            "--sim-port",
            String.valueOf(PortCheck.freePort("127.0.0.1")),
            "--mqtt-port",
            String.valueOf(PortCheck.freePort("127.0.0.1")),
            "--unit-port",
            String.valueOf(PortCheck.freePort("127.0.0.1")),
            "--data-dir",
            dir.toString(),
            "--admin-password",
            "demo-admin-password",
            "--tile-url",
            "none"
        };
        CompletableFuture<Integer> exit = new CompletableFuture<>();
        Thread.ofPlatform().name("bwc-demo").start(() -> exit.complete(cl.execute(args)));
        try {
            await("the demo's start lines")
                    .atMost(Duration.ofSeconds(120))
                    .until(() -> out.toString().contains(ADD_LINE) || exit.isDone());
            assertThat(exit)
                    .as("the demo is running; it printed: %s %s", out, err)
                    .isNotDone();
            String line = out.toString()
                    .lines()
                    .filter(l -> l.startsWith(ADD_LINE))
                    .findFirst()
                    .orElseThrow();
            String command = line.substring(ADD_LINE.length(), line.indexOf("   ("));
            Path gatewayFile = dir.resolve("gateway").resolve("gateway.yaml");
            assertThat(command)
                    .isEqualTo("./bwc gateway user add vera --role viewer --config " + gatewayFile.toAbsolutePath());
            assertThat(line).contains("no restart");

            // The demo's agency key: named at start, and the unit received it at enrolment.
            Path agencyPub = dir.resolve("gateway/keys/agency.pub");
            String keyId = AgencyKeyFiles.readPublicKey(agencyPub).keyId();
            assertThat(out.toString()).contains("Agency key " + keyId + ": the units' recordings are encrypted to it");
            try (var found = Files.walk(dir.resolve("units"))) {
                assertThat(found.filter(f -> f.endsWith("keys/agency.pub")))
                        .singleElement()
                        .satisfies(
                                f -> assertThat(AgencyKeyFiles.readPublicKey(f).keyId())
                                        .isEqualTo(keyId));
            }

            // The line as printed (it asks for the password; a script pipes it in), against the running demo.
            List<String> cli =
                    new ArrayList<>(List.of(command.substring("./bwc ".length()).split(" ")));
            cli.add("--password-stdin");
            InputStream stdin = System.in;
            BwcCliTest.Run added;
            try {
                System.setIn(new ByteArrayInputStream("vera-long-password\n".getBytes(StandardCharsets.UTF_8)));
                added = BwcCliTest.bwc(cli.toArray(String[]::new));
            } finally {
                System.setIn(stdin);
            }
            assertThat(added.exit()).as(added.err()).isZero();
            assertThat(added.out()).contains("Added operator vera (viewer)");

            HttpResponse<String> login = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/api/login"))
                                    .timeout(Duration.ofSeconds(20))
                                    .POST(HttpRequest.BodyPublishers.ofString(new ObjectMapper()
                                            .writeValueAsString(
                                                    Map.of("username", "vera", "password", "vera-long-password"))))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(login.statusCode()).as(login.body()).isEqualTo(200);
            assertThat(new ObjectMapper().readTree(login.body()).path("role").asText())
                    .isEqualTo("viewer");
        } finally {
            demo.stop();
            assertThat(exit.get(60, TimeUnit.SECONDS)).as(err.toString()).isZero();
        }
    }
}
