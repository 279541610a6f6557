package org.openbwc.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The relay against a small echo server on 127.0.0.1: forwarding, and each way of failing and coming back. */
class TcpProxyTest {
    private ServerSocket echo;
    private TcpProxy proxy;

    @BeforeEach
    void start() throws IOException {
        echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(() -> {
            while (!echo.isClosed()) {
                try {
                    Socket s = echo.accept();
                    Thread.ofVirtual().start(() -> echoAll(s));
                } catch (IOException e) {
                    return;
                }
            }
        });
        proxy = new TcpProxy("tcp://127.0.0.1:" + echo.getLocalPort());
    }

    @AfterEach
    void stop() throws IOException {
        proxy.close();
        echo.close();
    }

    @Test
    void relaysBothWays() throws IOException {
        assertThat(proxy.url()).isEqualTo("tcp://127.0.0.1:" + proxy.port());
        try (Socket client = connect()) {
            assertThat(roundTrip(client, "hello")).isEqualTo("hello");
            assertThat(proxy.openConnections()).isEqualTo(1);
        }
        await().until(() -> proxy.openConnections() == 0);
    }

    @Test
    void frozenDropsEveryByteKeepsTheConnectionAndRestoreForwardsAgain() throws IOException {
        try (Socket client = connect()) {
            assertThat(roundTrip(client, "a")).isEqualTo("a");
            proxy.freeze();
            send(client, "lost");
            assertThatThrownBy(() -> client.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);
            assertThat(proxy.openConnections()).isEqualTo(1);

            try (Socket late = connect()) {
                send(late, "CONNECT");
                await().until(() -> proxy.swallowedHandshakes() == 1);
            }

            proxy.restore();
            assertThat(roundTrip(client, "back")).isEqualTo("back");
        }
    }

    @Test
    void resetTearsConnectionsDownAndKeepsListening() throws IOException {
        try (Socket client = connect()) {
            assertThat(roundTrip(client, "a")).isEqualTo("a");
            proxy.reset();
            assertThat(readOrFail(client)).isEqualTo(-1);
            await().until(() -> proxy.openConnections() == 0);
        }
        try (Socket again = connect()) {
            assertThat(roundTrip(again, "again")).isEqualTo("again");
        }
    }

    @Test
    void cutStopsListeningAndRestoreListensOnTheSamePort() throws IOException {
        try (Socket client = connect()) {
            assertThat(roundTrip(client, "a")).isEqualTo("a");
            proxy.cut();
            assertThat(readOrFail(client)).isEqualTo(-1);
        }
        assertThatThrownBy(this::connect).isInstanceOf(ConnectException.class);
        proxy.restore();
        try (Socket back = connect()) {
            assertThat(roundTrip(back, "back")).isEqualTo("back");
        }
    }

    @Test
    void refusingClosesNewConnectionsOnly() throws IOException {
        try (Socket before = connect()) {
            assertThat(roundTrip(before, "a")).isEqualTo("a");
            proxy.refuse(true);
            try (Socket refused = connect()) {
                assertThat(readOrFail(refused)).isEqualTo(-1);
            }
            assertThat(roundTrip(before, "still")).isEqualTo("still");
            proxy.refuse(false);
            try (Socket after = connect()) {
                assertThat(roundTrip(after, "b")).isEqualTo("b");
            }
        }
    }

    private Socket connect() throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), proxy.port());
        s.setSoTimeout(500);
        return s;
    }

    private static void send(Socket s, String text) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static String roundTrip(Socket s, String text) throws IOException {
        s.setSoTimeout(30_000);
        send(s, text);
        byte[] got = s.getInputStream().readNBytes(text.length());
        s.setSoTimeout(500);
        return new String(got, StandardCharsets.UTF_8);
    }

    /** -1 for a connection that ended, by EOF or by RST. */
    private static int readOrFail(Socket s) throws IOException {
        s.setSoTimeout(30_000);
        try {
            return s.getInputStream().read();
        } catch (java.net.SocketException e) {
            return -1;
        }
    }

    private static void echoAll(Socket s) {
        try (s;
                InputStream in = s.getInputStream();
                OutputStream out = s.getOutputStream()) {
            in.transferTo(out);
        } catch (IOException e) {
            // the test closed it
        }
    }
}
