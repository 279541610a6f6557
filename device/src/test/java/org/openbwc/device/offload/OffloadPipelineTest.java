package org.openbwc.device.offload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openbwc.config.OffloadConfig;
import org.openbwc.config.OffloadWhen;
import org.openbwc.evidence.SyntheticRecording;
import org.openbwc.hal.StorageReading;
import org.openbwc.json.JsonWriter;
import org.openbwc.pki.AgencyCa;
import org.openbwc.pki.IssuedKey;
import org.openbwc.pki.Pem;
import org.openbwc.pki.TlsContexts;

/**
 * The unit sends the next recording while the store verifies the one before, and the store's answer about that one
 * still counts: kept as a receipt, set aside when refused, asked again when it did not come. The store here is a
 * stand-in speaking the gateway's offload protocol (tus parts, receipt, complete) whose complete waits as told.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class OffloadPipelineTest {
    @TempDir
    Path dir;

    HttpsServer server;
    ExecutorService serverThreads;
    Path ca;
    /** Bytes the stand-in holds, by "recording/file". */
    final Map<String, Long> offsets = new ConcurrentHashMap<>();
    /** Chain heads of the recordings it stored. */
    final Map<String, String> stored = new ConcurrentHashMap<>();

    final Map<String, String> chainHeads = new HashMap<>();
    final List<String> events = new CopyOnWriteArrayList<>();
    /** What complete answers, by recording: absent is 200 with the receipt. */
    final Map<String, Integer> completeStatus = new ConcurrentHashMap<>();
    /** Recordings whose complete waits for a part of another recording before it answers. */
    final Set<String> completeWaitsForAnother = ConcurrentHashMap.newKeySet();

    final AtomicBoolean anotherArrivedWhileWaiting = new AtomicBoolean();
    volatile CountDownLatch anotherPart = new CountDownLatch(1);
    volatile String waitingFor;

    @BeforeEach
    void start() throws IOException {
        AgencyCa agency = AgencyCa.create(dir.resolve("pki"), "Test Police", Clock.systemUTC());
        IssuedKey serverKey = agency.issueServer(List.of("127.0.0.1"), Duration.ofDays(1));
        Path key = dir.resolve("server.key");
        Path crt = dir.resolve("server.crt");
        Pem.writePrivateKey(key, serverKey.key());
        Pem.writeCertificates(crt, serverKey.certificate(), agency.certificate());
        ca = dir.resolve("pki").resolve(AgencyCa.CERTIFICATE_FILE);
        server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(TlsContexts.mutual(key, crt, ca)));
        serverThreads = Executors.newCachedThreadPool();
        server.setExecutor(serverThreads);
        server.createContext("/api/offload/uploads", this::upload);
        server.createContext("/api/offload/recordings/", this::recording);
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
        serverThreads.shutdownNow();
    }

    @Test
    void theNextRecordingIsSentWhileTheStoreVerifiesTheOneBefore() throws Exception {
        List<String> ids = write("rec-a", "rec-b", "rec-c");
        completeWaitsForAnother.add("rec-a");

        try (UnitOffload offload = offload()) {
            offload.start();
            awaitReceipt("rec-c", "all three stored");
        }

        assertThat(anotherArrivedWhileWaiting)
                .as("a part of rec-b arrived before rec-a's complete answered")
                .isTrue();
        for (String id : ids) assertThat(receipts().has(id)).as(id).isTrue();
        // rec-b's complete is asked only after rec-a's answer was kept: one verification waited for at a time.
        assertThat(events.indexOf("answered rec-a")).isLessThan(events.indexOf("complete rec-b"));
    }

    @Test
    void aRecordingRefusedAtCompleteIsSetAsideAndTheNextStillGoes() throws Exception {
        write("rec-a", "rec-b");
        completeStatus.put("rec-a", 422);

        try (UnitOffload offload = offload()) {
            offload.start();
            awaitReceipt("rec-b", "rec-b stored");
        }

        assertThat(receipts().has("rec-a")).isFalse();
        assertThat(dir.resolve("offload/refused/rec-a")).content().contains("HTTP 422");
        assertThat(dir.resolve("offload/refused/rec-b")).doesNotExist();
    }

    @Test
    void anAnswerThatDidNotComeIsAskedForAgainAndNothingIsLost() throws Exception {
        write("rec-a", "rec-b");
        completeStatus.put("rec-a", 503); // once: the store could not take it then

        try (UnitOffload offload = offload()) {
            offload.start();
            awaitReceipt("rec-b", "rec-b stored");
            assertThat(receipts().has("rec-a")).isFalse();
            awaitReceipt("rec-a", "rec-a stored on a later round");
        }
        assertThat(dir.resolve("offload/refused/rec-a")).doesNotExist();
    }

    private List<String> write(String... ids) throws IOException {
        KeyPair key = SyntheticRecording.newKey();
        for (String id : ids) {
            SyntheticRecording rec = SyntheticRecording.make(id, key, 2, 5);
            rec.writeTo(dir.resolve("evidence"));
            chainHeads.put(id, rec.sealed.chainHead());
        }
        return List.of(ids);
    }

    private UnitOffload offload() throws IOException {
        return new UnitOffload(
                SyntheticRecording.UNIT,
                OffloadConfig.defaults().withWhen(OffloadWhen.ANY_LINK),
                URI.create("https://127.0.0.1:" + server.getAddress().getPort()),
                () -> TlsContexts.trusting(ca),
                dir.resolve("evidence"),
                dir.resolve("offload"),
                () -> true,
                () -> new StorageReading(90, 100),
                10);
    }

    /** Waits up to a minute until the unit holds the store's receipt for {@code id}. */
    private void awaitReceipt(String id, String why) {
        await(why).atMost(Duration.ofSeconds(60)).until(() -> receipts().has(id));
    }

    private OffloadReceipts receipts() throws IOException {
        return new OffloadReceipts(dir.resolve("offload").resolve("receipts"));
    }

    /** tus: creation (POST), offset (HEAD), a part (POST overridden to PATCH). */
    private void upload(HttpExchange ex) throws IOException {
        try (ex) {
            ex.getResponseHeaders().add("Tus-Resumable", "1.0.0");
            String path = ex.getRequestURI().getPath();
            String method = ex.getRequestMethod();
            String override = ex.getRequestHeaders().getFirst("X-HTTP-Method-Override");
            if (method.equals("POST") && override == null) {
                Map<String, String> meta = new HashMap<>();
                for (String pair :
                        ex.getRequestHeaders().getFirst("Upload-Metadata").split(",")) {
                    String[] kv = pair.trim().split(" ", 2);
                    meta.put(kv[0], new String(Base64.getDecoder().decode(kv[1]), StandardCharsets.UTF_8));
                }
                String name = meta.get("recording") + "/" + meta.get("file");
                offsets.putIfAbsent(name, 0L);
                ex.getResponseHeaders().add("Location", "/api/offload/uploads/" + name);
                ex.getResponseHeaders().add("Upload-Offset", Long.toString(offsets.get(name)));
                ex.sendResponseHeaders(201, -1);
                return;
            }
            String name = path.substring("/api/offload/uploads/".length());
            Long offset = offsets.get(name);
            if (offset == null) {
                ex.sendResponseHeaders(404, -1);
                return;
            }
            if (method.equals("HEAD")) {
                ex.getResponseHeaders().add("Upload-Offset", Long.toString(offset));
                ex.sendResponseHeaders(200, -1);
                return;
            }
            long at = Long.parseLong(ex.getRequestHeaders().getFirst("Upload-Offset"));
            long n = ex.getRequestBody().readAllBytes().length;
            if (at != offset) {
                ex.sendResponseHeaders(409, -1);
                return;
            }
            offsets.put(name, offset + n);
            String recording = name.substring(0, name.indexOf('/'));
            if (waitingFor != null && !recording.equals(waitingFor)) anotherPart.countDown();
            ex.getResponseHeaders().add("Upload-Offset", Long.toString(offset + n));
            ex.sendResponseHeaders(204, -1);
        }
    }

    /** The receipt (GET) and complete (POST). */
    private void recording(HttpExchange ex) throws IOException {
        try (ex) {
            String rest = ex.getRequestURI().getPath().substring("/api/offload/recordings/".length());
            if (ex.getRequestMethod().equals("GET")) {
                if (stored.containsKey(rest)) reply(ex, 200, receipt(rest));
                else ex.sendResponseHeaders(404, -1);
                return;
            }
            String id = rest.substring(0, rest.indexOf('/'));
            events.add("complete " + id);
            if (completeWaitsForAnother.remove(id)) {
                waitingFor = id;
                boolean arrived = within20s(anotherPart);
                waitingFor = null;
                anotherArrivedWhileWaiting.set(arrived);
            }
            Integer status = completeStatus.remove(id);
            if (status != null) {
                reply(ex, status, "{\"error\":\"told to answer " + status + "\"}");
                return;
            }
            stored.put(id, chainHeads.get(id));
            events.add("answered " + id);
            reply(ex, 200, receipt(id));
        }
    }

    private static boolean within20s(CountDownLatch latch) {
        try {
            return latch.await(20, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private String receipt(String id) {
        return JsonWriter.compactString(Map.of(
                "recordingId",
                id,
                "unitId",
                SyntheticRecording.UNIT,
                "state",
                "stored",
                "verified",
                true,
                "chainHead",
                stored.get(id)));
    }

    private static void reply(HttpExchange ex, int status, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(status, body.length);
        ex.getResponseBody().write(body);
    }
}
