package org.openbwc.gateway;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * An MQTT 3.1.1 client of a few bytes, for what a well-behaved library will not send: a PUBLISH larger than the
 * broker's limit (Paho refuses to send one itself once the broker announced its maximum packet size).
 */
final class RawMqtt implements AutoCloseable {
    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;

    private RawMqtt(Socket socket) throws IOException {
        this.socket = socket;
        this.out = socket.getOutputStream();
        this.in = socket.getInputStream();
    }

    /** Connects (TLS with {@code tls} for ssl://) and sends CONNECT; fails unless the CONNACK accepts it. */
    static RawMqtt connect(String url, SSLContext tls, String clientId) throws IOException {
        URI uri = URI.create(url);
        Socket s = tls == null
                ? new Socket(uri.getHost(), uri.getPort())
                : tls.getSocketFactory().createSocket(uri.getHost(), uri.getPort());
        if (s instanceof SSLSocket ssl) ssl.startHandshake();
        s.setSoTimeout(10_000);
        RawMqtt c = new RawMqtt(s);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        writeString(body, "MQTT");
        body.write(4); // 3.1.1
        body.write(0x02); // clean session
        body.write(0);
        body.write(30); // keepalive 30 s
        writeString(body, clientId);
        c.packet(0x10, body.toByteArray());
        DataInputStream data = new DataInputStream(c.in);
        int type = data.readUnsignedByte();
        int length = data.readUnsignedByte();
        data.readUnsignedByte();
        int code = data.readUnsignedByte();
        if (type != 0x20 || length != 2 || code != 0) {
            s.close();
            throw new IOException(
                    "CONNACK refused the connection: type 0x" + Integer.toHexString(type) + " code " + code);
        }
        return c;
    }

    /** Sends a QoS 0 PUBLISH; an IOException means the broker closed the connection while it was being sent. */
    void publish(String topic, byte[] payload) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        writeString(body, topic);
        body.write(payload);
        packet(0x30, body.toByteArray());
    }

    /**
     * Whether the broker closes the connection within {@code within} (end of stream or a reset); false when it stays
     * open. Reading is the only way to see a close on a socket that has nothing to send.
     */
    boolean closedByBroker(Duration within) {
        try {
            socket.setSoTimeout((int) within.toMillis());
            while (true) {
                if (in.read() < 0) return true;
            }
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    private void packet(int header, byte[] body) throws IOException {
        ByteArrayOutputStream p = new ByteArrayOutputStream();
        p.write(header);
        int length = body.length;
        do {
            int digit = length % 128;
            length /= 128;
            p.write(length > 0 ? digit | 0x80 : digit);
        } while (length > 0);
        p.write(body);
        out.write(p.toByteArray());
        out.flush();
    }

    private static void writeString(ByteArrayOutputStream out, String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        out.write(bytes.length >> 8);
        out.write(bytes.length & 0xff);
        out.write(bytes, 0, bytes.length);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
