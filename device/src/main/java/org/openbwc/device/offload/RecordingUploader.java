package org.openbwc.device.offload;

import io.tus.java.client.ProtocolException;
import io.tus.java.client.TusClient;
import io.tus.java.client.TusURLStore;
import io.tus.java.client.TusUpload;
import io.tus.java.client.TusUploader;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URL;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import org.openbwc.json.JsonException;
import org.openbwc.json.JsonReader;
import org.tinylog.Logger;

/**
 * Sends sealed recordings to the gateway: whether the store already holds one ({@link #receipt}), each file over tus
 * (manifest, journal, then the media, resuming each from the offset the store confirmed; {@link #send}), and the
 * request to verify and keep it, answered with the receipt ({@link #complete}). Uses the tus project's Java client to
 * open or resume each upload and sends the parts itself (see {@link #sendPart}), over HTTPS with the unit's
 * certificate. {@link #send} is for one thread; {@link #complete} and {@link #receipt} may run on another meanwhile.
 */
final class RecordingUploader {
    private static final String TUS_VERSION = "1.0.0";
    /** Bytes per write: four TLS records, few system calls, a small buffer in the unit's 40 MiB heap. */
    private static final int WRITE_BYTES = 64 * 1024;

    private final URI base;
    private final Supplier<SSLContext> tls;
    private final int partBytes;
    private final BandwidthCap cap;
    private volatile long bytesSent;
    private SSLContext factoryContext;
    private SSLSocketFactory factory;

    /**
     * @param base the units' listener, {@code https://host:port}
     * @param tls the unit's client certificate and the agency CA (re-read when the key files change)
     */
    RecordingUploader(URI base, Supplier<SSLContext> tls, int partBytes, long bytesPerSecond) {
        this.base = base;
        this.tls = tls;
        this.partBytes = partBytes;
        this.cap = new BandwidthCap(bytesPerSecond);
    }

    /** Bytes sent in parts so far (for the benchmark's re-send count and the logs). */
    long bytesSent() {
        return bytesSent;
    }

    /** The store's receipt of the recording, if it has one (a restart after the upload, before the receipt was kept). */
    Optional<Map<String, Object>> receipt(String recordingId) throws IOException {
        HttpURLConnection c = open("/api/offload/recordings/" + recordingId, "GET");
        try {
            int status = c.getResponseCode();
            if (status == 404) return Optional.empty();
            if (status != 200) throw new IOException("receipt of " + recordingId + ": HTTP " + status + " " + error(c));
            try (InputStream in = c.getInputStream()) {
                return Optional.of(object(in.readAllBytes()));
            }
        } finally {
            c.disconnect();
        }
    }

    /** Uploads every file of the recording, in order, each to its end as the store confirmed it. */
    void send(String recordingId, List<Path> files) throws IOException, InterruptedException {
        SSLSocketFactory factory = factory();
        TusClient client = client(factory);
        cap.restart();
        for (Path file : files) send(client, factory, recordingId, file);
    }

    /**
     * Asks the store to verify and keep a recording all of whose files it has confirmed; the receipt it answers with.
     * The store reads the whole recording again, so this takes a while; it may run on another thread than {@link
     * #send}.
     */
    Map<String, Object> complete(String recordingId) throws IOException {
        HttpURLConnection c = open("/api/offload/recordings/" + recordingId + "/complete", "POST");
        try {
            c.setDoOutput(true);
            c.getOutputStream().close();
            int status = c.getResponseCode();
            if (status != 200) {
                throw new OffloadRefused(
                        status, "the store refused " + recordingId + ": HTTP " + status + " " + error(c));
            }
            try (InputStream in = c.getInputStream()) {
                return object(in.readAllBytes());
            }
        } finally {
            c.disconnect();
        }
    }

    /**
     * One socket factory for as long as the unit's TLS context stays the same: connections are kept alive from part
     * to part and from one recording to the next, and a new connection resumes the TLS session.
     */
    private synchronized SSLSocketFactory factory() {
        SSLContext context = tls.get();
        if (context != factoryContext) {
            factory = new ChaChaFirst(context.getSocketFactory());
            factoryContext = context;
        }
        return factory;
    }

    private void send(TusClient client, SSLSocketFactory factory, String recordingId, Path file)
            throws IOException, InterruptedException {
        String name = file.getFileName().toString();
        TusUpload upload = new TusUpload(file.toFile());
        upload.setFingerprint(recordingId + "/" + name);
        upload.setMetadata(Map.of("recording", recordingId, "file", name));
        TusUploader uploader;
        try {
            uploader = client.resumeOrCreateUpload(upload);
        } catch (ProtocolException e) {
            throw refusal(e, "opening the upload of " + recordingId + "/" + name);
        } finally {
            upload.getInputStream().close(); // the parts are read from the file below, not from tus's stream
        }
        long offset = uploader.getOffset();
        if (offset > 0) {
            Logger.info("offload {}/{}: resuming at byte {} the store confirmed", recordingId, name, offset);
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            ByteBuffer buffer = ByteBuffer.allocate(WRITE_BYTES);
            while (offset < size) {
                offset = sendPart(
                        uploader.getUploadURL(),
                        factory,
                        channel,
                        buffer,
                        offset,
                        Math.min(partBytes, size - offset),
                        recordingId + "/" + name);
            }
        }
    }

