package org.openbwc.device.offload;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * The unit's TLS sockets for offload, offering ChaCha20-Poly1305 before AES-GCM. The unit's JVM compiles with C1 only
 * ({@code ./bwc jvm-options device}), where AES-GCM has no intrinsics: it cost the unit 0.043 s of CPU per MB against
 * 0.010 for ChaCha20 (bench/README.md, issue 15). The gateway's units' listener lets the client's order decide; a
 * server that prefers its own order, or has no ChaCha20, still gets AES-GCM, which stays on offer.
 */
final class ChaChaFirst extends SSLSocketFactory {
    private final SSLSocketFactory delegate;

    ChaChaFirst(SSLSocketFactory delegate) {
        this.delegate = delegate;
    }

    /** {@code suites} with the ChaCha20-Poly1305 ones first, the rest in their order. */
    static String[] order(String[] suites) {
        List<String> first = new ArrayList<>();
        List<String> rest = new ArrayList<>();
        for (String s : suites) (s.contains("CHACHA20") ? first : rest).add(s);
        first.addAll(rest);
        return first.toArray(String[]::new);
    }

    private Socket prefer(Socket socket) {
        if (socket instanceof SSLSocket ssl) ssl.setEnabledCipherSuites(order(ssl.getEnabledCipherSuites()));
        return socket;
    }

    @Override
    public String[] getDefaultCipherSuites() {
        return order(delegate.getDefaultCipherSuites());
    }

    @Override
    public String[] getSupportedCipherSuites() {
        return delegate.getSupportedCipherSuites();
    }

    @Override
    public Socket createSocket() throws IOException {
        return prefer(delegate.createSocket());
    }

    @Override
    public Socket createSocket(Socket s, String host, int port, boolean autoClose) throws IOException {
        return prefer(delegate.createSocket(s, host, port, autoClose));
    }

    @Override
    public Socket createSocket(Socket s, InputStream consumed, boolean autoClose) throws IOException {
        return prefer(delegate.createSocket(s, consumed, autoClose));
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        return prefer(delegate.createSocket(host, port));
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        return prefer(delegate.createSocket(host, port, localHost, localPort));
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        return prefer(delegate.createSocket(host, port));
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
            throws IOException {
        return prefer(delegate.createSocket(address, port, localAddress, localPort));
    }
}
