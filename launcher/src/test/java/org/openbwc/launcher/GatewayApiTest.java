package org.openbwc.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Where the CLI finds a running gateway from its config: the address its HTTPS certificate names, else its listener. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class GatewayApiTest {
    @TempDir
    Path dir;

    String urlOf(String yaml) throws Exception {
        Path file = dir.resolve("gateway.yaml");
        Files.writeString(file, "gatewayId: gw-1\ndataDir: " + dir.resolve("data") + "\n" + yaml);
        return GatewayApi.urlOf(Configs.loadGateway(file));
    }

    @Test
    void aLoopbackGatewayIsReachedOnItsPlainListener() throws Exception {
        assertThat(urlOf("")).isEqualTo("http://127.0.0.1:8080");
        assertThat(urlOf("http:\n  port: 20080\n")).isEqualTo("http://127.0.0.1:20080");
    }

    @Test
    void anHttpsGatewayOnAllInterfacesIsReachedByTheNameItsCertificateGives() throws Exception {
        assertThat(urlOf("http:\n  host: 0.0.0.0\n  https: true\npki:\n  serverHosts: \"gw.example, 10.0.0.5\"\n"))
                .isEqualTo("https://gw.example:8080");
    }
}
