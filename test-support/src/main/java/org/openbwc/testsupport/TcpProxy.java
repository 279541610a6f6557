package org.openbwc.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP relay on 127.0.0.1 in front of a server (an MQTT broker, mostly), so that a test can make the network fail the
 * way it does in the field and give it back:
 *
 * <ul>
 *   <li>{@link #freeze()}: a dead zone, coverage lost. Connections stay open but every byte in both directions is
 *       silently dropped and a side that closes is not passed on, so only keepalive timers notice. Connections opened
 *       meanwhile are relayed the same way; their first bytes (an MQTT CONNECT) count as {@link #swallowedHandshakes()}.
 *   <li>{@link #reset()}: every relayed connection torn down at once with RST on both sides, as when a unit crashes;
 *       the proxy goes on listening, so a client may connect again at once.
 *   <li>{@link #cut()}: a clean outage: nothing listens any more and open connections are reset, so both ends notice at
 *       once.
 *   <li>{@link #refuse(boolean)}: while refusing, new connections are accepted and closed at once, like a server that is
 *       not up yet.
 *   <li>{@link #restore()}: back to normal after a freeze or a cut: listens again on the same port, and connections
 *       whose other side went away while frozen are reset so that their ends find out.
 * </ul>
 *
 * None of them lets a client send DISCONNECT, so a broker publishes the client's Will.
 */
public final class TcpProxy implements AutoCloseable {
    private enum Mode {
        FORWARDING,
        FROZEN,
        CUT
    }

    private final InetSocketAddress upstream;
    private final String scheme;
    private final int port;
    private final Set<Pair> pairs = ConcurrentHashMap.newKeySet();
    private final AtomicInteger swallowedHandshakes = new AtomicInteger();
    private volatile Mode mode = Mode.FORWARDING;
    private volatile boolean refusing;
    private volatile ServerSocket listener;
    private volatile Thread acceptor;
    private volatile boolean closed;

    /** A proxy to the server at {@code url} ({@code tcp://host:port}, any scheme with a host and a port), forwarding. */
    public TcpProxy(String url) {
        URI uri = URI.create(url);
        if (uri.getHost() == null || uri.getPort() < 0) {
            throw new IllegalArgumentException("'" + url + "' has no host and port (e.g. tcp://127.0.0.1:1883)");
        }
        this.upstream = new InetSocketAddress(uri.getHost(), uri.getPort());
        // TLS passes through untouched, so a client of an ssl:// server uses ssl:// to the proxy as well.
        this.scheme = uri.getScheme() == null ? "tcp" : uri.getScheme();
        this.listener = bind(0);
        this.port = listener.getLocalPort();
        startAccepting(listener);
    }

    /** The URL a client should use instead of the server's: {@code <its scheme>://127.0.0.1:<port>}. */
    public String url() {
        return scheme + "://127.0.0.1:" + port;
    }

    /** The port on 127.0.0.1 the proxy listens on (the same after a {@link #cut()} and {@link #restore()}). */
    public int port() {
        return port;
    }

    /** From now on, bytes in both directions are dropped and closes are not passed on, until {@link #restore()}. */
    public synchronized void freeze() {
        mode = Mode.FROZEN;
    }

    /** Tears every relayed connection down at once, with RST on both sides; new connections are relayed as before. */
    public synchronized void reset() {
        for (Pair pair : pairs) pair.reset();
    }

    /** Stops listening and resets every open connection: the server is unreachable until {@link #restore()}. */
    public synchronized void cut() {
        mode = Mode.CUT;
        stopListening();
        for (Pair pair : pairs) pair.reset();
    }

    /** While {@code true}, new connections are accepted and closed at once; open ones are not touched. */
    public void refuse(boolean refuse) {
        refusing = refuse;
    }

    /** Back to forwarding: listens again after a cut; connections that died while frozen are reset so their ends know. */
    public synchronized void restore() {
        if (closed) return;
        if (mode == Mode.CUT) {
            listener = bind(port);
            startAccepting(listener);
        }
        for (Pair pair : pairs) if (pair.broken) pair.reset();
        mode = Mode.FORWARDING;
    }

    /** Connections relayed right now. */
    public int openConnections() {
        return pairs.size();
    }

    /** Connections opened while frozen whose first bytes (an MQTT CONNECT) were dropped. */
    public int swallowedHandshakes() {
        return swallowedHandshakes.get();
    }

    @Override
    public synchronized void close() {
        closed = true;
        stopListening();
        for (Pair pair : pairs) pair.reset();
    }

    /**
     * Closes the listening socket and waits for the accepting thread to leave {@code accept()}: a socket closed while
     * a thread is blocked in it is released only when that thread returns, and until then the kernel still
     * completes connections to the port.
     */
    private void stopListening() {
        closeQuietly(listener);
        Thread accepting = acceptor;
        if (accepting == null) return;
        try {
            if (!accepting.join(Duration.ofSeconds(5))) {
                throw new IllegalStateException("the proxy on port " + port + " still accepts 5 s after its close");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
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
        acceptor = Thread.ofVirtual().name("proxy-accept-" + port).start(() -> {
            while (!server.isClosed()) {
                Socket downstream;
                try {
                    downstream = server.accept();
                } catch (IOException e) {
                    return;
                }
                if (refusing) {
                    closeQuietly(downstream);
                    continue;
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
        final boolean openedFrozen = mode == Mode.FROZEN;
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
                    } else if (openedFrozen && from == downstream && !swallowedFirstBytes) {
                        swallowedFirstBytes = true;
                        swallowedHandshakes.incrementAndGet();
                    }
                }
            } catch (IOException e) {
                // Either side went away; handled below like an end of stream.
            }
            if (mode == Mode.FROZEN && !closed) {
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
