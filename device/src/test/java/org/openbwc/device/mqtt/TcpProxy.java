package org.openbwc.device.mqtt;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP relay on 127.0.0.1 between the link and the broker, so a test can take the network away and give it back.
 *
 * <p>{@link #cut()} is a clean outage: nothing listens any more and open connections are reset, so both ends notice at
 * once. {@link #stall()} is a dead zone: connections stay open but every byte is silently discarded, so only keepalive
 * timers notice. {@link #restore()} ends either.
 */
final class TcpProxy implements AutoCloseable {
    private enum Mode {
        FORWARDING,
        STALLED,
        CUT
    }

    private final InetSocketAddress upstream;
    private final int port;
    private final Set<Pair> pairs = ConcurrentHashMap.newKeySet();
    private final AtomicInteger swallowedHandshakes = new AtomicInteger();
    private volatile Mode mode = Mode.FORWARDING;
    private volatile ServerSocket listener;
    private volatile boolean closed;

    private TcpProxy(InetSocketAddress upstream) {
        this.upstream = upstream;
        this.listener = bind(0);
        this.port = listener.getLocalPort();
        startAccepting(listener);
    }

    /** A proxy to the broker at {@code brokerUrl} ({@code tcp://host:port}), forwarding from the start. */
    static TcpProxy to(String brokerUrl) {
        java.net.URI uri = java.net.URI.create(brokerUrl);
        return new TcpProxy(new InetSocketAddress(uri.getHost(), uri.getPort()));
    }

    /** The URL the link should use instead of the broker's. */
    String url() {
        return "tcp://127.0.0.1:" + port;
    }

    /** Stops listening and resets every open connection: the broker is unreachable. */
    synchronized void cut() {
        mode = Mode.CUT;
        closeQuietly(listener);
        for (Pair pair : pairs) pair.reset();
    }

    /** Keeps connections open but drops every byte in both directions. */
    synchronized void stall() {
        mode = Mode.STALLED;
    }

    /** Back to normal: listens again; connections that died while stalled are reset so their ends find out. */
    synchronized void restore() {
        if (mode == Mode.CUT) {
            listener = bind(port);
            startAccepting(listener);
        }
        for (Pair pair : pairs) if (pair.broken) pair.reset();
        mode = Mode.FORWARDING;
    }

    /** Connections relayed right now. */
    int openConnections() {
        return pairs.size();
    }

    /** Connections opened during a stall whose first bytes (an MQTT CONNECT) were swallowed. */
    int swallowedHandshakes() {
        return swallowedHandshakes.get();
    }

    @Override
    public synchronized void close() {
        closed = true;
        closeQuietly(listener);
        for (Pair pair : pairs) pair.reset();
    }

    private ServerSocket bind(int localPort) {
        try {
            ServerSocket socket = new ServerSocket();
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), localPort));
            return socket;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on 127.0.0.1:" + localPort, e);
        }
    }

    private void startAccepting(ServerSocket server) {
        Thread.ofVirtual().name("proxy-accept-" + port).start(() -> {
            while (!server.isClosed()) {
                Socket downstream;
                try {
                    downstream = server.accept();
                } catch (IOException e) {
                    return;
                }
                try {
                    Socket up = new Socket();
                    up.connect(upstream, 2000);
                    Pair pair = new Pair(downstream, up);
                    pairs.add(pair);
                    pair.start();
                } catch (IOException e) {
                    closeQuietly(downstream);
                }
            }
        });
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            if (closeable != null) closeable.close();
        } catch (Exception ignored) {
            // Tearing down a test relay: nothing useful to do with a failure.
        }
    }

    /** One relayed connection. */
    private final class Pair {
        final Socket downstream;
        final Socket upstreamSocket;
        final boolean openedStalled = mode == Mode.STALLED;
        volatile boolean broken;
        private boolean swallowedFirstBytes;

        Pair(Socket downstream, Socket upstreamSocket) {
            this.downstream = downstream;
            this.upstreamSocket = upstreamSocket;
        }

        void start() {
            Thread.ofVirtual().name("proxy-up-" + port).start(() -> pump(downstream, upstreamSocket));
            Thread.ofVirtual().name("proxy-down-" + port).start(() -> pump(upstreamSocket, downstream));
        }

        private void pump(Socket from, Socket to) {
            byte[] buffer = new byte[16 * 1024];
            try {
                InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream();
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    if (mode == Mode.FORWARDING) {
                        out.write(buffer, 0, n);
                        out.flush();
                    } else if (openedStalled && from == downstream && !swallowedFirstBytes) {
                        swallowedFirstBytes = true;
                        swallowedHandshakes.incrementAndGet();
                    }
                }
            } catch (IOException e) {
                // Either side went away; handled below like an end of stream.
            }
            if (mode == Mode.STALLED && !closed) {
                // In a dead zone nobody hears the other side hang up; restore() resets the survivor.
                broken = true;
                return;
            }
            reset();
        }

        void reset() {
            pairs.remove(this);
            for (Socket socket : new Socket[] {downstream, upstreamSocket}) {
                try {
                    socket.setSoLinger(true, 0);
                } catch (SocketException ignored) {
                    // Already closed.
                }
                closeQuietly(socket);
            }
        }
    }
}
