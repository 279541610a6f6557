package org.openbwc.gateway.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openbwc.evidence.SyntheticRecording;
import org.openbwc.evidence.encryption.AgencyKeyPair;
import org.openbwc.gateway.auth.TestOperators;
import org.openbwc.gateway.fleet.CommandClient;
import org.openbwc.gateway.fleet.FleetConnection;
import org.openbwc.gateway.fleet.FleetRegistry;
import org.openbwc.gateway.offload.OffloadReceiver;
import org.openbwc.store.DatabaseConfig;
import org.openbwc.store.EvidenceDatabase;
import org.openbwc.store.objects.FileEvidenceObjects;

/**
 * The recordings API over HTTP, on a recording offloaded the way a unit sends one: search by unit, window and place,
 * the detail, media by ranges, the custody log growing with each view and export, the export ZIP, and the roles:
 * viewers search and play, supervisors categorize and export, admins hold.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EvidenceRoutesTest {
    static final String UNIT = SyntheticRecording.UNIT;

    @TempDir
    Path dataDir;

    EvidenceDatabase db;
    TestWeb http;
    String base;
    SyntheticRecording rec;
    KeyPair key;
    OffloadReceiver receiver;

    @BeforeEach
    void start() throws Exception {
        FleetConnection connection = mock(FleetConnection.class);
        when(connection.connected()).thenReturn(true);
        when(connection.url()).thenReturn("tcp://127.0.0.1:1883");
        when(connection.clientId()).thenReturn("gw-1");
        db = EvidenceDatabase.open(DatabaseConfig.embedded(dataDir));
        FileEvidenceObjects objects = new FileEvidenceObjects(dataDir.resolve("evidence"));
        http = TestWeb.start(
                WebServer.Listeners.plain("127.0.0.1", 0),
                TestOperators.authenticator(dataDir, Clock.systemUTC()),
                new FleetRegistry(),
                connection,
                mock(CommandClient.class),
                dataDir,
                "gw-1",
                new TestWeb.Evidence(db.catalog(), objects));
        base = "http://127.0.0.1:" + http.port();

        key = SyntheticRecording.newKey();
        rec = SyntheticRecording.make("unit-7-rec", key, 2, 30);
        receiver = new OffloadReceiver(
                dataDir.resolve("offload"),
                objects,
                db.catalog(),
                u -> Optional.of(key.getPublic()),
                Clock.systemUTC());
        offload(rec);
    }

    /** Offloads a recording as a unit does: each file over the receiver, then complete. */
    void offload(SyntheticRecording r) throws Exception {
        List<Map.Entry<String, byte[]>> files = new ArrayList<>();
        files.add(Map.entry("manifest.json", r.manifest));
        files.add(Map.entry("journal.jsonl", r.journal));
        files.addAll(r.segments.entrySet());
        for (var f : files) {
            receiver.create(UNIT, r.id, f.getKey(), f.getValue().length, null);
            receiver.append(UNIT, r.id, f.getKey(), 0, new ByteArrayInputStream(f.getValue()), null);
        }
        receiver.complete(UNIT, r.id, "10.0.0.7");
    }

    @Test
    void aRecordingEncryptedToAKeyThisGatewayLacksIsStoredAndVerifiedButNotPlayedAndExportedAsStored()
            throws Exception {
        SyntheticRecording sealed = SyntheticRecording.makeEncrypted(
                "unit-7-sealed", key, AgencyKeyPair.generate().publicKey(), 1, 10);
        offload(sealed);
        ApiClient viewer = ApiClient.signedIn(base, TestOperators.VIEWER);
        JsonNode r = viewer.get("/api/recordings/" + sealed.id).json();
        assertThat(r.path("verified").asBoolean()).isTrue();
        assertThat(r.path("playable").asBoolean()).isFalse();
        assertThat(r.path("encryptedTo").asText()).startsWith("x25519:");
        assertThat(r.path("notPlayable").asText()).contains("has no private key for it");

        ApiClient.Reply media = viewer.get("/api/recordings/" + sealed.id + "/media");
        assertThat(media.status()).isEqualTo(409);
        assertThat(media.body())
                .contains("encrypted to agency key " + r.path("encryptedTo").asText());

        ApiClient supervisor = ApiClient.signedIn(base, TestOperators.SUPERVISOR);
        HttpResponse<byte[]> zip = supervisor.bytes("POST", "/api/recordings/" + sealed.id + "/export");
        assertThat(zip.statusCode()).isEqualTo(200);
        List<String> names = new ArrayList<>();
        String report = null;
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip.body()))) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                names.add(e.getName());
                if (e.getName().endsWith(EvidenceRoutes.EXPORT_REPORT))
                    report = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            }
        }
        assertThat(names).contains(sealed.id + "/seg-000001.mp4").noneMatch(n -> n.contains("/decrypted/"));
        assertThat(report).contains("this gateway holds no private key", "--agency-key");
    }

    @AfterEach
    void stop() {
        http.close();
        db.close();
    }

    static final String WINDOW = "&from=2025-03-01T00:00:00Z&to=2025-03-02T00:00:00Z";

    @Test
    void aViewerFindsTheRecordingByUnitAndPlaceAndPlaysItByRanges() throws Exception {
        ApiClient viewer = ApiClient.signedIn(base, TestOperators.VIEWER);

        JsonNode list = viewer.get("/api/recordings?unit=" + UNIT + WINDOW).json();
        assertThat(list).hasSize(1);
        JsonNode r = list.get(0);
        assertThat(r.path("id").asText()).isEqualTo(rec.id);
        assertThat(r.path("state").asText()).isEqualTo("stored");
        assertThat(r.path("verified").asBoolean()).isTrue();
        assertThat(r.path("officerId").asText()).isEqualTo("officer-42");
        assertThat(r.path("hold").asBoolean()).isFalse();
        // The track point is at 52.52, 13.40: found within 500 m, not from 100 km away, not outside the window.
        assertThat(viewer.get("/api/recordings?near=52.5201,13.4001,500" + WINDOW)
                        .json())
                .hasSize(1);
        assertThat(viewer.get("/api/recordings?near=53.42,13.40,500" + WINDOW).json())
                .isEmpty();
        assertThat(viewer.get("/api/recordings?near=52.52,13.40,500&from=2025-04-01T00:00:00Z&to=2025-04-02T00:00:00Z")
                        .json())
                .isEmpty();
        assertThat(viewer.get("/api/recordings?near=91,0,5").status()).isEqualTo(400);
        assertThat(viewer.get("/api/recordings?from=yesterday").status()).isEqualTo(400);

        JsonNode detail = viewer.get("/api/recordings/" + rec.id).json();
        assertThat(detail.path("segments")).hasSize(2);
        assertThat(detail.path("markers").get(0).path("label").asText()).isEqualTo("door opened");
        assertThat(detail.path("track")).hasSize(1);

        byte[] seg = rec.segments.get("seg-000001.mp4");
        HttpResponse<byte[]> head = viewer.bytes("GET", "/api/recordings/" + rec.id + "/media", "Range", "bytes=0-99");
        assertThat(head.statusCode()).isEqualTo(206);
        assertThat(head.headers().firstValue("Content-Range")).contains("bytes 0-99/" + seg.length);
        assertThat(head.body()).isEqualTo(Arrays.copyOfRange(seg, 0, 100));
        HttpResponse<byte[]> tail = viewer.bytes(
                "GET", "/api/recordings/" + rec.id + "/media?segment=seg-000002.mp4", "Range", "bytes=-10");
        byte[] seg2 = rec.segments.get("seg-000002.mp4");
        assertThat(tail.body()).isEqualTo(Arrays.copyOfRange(seg2, seg2.length - 10, seg2.length));
        assertThat(viewer.bytes("GET", "/api/recordings/" + rec.id + "/media", "Range", "bytes=999999-")
                        .statusCode())
                .isEqualTo(416);
        assertThat(viewer.bytes("GET", "/api/recordings/" + rec.id + "/media?segment=../x")
                        .statusCode())
                .isEqualTo(404);
        // Many ranges, one "viewed" entry per operator and recording.
        viewer.bytes("GET", "/api/recordings/" + rec.id + "/media");

        JsonNode custody = viewer.get("/api/recordings/" + rec.id + "/custody").json();
        assertThat(custody.path("intact").asBoolean()).isTrue();
        List<String> actions = new ArrayList<>();
        custody.path("entries").forEach(e -> actions.add(e.path("action").asText()));
        assertThat(actions).containsExactly("reported", "upload-started", "offloaded", "verified", "viewed");
        assertThat(custody.path("entries").get(4).path("actor").asText()).isEqualTo(TestOperators.VIEWER);

        // A viewer may not export, categorize or hold.
        assertThat(viewer.bytes("POST", "/api/recordings/" + rec.id + "/export").statusCode())
                .isEqualTo(403);
        assertThat(viewer.request("PUT", "/api/recordings/" + rec.id + "/category", "{\"category\":\"arrest\"}")
                        .status())
                .isEqualTo(403);
        assertThat(viewer.get("/api/recordings/nope").status()).isEqualTo(404);
    }

    @Test
    void aSupervisorCategorizesAndExportsAnAdminHoldsAndEachLandsInCustody() throws Exception {
        ApiClient supervisor = ApiClient.signedIn(base, TestOperators.SUPERVISOR);
        ApiClient admin = ApiClient.signedIn(base, TestOperators.ADMIN);

        assertThat(supervisor
                        .request("PUT", "/api/recordings/" + rec.id + "/category", "{\"category\":\"arrest\"}")
                        .json()
                        .path("category")
                        .asText())
                .isEqualTo("arrest");
        ApiClient.Reply bogus =
                supervisor.request("PUT", "/api/recordings/" + rec.id + "/category", "{\"category\":\"bogus\"}");
        assertThat(bogus.status()).isEqualTo(400);
        assertThat(bogus.body()).contains("not a category of the retention policy");
        assertThat(supervisor.get("/api/recordings?category=arrest" + WINDOW).json())
                .hasSize(1);

        assertThat(supervisor
                        .request("POST", "/api/recordings/" + rec.id + "/hold", "{\"reason\":\"case 1\"}")
                        .status())
                .isEqualTo(403);
        assertThat(admin.request("POST", "/api/recordings/" + rec.id + "/hold", "{}")
                        .status())
                .isEqualTo(400);
        assertThat(admin.request("POST", "/api/recordings/" + rec.id + "/hold", "{\"reason\":\"case 1\"}")
                        .json()
                        .path("hold")
                        .asBoolean())
                .isTrue();

        HttpResponse<byte[]> zip = supervisor.bytes("POST", "/api/recordings/" + rec.id + "/export");
        assertThat(zip.statusCode()).isEqualTo(200);
        assertThat(zip.headers().firstValue("Content-Type")).contains("application/zip");
        List<String> names = new ArrayList<>();
        byte[] custodyJson = null;
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip.body()))) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                names.add(e.getName());
                byte[] bytes = in.readAllBytes();
                if (e.getName().endsWith("/custody.json")) custodyJson = bytes;
                if (e.getName().endsWith("/seg-000001.mp4")) {
                    assertThat(bytes).isEqualTo(rec.segments.get("seg-000001.mp4"));
                }
            }
        }
        String dir = rec.id + "/";
        assertThat(names)
                .containsExactlyInAnyOrder(
                        dir + "journal.jsonl",
                        dir + "manifest.json",
                        dir + "seg-000001.mp4",
                        dir + "seg-000002.mp4",
                        dir + "custody.json",
                        dir + "verification.txt");
        JsonNode exported = ApiClient.parse(new String(custodyJson, java.nio.charset.StandardCharsets.UTF_8));
        assertThat(exported.path("intact").asBoolean()).isTrue();
        List<String> actions = new ArrayList<>();
        exported.path("entries").forEach(e -> actions.add(e.path("action").asText()));
        assertThat(actions).endsWith("category-changed", "hold-set", "exported");

        JsonNode audit = admin.get("/api/audit").json();
        assertThat(audit.toString()).contains("recording.export", "recording.category", "recording.hold");
    }
}
