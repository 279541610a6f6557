package org.openbwc.store.objects;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** The contract on an S3-compatible server (S3Proxy over a folder), and what only S3 has: credentials, buckets, keys. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class S3EvidenceObjectsTest extends EvidenceObjectsContract {
    private static final AtomicInteger BUCKETS = new AtomicInteger();

    // One server for the class (it takes a second to start); each test gets a bucket of its own.
    @TempDir
    static Path serverDir;

    static S3ProxyServer server;

    String bucket;
    Path[] keyFiles;

    @BeforeAll
    static void startServer() throws Exception {
        server = S3ProxyServer.start(serverDir.resolve("s3proxy"));
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (server != null) server.close();
    }

    @Override
    EvidenceObjects openStore(Path tempDir) throws Exception {
        bucket = "evidence-test-" + BUCKETS.incrementAndGet();
        server.createBucket(bucket);
        keyFiles = server.writeKeyFiles(tempDir);
        return EvidenceObjectStores.open(ObjectStoreSettings.s3(settings(bucket, "agency/", keyFiles[1], 0)));
    }

    S3Settings settings(String bucket, String prefix, Path secretKeyFile, int objectLockDays) {
        return new S3Settings(server.endpoint(), null, bucket, prefix, keyFiles[0], secretKeyFile, objectLockDays);
    }

    @Test
    void keysAreThePrefixUnitRecordingAndFile() throws Exception {
        objects.put("unit-1", "rec-1", recording);

        // The filesystem backend keeps each object as a file named by its key under the bucket's folder.
        assertThat(server.bucketFolder(bucket).resolve("agency/unit-1/rec-1/seg-000001.mp4"))
                .hasBinaryContent(segment);
        assertThat(objects.describe()).isEqualTo("s3://" + bucket + "/agency/ at " + server.endpoint());
    }

    @Test
    void aStoredObjectWithoutItsHashIsNotTakenForTheSameFile() throws Exception {
        // Put by something else than this class: no x-amz-meta-sha256, so identity cannot be shown; refused.
        Path foreign = Files.createDirectories(server.bucketFolder(bucket).resolve("agency/unit-1/rec-1"));
        Files.writeString(foreign.resolve("manifest.json"), "{\"recording\":\"rec-1\"}");

        assertThatThrownBy(() -> objects.put("unit-1", "rec-1", recording))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("manifest.json")
                .hasMessageContaining("SHA-256 not recorded")
                .hasMessageContaining("refusing to overwrite");
    }

    @Test
    void theServerChecksTheDigestsSentWithEachPutAndRefusesASecondPutOfAKey() throws Exception {
        // What put relies on, shown on this server: it verifies Content-MD5 and x-amz-checksum-sha256, and honours
        // If-None-Match: *, so that changed bytes or a racing second writer are refused rather than stored.
        objects.put("unit-1", "rec-1", recording);
        String key = "agency/unit-1/rec-1/manifest.json";
        byte[] body = "{\"recording\":\"rec-2\"}".getBytes(StandardCharsets.UTF_8);
        String otherSha256 = Base64.getEncoder()
                .encodeToString(MessageDigest.getInstance("SHA-256").digest("other".getBytes(StandardCharsets.UTF_8)));
        String otherMd5 = Base64.getEncoder()
                .encodeToString(MessageDigest.getInstance("MD5").digest("other".getBytes(StandardCharsets.UTF_8)));
        try (S3Client raw = S3EvidenceObjects.client(
                settings(bucket, "", keyFiles[1], 0), server.accessKey(), server.secretKey())) {
            assertThatThrownBy(() -> raw.putObject(
                            b -> b.bucket(bucket).key("agency/x/sha").checksumSHA256(otherSha256),
                            RequestBody.fromBytes(body)))
                    .isInstanceOfSatisfying(
                            S3Exception.class, e -> assertThat(e.statusCode()).isEqualTo(400));
            assertThatThrownBy(() -> raw.putObject(
                            b -> b.bucket(bucket).key("agency/x/md5").contentMD5(otherMd5),
                            RequestBody.fromBytes(body)))
                    .isInstanceOfSatisfying(
                            S3Exception.class, e -> assertThat(e.statusCode()).isEqualTo(400));
            assertThatThrownBy(() ->
                            raw.putObject(b -> b.bucket(bucket).key(key).ifNoneMatch("*"), RequestBody.fromBytes(body)))
                    .isInstanceOfSatisfying(
                            S3Exception.class, e -> assertThat(e.statusCode()).isEqualTo(412));
            HeadObjectResponse head = raw.headObject(b -> b.bucket(bucket).key(key));
            assertThat(head.metadata())
                    .containsEntry("sha256", FileEvidenceObjects.sha256(recording.resolve("manifest.json")));
        }
        assertThat(objects.list("unit-1", "rec-1")).hasSize(5);
    }

    @Test
    void withObjectLockDaysEachPutAsksForComplianceRetentionThatLong() throws Exception {
        // S3Proxy has no object lock: this shows the request as it leaves, not a store keeping to it.
        List<SdkHttpRequest> puts = new CopyOnWriteArrayList<>();
        ExecutionInterceptor watch = new ExecutionInterceptor() {
            @Override
            public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
                if (context.httpRequest().method() == SdkHttpMethod.PUT) puts.add(context.httpRequest());
            }
        };
        S3Settings locked = settings(bucket, "", keyFiles[1], 30);
        Instant before = Instant.now();
        try (S3Client client = S3EvidenceObjects.client(locked, server.accessKey(), server.secretKey(), watch);
                S3EvidenceObjects lockedObjects = S3EvidenceObjects.over(locked, client)) {
            // S3Proxy implements no object lock, and says so rather than storing the object unlocked.
            assertThatThrownBy(() -> lockedObjects.put("unit-1", "rec-1", recording))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("does not implement object lock")
                    .hasMessageContaining("HTTP 501 NotImplemented");
        }
        assertThat(puts).isNotEmpty();
        SdkHttpRequest put = puts.get(0);
        assertThat(put.firstMatchingHeader("x-amz-object-lock-mode")).hasValue("COMPLIANCE");
        Instant retainUntil = Instant.parse(
                put.firstMatchingHeader("x-amz-object-lock-retain-until-date").orElseThrow());
        assertThat(retainUntil)
                .isBetween(
                        before.plus(Duration.ofDays(30)).minusSeconds(1),
                        Instant.now().plus(Duration.ofDays(30)));
        assertThat(put.firstMatchingHeader("Content-MD5")).isPresent();
        assertThat(put.firstMatchingHeader("x-amz-checksum-sha256")).isPresent();
        assertThat(put.firstMatchingHeader("If-None-Match")).hasValue("*");
        assertThat(put.firstMatchingHeader("x-amz-meta-sha256")).isPresent();
    }

    @Test
    void aWrongSecretKeyStopsTheOpenNamingEndpointBucketAndKeyFiles() throws Exception {
        Path wrong = Files.writeString(tempDir.resolve("wrong-secret"), "not-the-secret\n");

        assertThatThrownBy(() -> S3EvidenceObjects.open(settings(bucket, "", wrong, 0)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(server.endpoint().toString())
                .hasMessageContaining("refused the credentials")
                .hasMessageContaining(bucket)
                .hasMessageContaining(wrong.toString())
                .hasMessageContaining(keyFiles[0].toString());
    }

    @Test
    void aMissingBucketStopsTheOpenNamingEndpointAndBucket() {
        assertThatThrownBy(() -> S3EvidenceObjects.open(settings("no-such-bucket", "", keyFiles[1], 0)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("bucket 'no-such-bucket' does not exist at " + server.endpoint());
    }

    @Test
    void aMissingOrEmptyKeyFileStopsTheOpenNamingIt() throws Exception {
        Path missing = tempDir.resolve("no-such-file");
        assertThatThrownBy(() -> S3EvidenceObjects.open(settings(bucket, "", missing, 0)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("evidence.s3.secretKeyFile " + missing + " does not exist");
        Path empty = Files.writeString(tempDir.resolve("empty"), " \n");
        assertThatThrownBy(() -> S3EvidenceObjects.open(settings(bucket, "", empty, 0)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("evidence.s3.secretKeyFile " + empty + " is empty");
    }

    @Test
    void anUnreachableEndpointStopsTheOpenNamingIt() throws Exception {
        java.net.URI closed;
        try (java.net.ServerSocket socket =
                new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closed = java.net.URI.create("http://127.0.0.1:" + socket.getLocalPort());
        }
        S3Settings s = new S3Settings(closed, null, bucket, "", keyFiles[0], keyFiles[1], 0);

        assertThatThrownBy(() -> S3EvidenceObjects.open(s))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(bucket)
                .hasMessageContaining(closed.toString());
    }

    @Test
    void objectLockOnABucketWithoutItStopsTheOpen() {
        // S3Proxy's filesystem backend has no object lock: what can be shown here is the clear refusal at start.
        assertThatThrownBy(() -> S3EvidenceObjects.open(settings(bucket, "", keyFiles[1], 30)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("evidence.s3.objectLockDays is 30")
                .hasMessageContaining(bucket)
                .hasMessageContaining(server.endpoint().toString())
                .hasMessageContaining("object lock");
    }
}
