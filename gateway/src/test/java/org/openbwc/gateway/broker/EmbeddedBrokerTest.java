package org.openbwc.gateway.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The broker's setup and failure reporting; its MQTT behaviour is exercised by {@link EmbeddedBrokerFleetTest}. */
public class EmbeddedBrokerTest {

    @TempDir
    Path dir;

    @Test
    void theConfigurationRaisesHiveMqsSilentLimitsAndTurnsStatisticsOff() {
        String xml = EmbeddedBroker.configXml("127.0.0.1", 18830, EmbeddedBroker.Persistence.FILE, dir, "pw");
        assertThat(xml)
                .contains("<port>18830</port>", "<bind-address>127.0.0.1</bind-address>")
                .contains("<max-packet-size>262144</max-packet-size>")
                .contains("<max-queue-size>100000</max-queue-size>")
                .contains("<server-receive-maximum>1000</server-receive-maximum>")
                .containsPattern("<retained-messages>\\s*<enabled>true</enabled>")
                .contains("<mode>file</mode>")
                .containsPattern("<anonymous-usage-statistics>\\s*<enabled>false</enabled>");
        assertThat(EmbeddedBroker.configXml("::", 1, EmbeddedBroker.Persistence.IN_MEMORY, dir, "pw"))
                .contains("<mode>in-memory</mode>");
    }

    @Test
    void itListensOnlyOnTlsAndRequiresAClientCertificate() {
        String xml = EmbeddedBroker.configXml("127.0.0.1", 18830, EmbeddedBroker.Persistence.FILE, dir, "pw");
        assertThat(xml)
                .doesNotContain("<tcp-listener>")
                .contains("<tls-tcp-listener>")
                .contains("<client-authentication-mode>REQUIRED</client-authentication-mode>")
                .contains("<protocol>TLSv1.3</protocol>", "<protocol>TLSv1.2</protocol>")
                .doesNotContain("TLSv1.1");
    }

    @Test
    void aTakenPortIsReportedWithTheNumberAndAnAlternative() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();
            assertThatThrownBy(() -> EmbeddedBroker.start("127.0.0.1", port, dir, tls(), access()))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("port " + port)
                    .hasMessageContaining("already in use")
                    .hasMessageContaining("set broker.port to another port, e.g. " + (port + 1));
        }
    }

    @Test
    void aPortOutOfRangeIsRejected() {
        assertThatThrownBy(() -> EmbeddedBroker.start("127.0.0.1", 0, dir, tls(), access()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("broker port 0");
    }

    private ServerTls tls() {
        return new ServerTls(dir.resolve("server.key"), dir.resolve("server.crt"), dir.resolve("ca.crt"));
    }

    private static BrokerAccess access() {
        return BrokerAccess.of(Set.of("gw-1"), UnitAdmission.ALL, RefusedClients.NONE);
    }

    /** A TCP port nobody listens on right now, for a broker of a test. */
    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
