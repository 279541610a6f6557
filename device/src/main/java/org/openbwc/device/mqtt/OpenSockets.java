package org.openbwc.device.mqtt;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.SocketFactory;
import javax.net.ssl.SSLSocketFactory;

/**
 * The sockets the MQTT client opened, so {@link UnitLink#kill()} can drop them the way a power loss would: without
 * the client getting a chance to send DISCONNECT. After {@link #dropAll()} no new socket can be opened.
 *
 * <p>Paho opens its socket with the factory's no-argument {@code createSocket()} and connects it itself; the other
 * overloads are there for completeness. Paho rejects a TLS factory for {@code tcp://} and a plain one for
 * {@code ssl://}, hence one factory of each kind.
 */
final class OpenSockets {
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private volatile boolean dropped;

    /** A factory suited to the broker URL's scheme whose sockets this registry remembers. */
    SocketFactory factoryFor(String serverUri) {
        String scheme = serverUri.substring(0, Math.max(serverUri.indexOf(':'), 0));
        return scheme.equals("ssl") || scheme.equals("wss")
                ? new Tls((SSLSocketFactory) SSLSocketFactory.getDefault())
                : new Plain(SocketFactory.getDefault());
    }

    /** Resets every open socket (RST, no FIN handshake) and refuses new ones. */
    void dropAll() {
        dropped = true;
        for (Socket socket : sockets) {
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

        Plain(SocketFactory delegate) { this.delegate = delegate; }

        @Override public Socket createSocket() throws IOException { return track(delegate.createSocket()); }

        @Override public Socket createSocket(String host, int port) throws IOException {
            return track(delegate.createSocket(host, port));
        }

        @Override public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
            return track(delegate.createSocket(host, port, localHost, localPort));
        }

        @Override public Socket createSocket(InetAddress host, int port) throws IOException {
            return track(delegate.createSocket(host, port));
        }

        @Override public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
            return track(delegate.createSocket(address, port, localAddress, localPort));
        }
    }

    private final class Tls extends SSLSocketFactory {
        private final SSLSocketFactory delegate;

        Tls(SSLSocketFactory delegate) { this.delegate = delegate; }

        @Override public String[] getDefaultCipherSuites() { return delegate.getDefaultCipherSuites(); }

        @Override public String[] getSupportedCipherSuites() { return delegate.getSupportedCipherSuites(); }

        @Override public Socket createSocket() throws IOException { return track(delegate.createSocket()); }

        @Override public Socket createSocket(Socket s, String host, int port, boolean autoClose) throws IOException {
            return track(delegate.createSocket(s, host, port, autoClose));
        }

        @Override public Socket createSocket(String host, int port) throws IOException {
            return track(delegate.createSocket(host, port));
        }

        @Override public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
            return track(delegate.createSocket(host, port, localHost, localPort));
        }

        @Override public Socket createSocket(InetAddress host, int port) throws IOException {
            return track(delegate.createSocket(host, port));
        }

        @Override public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
            return track(delegate.createSocket(address, port, localAddress, localPort));
        }
    }
}
