package org.openbwc.gateway;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP relay between a test MQTT client and the broker, so a test can make the network fail the way it does in the
 * field: {@link #freeze()} (coverage lost: nothing flows, nothing is closed) or {@link #reset()} (connection torn
 * down with RST). Neither lets the client send DISCONNECT, so the broker publishes the client's Will.
 */
final class TcpProxy implements AutoCloseable {
    private final ServerSocket server;
    private final String brokerHost;
    private final int brokerPort;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private volatile boolean frozen;
    private volatile boolean refusing;
    private volatile boolean closed;

    TcpProxy(String brokerUrl) throws IOException {
        URI uri = URI.create(brokerUrl);
        this.brokerHost = uri.getHost();
        this.brokerPort = uri.getPort();
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().name("proxy-accept").start(this::acceptLoop);
    }

    String url() {
        return "tcp://127.0.0.1:" + server.getLocalPort();
    }

    /** From now on, bytes in both directions are swallowed and closes are not passed on. */
    void freeze() {
        frozen = true;
    }

    /** While refusing, new connections are accepted and closed at once, like a broker that is not up yet. */
    void refuse(boolean refuse) {
        refusing = refuse;
    }

    /** Tears every relayed connection down at once, with RST on the broker side. */
    void reset() {
        for (Socket s : sockets) {
            try {
                s.setSoLinger(true, 0);
                s.close();
            } catch (IOException ignored) {
                // already gone
            }
        }
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket client = server.accept();
                if (refusing) {
                    client.close();
                    continue;
                }
                Socket broker = new Socket(brokerHost, brokerPort);
                sockets.add(client);
                sockets.add(broker);
                Thread.ofVirtual().start(() -> pump(client, broker));
                Thread.ofVirtual().start(() -> pump(broker, client));
            } catch (IOException e) {
                if (!closed) throw new IllegalStateException("proxy accept failed", e);
            }
        }
    }

    private void pump(Socket from, Socket to) {
        byte[] buf = new byte[8192];
        try (InputStream in = from.getInputStream()) {
            OutputStream out = to.getOutputStream();
            int n;
            while ((n = in.read(buf)) >= 0) {
                if (!frozen) {
                    out.write(buf, 0, n);
                    out.flush();
                }
            }
        } catch (IOException ignored) {
            // one side went away
        }
        if (!frozen) {
            try {
                to.close();
            } catch (IOException ignored) {
                // already closed
            }
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
        for (Socket s : sockets) s.close();
    }
}
