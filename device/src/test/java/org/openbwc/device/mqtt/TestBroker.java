package org.openbwc.device.mqtt;

import com.hivemq.embedded.EmbeddedHiveMQ;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openbwc.testsupport.SystemTools;
import org.tinylog.Logger;

/**
 * The brokers the link is tested against: an embedded HiveMQ CE that every test class shares (it takes seconds to
 * start), and optionally an external broker named by the environment variable {@code MQTT_TEST_URL}.
 *
 * <p>HiveMQ keeps its default server receive maximum of 10 on purpose: that is what a publisher must respect.
 */
enum TestBroker {
    EMBEDDED_HIVEMQ,
    EXTERNAL;

    private static String hivemqUrl;

    /** The broker's URL; skips the calling test (fails it in CI) when the external broker is not configured. */
    String url() {
        if (this == EXTERNAL) return SystemTools.externalBrokerUrl();
        return embeddedUrl();
    }

    private static synchronized String embeddedUrl() {
        if (hivemqUrl != null) return hivemqUrl;
        try {
            int port;
            try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                port = probe.getLocalPort();
            }
            Path home = Files.createTempDirectory("hivemq-test-");
            Path conf = Files.createDirectories(home.resolve("conf"));
            Files.writeString(conf.resolve("config.xml"), """
                    <?xml version="1.0"?>
                    <hivemq>
                        <listeners>
                            <tcp-listener>
                                <port>%d</port>
                                <bind-address>127.0.0.1</bind-address>
                            </tcp-listener>
                        </listeners>
                        <mqtt>
                            <queued-messages>
                                <max-queue-size>100000</max-queue-size>
                            </queued-messages>
                        </mqtt>
                        <persistence>
                            <mode>in-memory</mode>
                        </persistence>
                        <anonymous-usage-statistics>
                            <enabled>false</enabled>
                        </anonymous-usage-statistics>
                    </hivemq>
                    """.formatted(port));
            EmbeddedHiveMQ broker = EmbeddedHiveMQ.builder()
                    .withConfigurationFolder(conf)
                    .withDataFolder(Files.createDirectories(home.resolve("data")))
                    .withExtensionsFolder(Files.createDirectories(home.resolve("extensions")))
                    .withoutLoggingBootstrap()
                    .build();
            long started = System.nanoTime();
            broker.start().get(60, TimeUnit.SECONDS);
            awaitListening(port);
            Logger.info(
                    "HiveMQ CE for the MQTT link tests listens on 127.0.0.1:{} after {} ms",
                    port,
                    (System.nanoTime() - started) / 1_000_000);
            Runtime.getRuntime()
                    .addShutdownHook(new Thread(
                            () -> {
                                try {
                                    broker.stop().get(10, TimeUnit.SECONDS);
                                } catch (Exception ignored) {
                                    // The JVM is exiting anyway.
                                }
                            },
                            "hivemq-test-stop"));
            hivemqUrl = "tcp://127.0.0.1:" + port;
            return hivemqUrl;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (Exception e) {
            throw new IllegalStateException("embedded HiveMQ did not start", e);
        }
    }

    /** HiveMQ may complete its start future a moment before the listener accepts. */
    private static void awaitListening(int port) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            try (Socket socket = new Socket()) {
                socket.connect(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
                return;
            } catch (IOException e) {
                TimeUnit.MILLISECONDS.sleep(20);
            }
        }
        throw new IllegalStateException("HiveMQ started but nothing listens on 127.0.0.1:" + port);
    }
}