    /**
     * One tus PATCH of {@code length} bytes of the file at {@code offset}, read straight from the file (a cut part is
     * resumed from the offset the store confirmed, so nothing needs holding in memory for a re-send); the offset the
     * store confirms. Written here rather than with the tus client's uploader, which sends every part in 4 KiB HTTP
     * chunks after an {@code Expect: 100-continue} round trip on a new connection, and holds the part in the heap
     * (bench/README.md, issue 15).
     */
    private long sendPart(
            URL url,
            SSLSocketFactory factory,
            FileChannel channel,
            ByteBuffer buffer,
            long offset,
            long length,
            String what)
            throws IOException, InterruptedException {
        HttpURLConnection c = (HttpURLConnection) url.openConnection();
        if (c instanceof HttpsURLConnection https) https.setSSLSocketFactory(factory);
        // HttpURLConnection has no PATCH; tus servers (and this gateway's, through Javalin) take the override header
        c.setRequestMethod("POST");
        c.setRequestProperty("X-HTTP-Method-Override", "PATCH");
        c.setRequestProperty("Tus-Resumable", TUS_VERSION);
        c.setRequestProperty("Upload-Offset", Long.toString(offset));
        c.setRequestProperty("Content-Type", "application/offset+octet-stream");
        c.setConnectTimeout(10_000);
        c.setReadTimeout(60_000);
        c.setDoOutput(true);
        c.setFixedLengthStreamingMode(length);
        try (OutputStream out = c.getOutputStream()) {
            long sent = 0;
            while (sent < length) {
                buffer.clear().limit((int) Math.min(buffer.capacity(), length - sent));
                int n = channel.read(buffer, offset + sent);
                if (n < 0) throw new IOException(what + " is shorter than when its upload began");
                out.write(buffer.array(), 0, n);
                sent += n;
                bytesSent += n;
                long wait = cap.sent(n, System.nanoTime());
                if (wait > 0) Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            }
        }
        int status = c.getResponseCode();
        if (status != 204 && status != 200) {
            String detail = error(c);
            String message = "sending " + what + " at byte " + offset + ": HTTP " + status
                    + (detail.isEmpty() ? "" : " " + detail);
            throw refusable(status) ? new OffloadRefused(status, message) : new IOException(message);
        }
        long confirmed = c.getHeaderFieldLong("Upload-Offset", -1);
        try (InputStream in = c.getInputStream()) {
            in.readAllBytes(); // read to the end, so that the next part reuses the connection
        }
        if (confirmed != offset + length) {
            throw new IOException(
                    "sending " + what + ": the store confirmed byte " + confirmed + ", not " + (offset + length));
        }
        return confirmed;
    }

    private static IOException refusal(ProtocolException e, String what) {
        HttpURLConnection c = e.getCausingConnection();
        int status = -1;
        try {
            if (c != null) status = c.getResponseCode();
        } catch (IOException ignored) {
            // the status is unknown; the message stands
        }
        String detail = c == null ? "" : " " + error(c);
        return refusable(status)
                ? new OffloadRefused(status, what + ": HTTP " + status + detail)
                : new IOException(what + ": " + e.getMessage() + detail, e);
    }

    /** A refusal for what the recording is; 404, 409 and 460 (a part that did not match) pass with a fresh start. */
    private static boolean refusable(int status) {
        return status >= 400 && status < 500 && status != 404 && status != 409 && status != 460;
    }

    private TusClient client(SSLSocketFactory factory) throws IOException {
        TusClient client = new TusClient() {
            @Override
            public void prepareConnection(HttpURLConnection connection) {
                super.prepareConnection(connection);
                if (connection instanceof HttpsURLConnection https) https.setSSLSocketFactory(factory);
                connection.setReadTimeout(60_000);
            }
        };
        client.setUploadCreationURL(url("/api/offload/uploads"));
        client.setConnectTimeout(10_000);
        // The gateway's upload address is fixed by recording and file, so resuming needs no stored URLs: a HEAD on
        // it says how much the store confirmed (404: start anew).
        client.enableResuming(new TusURLStore() {
            @Override
            public void set(String fingerprint, URL url) {}

            @Override
            public URL get(String fingerprint) {
                try {
                    return url("/api/offload/uploads/" + fingerprint);
                } catch (IOException e) {
                    return null;
                }
            }

            @Override
            public void remove(String fingerprint) {}
        });
        return client;
    }

    private URL url(String path) throws IOException {
        return base.resolve(path).toURL();
    }

    private HttpURLConnection open(String path, String method) throws IOException {
        HttpURLConnection c = (HttpURLConnection) url(path).openConnection();
        if (c instanceof HttpsURLConnection https) https.setSSLSocketFactory(factory());
        c.setRequestMethod(method);
        c.setConnectTimeout(10_000);
        // Completing verifies and copies the whole recording at the store: minutes for an hour of video.
        c.setReadTimeout(600_000);
        return c;
    }

    private static String error(HttpURLConnection c) {
        try (InputStream in = c.getErrorStream()) {
            if (in == null) return "";
            String text = new String(in.readNBytes(2048), java.nio.charset.StandardCharsets.UTF_8).strip();
            return text.isEmpty() ? "" : "(" + text + ")";
        } catch (IOException e) {
            return "";
        }
    }

    /** The store refused the recording for what it is (not a passing failure): retrying the same bytes will not help. */
    static final class OffloadRefused extends IOException {
        final int status;

        OffloadRefused(int status, String message) {
            super(message);
            this.status = status;
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(byte[] body) throws IOException {
        try {
            if (JsonReader.parse(body) instanceof Map<?, ?> map) return (Map<String, Object>) map;
        } catch (JsonException e) {
            throw new IOException("the store's answer is not JSON: " + e.getMessage(), e);
        }
        throw new IOException("the store's answer is not a JSON object");
    }
}
