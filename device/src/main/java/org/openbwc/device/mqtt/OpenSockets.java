package org.openbwc.device.mqtt;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.SocketFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;

/**
 * The sockets the MQTT client opened, so {@link UnitLink#kill()} can drop them the way a power loss would: without
 * the client getting a chance to send DISCONNECT. After {@link #dropAll} no new socket can be opened.
 *
 * <p>A unit that loses power does not close its TCP connection: it just falls silent, and the broker notices only
 * when 1.5 keepalives pass without a packet. Plain sockets imitate that: once silenced they swallow every write and
 * stay open (the kernel still acknowledges at TCP level, like a dead radio link would not, but the broker's MQTT
 * keepalive sees nothing) until {@code holdOpen} has passed. TLS sockets cannot be wrapped that way and are reset.
 *
 * <p>Paho opens its socket with the factory's no-argument {@code createSocket()} and connects it itself; the other
 * overloads are there for completeness. Paho rejects a TLS factory for {@code tcp://} and a plain one for
 * {@code ssl://}, hence one factory of each kind.
 */
final class OpenSockets {
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private volatile boolean dropped;

    /**
     * A factory suited to the broker URL's scheme whose sockets this registry remembers.
     *
     * @param tls the unit's TLS identity for {@code ssl://} and {@code wss://}; null uses the JDK's default context
     *     (public CAs, no client certificate)
     */
    SocketFactory factoryFor(String serverUri, SSLContext tls) {
        if (!isTls(serverUri)) return new Plain(SocketFactory.getDefault());
        return new Tls(tls != null ? tls.getSocketFactory() : (SSLSocketFactory) SSLSocketFactory.getDefault());
    }

    /** Whether the broker URL asks for TLS. */
    static boolean isTls(String serverUri) {
        String scheme = serverUri.substring(0, Math.max(serverUri.indexOf(':'), 0));
        return scheme.equals("ssl") || scheme.equals("wss");
    }

    /**
     * Silences every plain socket for {@code holdOpen} before really closing it, resets the others (RST, no FIN
     * handshake), and refuses new ones.
     */
    void dropAll(Duration holdOpen) {
        dropped = true;
        for (Socket socket : sockets) {
            if (socket instanceof SilenceableSocket s) {
                s.silence(holdOpen);
                continue;
            }
            try {
                // Linger 0 makes close() send a reset at once, as close to a vanished device as a process can get.
                socket.setSoLinger(true, 0);
            } catch (SocketException ignored) {
                // Already closed or never connected: nothing to reset.
            }
            try {
                socket.close();
            } catch (IOException ignored) {
                // Dropping is best effort; a socket that fails to close is dead to us anyway.
            }
        }
        sockets.clear();
    }

    private Socket track(Socket socket) throws IOException {
        sockets.removeIf(Socket::isClosed);
        sockets.add(socket);
        // Checked after adding: a dropAll() running concurrently either sees this socket or has set the flag first.
        if (dropped) {
            sockets.remove(socket);
            socket.close();
            throw new SocketException("the link was killed; no new connections");
        }
        return socket;
    }

    private final class Plain extends SocketFactory {
        private final SocketFactory delegate;

        Plain(SocketFactory delegate) {
            this.delegate = delegate;
        }

        // Paho creates an unconnected socket and connects it itself; that is the one a power loss can silence.
        @Override
        public Socket createSocket() throws IOException {
            return track(new SilenceableSocket());
        }

        @Override
        public Socket createSocket(String host, int port) throws IOException {
            return track(delegate.createSocket(host, port));
        }

        @Override
        public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
            return track(delegate.createSocket(host, port, localHost, localPort));
        }

        @Override
        public Socket createSocket(InetAddress host, int port) throws IOException {
            return track(delegate.createSocket(host, port));
        }

        @Override
        public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
                throws IOException {
            return track(delegate.createSocket(address, port, localAddress, localPort));
        }
    }

    /** A plain socket that can fall silent: writes vanish and close() is put off, as with a device that lost power. */
    static final class SilenceableSocket extends Socket {
        private volatile boolean silent;
        private OutputStream guardedOut;

        void silence(Duration holdOpen) {
            silent = true;
            Thread closer = new Thread(
                    () -> {
                        try {
                            Thread.sleep(holdOpen.toMillis());
                        } catch (InterruptedException ignored) {
                            Thread.currentThread().interrupt();
                        }
                        reallyClose();
                    },
                    "silenced-socket-closer");
            closer.setDaemon(true);
            closer.start();
        }

        @Override
        public synchronized OutputStream getOutputStream() throws IOException {
            if (guardedOut == null) {
                guardedOut = new FilterOutputStream(super.getOutputStream()) {
                    @Override
                    public void write(int b) throws IOException {
                        if (!silent) super.write(b);
                    }

                    @Override
                    public void write(byte[] b, int off, int len) throws IOException {
                        if (!silent) out.write(b, off, len);
                    } // 'out' is the wrapped stream

                    @Override
                    public void flush() throws IOException {
                        if (!silent) super.flush();
                    }

                    @Override
                    public void close() throws IOException {
                        if (!silent) super.close();
                    }
                };
            }
            return guardedOut;
        }

        @Override
        public void close() throws IOException {
            if (!silent) super.close();
        }

        private void reallyClose() {
            try {
                super.close();
            } catch (IOException ignored) {
                // Already gone: nothing left to close.
            }
        }
    }

    private final class Tls extends SSLSocketFactory {
        private final SSLSocketFactory delegate;

        Tls(SSLSocketFactory delegate) {
            this.delegate = delegate;
        }

        @Override
        public String[] getDefaultCipherSuites() {
            return delegate.getDefaultCipherSuites();
        }

        @Override
        public String[] getSupportedCipherSuites() {
            return delegate.getSupportedCipherSuites();
        }

        @Override
        public Socket createSocket() throws IOException {
            return track(delegate.createSocket());
        }

        @Override
        public Socket createSocket(Socket s, String host, int port, boolean autoClose) throws IOException {
            return track(delegate.createSocket(s, host, port, autoClose));
        }

        @Override
        public Socket createSocket(String host, int port) throws IOException {
            return track(delegate.createSocket(host, port));
        }

        @Override
        public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
            return track(delegate.createSocket(host, port, localHost, localPort));
        }

        @Override
        public Socket createSocket(InetAddress host, int port) throws IOException {
            return track(delegate.createSocket(host, port));
        }

        @Override
        public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
                throws IOException {
            return track(delegate.createSocket(address, port, localAddress, localPort));
        }
    }
}
