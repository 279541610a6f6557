package org.openbwc.gateway.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The broker's setup and failure reporting; its MQTT behaviour is exercised by {@link EmbeddedBrokerFleetTest}. */
public class EmbeddedBrokerTest {

    @TempDir
    Path dir;

    @Test
    void theConfigurationRaisesHiveMqsSilentLimitsAndTurnsStatisticsOff() {
        String xml = EmbeddedBroker.configXml("127.0.0.1", 18830, EmbeddedBroker.Persistence.FILE);
        assertThat(xml)
                .contains("<port>18830</port>", "<bind-address>127.0.0.1</bind-address>")
                .contains("<max-queue-size>100000</max-queue-size>")
                .contains("<server-receive-maximum>1000</server-receive-maximum>")
                .containsPattern("<retained-messages>\\s*<enabled>true</enabled>")
                .contains("<mode>file</mode>")
                .containsPattern("<anonymous-usage-statistics>\\s*<enabled>false</enabled>");
        assertThat(EmbeddedBroker.configXml("::", 1, EmbeddedBroker.Persistence.IN_MEMORY))
                .contains("<mode>in-memory</mode>");
    }

    @Test
    void aTakenPortIsReportedWithTheNumberAndAnAlternative() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();
            assertThatThrownBy(() -> EmbeddedBroker.start("127.0.0.1", port, dir))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("port " + port)
                    .hasMessageContaining("already in use")
                    .hasMessageContaining("set broker.port to another port, e.g. " + (port + 1));
        }
    }

    @Test
    void aPortOutOfRangeIsRejected() {
        assertThatThrownBy(() -> EmbeddedBroker.start("127.0.0.1", 0, dir))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("broker port 0");
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
