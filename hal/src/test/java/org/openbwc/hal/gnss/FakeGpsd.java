package org.openbwc.hal.gnss;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A stand-in gpsd on a free local port: records the command each client sends and lets the test talk back. */
final class FakeGpsd implements AutoCloseable {
    private final ServerSocket server;
    private final BlockingQueue<Socket> clients = new LinkedBlockingQueue<>();
    final List<String> commands = new CopyOnWriteArrayList<>();
    private final Thread acceptor;

    FakeGpsd() throws IOException {
        server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
        acceptor = Thread.ofPlatform().daemon().name("fake-gpsd").start(this::acceptLoop);
    }

    int port() {
        return server.getLocalPort();
    }

    /** The next client that connected and sent its command, or fails after 5 s. */
    Socket nextClient() throws InterruptedException {
        Socket client = clients.poll(5, TimeUnit.SECONDS);
        if (client == null) throw new AssertionError("no client connected to the fake gpsd within 5 s");
        return client;
    }

    static void send(Socket client, String... lines) throws IOException {
        OutputStream out = client.getOutputStream();
        for (String line : lines) out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                BufferedReader in =
                        new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.US_ASCII));
                commands.add(in.readLine());
                send(
                        client,
                        "{\"class\":\"VERSION\",\"release\":\"3.22\",\"rev\":\"3.22\",\"proto_major\":3,\"proto_minor\":14}");
                clients.add(client);
            } catch (IOException e) {
                return;
            }
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket client : clients) client.close();
    }
}
