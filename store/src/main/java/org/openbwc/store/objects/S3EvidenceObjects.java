package org.openbwc.store.objects;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.exception.SdkServiceException;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.DeleteObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectLockConfigurationResponse;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectVersionsResponse;
import software.amazon.awssdk.services.s3.model.ObjectLockEnabled;
import software.amazon.awssdk.services.s3.model.ObjectLockMode;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Recordings in an S3-compatible bucket (MinIO, Ceph RGW, AWS S3), one object per file under {@code
 * <prefix><unit>/<recording>/<file>}, addressed path-style. Each file is put only if no object has its key ({@code
 * If-None-Match: *}), with Content-MD5 and {@code x-amz-checksum-sha256} so that the store refuses bytes that changed
 * on the way, and with its SHA-256 in user metadata ({@code x-amz-meta-sha256}) so that a second put of the same file
 * is recognised without reading the object back. With {@code objectLockDays > 0} every object is put under COMPLIANCE
 * retention, which not even the bucket's owner can shorten; {@link #delete} removes every version, so that retention
 * leaves no media behind a delete marker.
 */
public final class S3EvidenceObjects implements EvidenceObjects {
    private static final Logger LOG = LoggerFactory.getLogger(S3EvidenceObjects.class);

    /** S3's largest single PUT; a larger file would need a multipart upload, which evidence segments never need. */
    static final long MAX_OBJECT_BYTES = 5L * 1024 * 1024 * 1024;

    static final String SHA256_METADATA = "sha256";

    private final S3Settings settings;
    private final S3Client s3;

    private S3EvidenceObjects(S3Settings settings, S3Client s3) {
        this.settings = settings;
        this.s3 = s3;
    }

    /**
     * Reads the credentials, connects and checks the bucket (HEAD bucket; with object lock days, that the bucket has
     * object lock enabled), so that a wrong key or a missing bucket stops the gateway at start, not at the first
     * offload.
     *
     * @throws IOException naming the endpoint and bucket and what is wrong
     */
    public static S3EvidenceObjects open(S3Settings settings) throws IOException {
        String accessKey = readKey(settings.accessKeyFile(), "evidence.s3.accessKeyFile");
        String secretKey = readKey(settings.secretKeyFile(), "evidence.s3.secretKeyFile");
        S3Client client = client(settings, accessKey, secretKey);
        S3EvidenceObjects objects = new S3EvidenceObjects(settings, client);
        try {
            objects.checkBucket();
        } catch (IOException | RuntimeException e) {
            client.close();
            throw e;
        }
        LOG.info(
                "Evidence objects in {}{}",
                settings.describe(),
                settings.objectLockDays() > 0
                        ? ", object lock COMPLIANCE " + settings.objectLockDays() + " days"
                        : ", no object lock");
        return objects;
    }

    /** The SDK client as this class uses it: path-style, signed with the given keys, over the JDK's HTTP client. */
    static S3Client client(
            S3Settings settings, String accessKey, String secretKey, ExecutionInterceptor... interceptors) {
        return S3Client.builder()
                .endpointOverride(settings.endpoint())
                .region(Region.of(settings.region()))
                .forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey)))
                // Checksums only where the API requires them: the SDK's default (a CRC32 trailer in aws-chunked
                // bodies) is refused by some S3-compatible stores; this class sends its own Content-MD5 and SHA-256.
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .httpClient(UrlConnectionHttpClient.builder()
                        .connectionTimeout(Duration.ofSeconds(10))
                        .socketTimeout(Duration.ofSeconds(60))
                        .build())
                .overrideConfiguration(c -> List.of(interceptors).forEach(c::addExecutionInterceptor))
                .build();
    }

    /** Over a client of the caller's, without the checks at open: for tests that watch the requests. */
    static S3EvidenceObjects over(S3Settings settings, S3Client client) {
        return new S3EvidenceObjects(settings, client);
    }

    private void checkBucket() throws IOException {
        try {
            s3.headBucket(b -> b.bucket(settings.bucket()));
        } catch (SdkServiceException e) {
            throw switch (e.statusCode()) {
                case 404 ->
                    new IOException("bucket '" + settings.bucket() + "' does not exist at "
                            + settings.endpoint()
                            + ": create it (with object lock, if evidence.s3.objectLockDays is set)"
                            + " or correct evidence.s3.bucket");
                case 403, 401 ->
                    new IOException(settings.endpoint() + " refused the credentials for bucket '"
                            + settings.bucket() + "' (HTTP " + e.statusCode() + "): check the access key in "
                            + settings.accessKeyFile() + " and the secret key in " + settings.secretKeyFile()
                            + ", and that this key may use the bucket");
                case 301 ->
                    new IOException("bucket '" + settings.bucket() + "' at " + settings.endpoint()
                            + " is in another region than " + settings.region() + ": set evidence.s3.region to it");
                default -> failure("check bucket", e);
            };
        } catch (SdkException e) {
            throw failure("reach bucket", e);
        }
        if (settings.objectLockDays() > 0) checkObjectLock();
    }

    private void checkObjectLock() throws IOException {
        Optional<ObjectLockEnabled> enabled;
        try {
            GetObjectLockConfigurationResponse lock = s3.getObjectLockConfiguration(b -> b.bucket(settings.bucket()));
            enabled = Optional.ofNullable(lock.objectLockConfiguration()).map(c -> c.objectLockEnabled());
        } catch (SdkServiceException e) {
            throw new IOException(
                    "evidence.s3.objectLockDays is " + settings.objectLockDays() + " but bucket '" + settings.bucket()
                            + "' at " + settings.endpoint() + " has no object lock (" + e.statusCode() + " "
                            + errorCode(e) + "): create the bucket with object lock enabled, or set"
                            + " evidence.s3.objectLockDays: 0",
                    e);
        } catch (SdkException e) {
            throw failure("read the object lock configuration of", e);
        }
        if (enabled.orElse(null) != ObjectLockEnabled.ENABLED) {
            throw new IOException("evidence.s3.objectLockDays is " + settings.objectLockDays() + " but bucket '"
                    + settings.bucket() + "' at " + settings.endpoint() + " does not have object lock enabled:"
                    + " create the bucket with object lock enabled, or set evidence.s3.objectLockDays: 0");
        }
    }

    private String folderKey(String unitId, String recordingId) {
        return settings.prefix()
                + ObjectNames.check("unit id", unitId)
                + "/"
                + ObjectNames.check("recording id", recordingId)
                + "/";
    }

    private String where(String key) {
        return "s3://" + settings.bucket() + "/" + key + " at " + settings.endpoint();
    }

    @Override
    public long put(String unitId, String recordingId, Path dir) throws IOException {
        String folder = folderKey(unitId, recordingId);
        List<Path> files = regularFiles(dir);
        for (Path source : files)
            ObjectNames.check("file name", source.getFileName().toString());
        long total = 0;
        for (Path source : files) total += putFile(folder + source.getFileName(), source);
        return total;
    }

    private long putFile(String key, Path source) throws IOException {
        long size = Files.size(source);
        if (size > MAX_OBJECT_BYTES) {
            throw new IOException(
                    source + " is " + size + " bytes, more than S3's 5 GiB for one object; nothing of it" + " stored");
        }
        Digests digests = Digests.of(source);
        Optional<HeadObjectResponse> existing = head(key);
        if (existing.isPresent()) return sameOrRefuse(key, existing.get(), digests);
        PutObjectRequest.Builder request = PutObjectRequest.builder()
                .bucket(settings.bucket())
                .key(key)
                .contentLength(size)
                .contentType(contentType(key))
                .contentMD5(Base64.getEncoder().encodeToString(digests.md5()))
                .checksumSHA256(Base64.getEncoder().encodeToString(digests.sha256()))
                .metadata(Map.of(SHA256_METADATA, digests.sha256Hex()))
                // Two gateways offloading the same recording must not overwrite each other's objects.
                .ifNoneMatch("*");
        if (settings.objectLockDays() > 0) {
            request.objectLockMode(ObjectLockMode.COMPLIANCE)
                    .objectLockRetainUntilDate(Instant.now().plus(settings.objectLockDays(), ChronoUnit.DAYS));
        }
        PutObjectResponse response;
        try {
            response = s3.putObject(request.build(), RequestBody.fromFile(source));
        } catch (SdkServiceException e) {
            if (e.statusCode() == 412 || e.statusCode() == 409) {
                // Put meanwhile by someone else: fine if it is the same file.
                Optional<HeadObjectResponse> now = head(key);
                if (now.isPresent()) return sameOrRefuse(key, now.get(), digests);
            }
            if (e.statusCode() == 400 && errorCode(e).matches("BadDigest|InvalidDigest|.*ChecksumMismatch.*")) {
                throw new IOException(
                        where(key) + " received other bytes than " + source + " holds (" + errorCode(e)
                                + "); nothing stored",
                        e);
            }
            if (e.statusCode() == 501 && settings.objectLockDays() > 0) {
                throw failure("put " + source + " (the store does not implement object lock) to", key, e);
            }
            throw failure("put " + source + " to", key, e);
        } catch (SdkException e) {
            throw failure("put " + source + " to", key, e);
        }
        if (response.checksumSHA256() != null
                && !response.checksumSHA256().equals(Base64.getEncoder().encodeToString(digests.sha256()))) {
            throw new IOException(where(key) + " stored SHA-256 " + response.checksumSHA256() + " for " + source
                    + ", which has " + digests.sha256Hex() + "; check the object");
        }
        // Read back what the store now says it holds: size and the SHA-256 it keeps in metadata.
        HeadObjectResponse stored = head(key)
                .orElseThrow(() -> new IOException(where(key) + " was put but is not there; is the bucket's"
                        + " store consistent (or is a lifecycle rule deleting new objects)?"));
        return sameOrRefuse(key, stored, digests);
    }

    private long sameOrRefuse(String key, HeadObjectResponse stored, Digests digests) throws IOException {
        String storedHash = stored.metadata().get(SHA256_METADATA);
        if (!digests.sha256Hex().equals(storedHash) || stored.contentLength() != digests.bytes()) {
            throw new IOException(where(key) + " is already stored with other content (SHA-256 "
                    + (storedHash == null ? "not recorded" : storedHash) + ", " + stored.contentLength() + " bytes;"
                    + " this file " + digests.sha256Hex() + ", " + digests.bytes() + " bytes); refusing to overwrite");
        }
        return stored.contentLength();
    }

    private Optional<HeadObjectResponse> head(String key) throws IOException {
        try {
            return Optional.of(s3.headObject(b -> b.bucket(settings.bucket()).key(key)));
        } catch (SdkServiceException e) {
            if (e.statusCode() == 404) return Optional.empty();
            throw failure("read the metadata of", key, e);
        } catch (SdkException e) {
            throw failure("read the metadata of", key, e);
        }
    }

    @Override
    public List<StoredFile> list(String unitId, String recordingId) throws IOException {
        String folder = folderKey(unitId, recordingId);
        List<StoredFile> out = new ArrayList<>();
        for (S3Object object : objects(folder)) {
            String name = object.key().substring(folder.length());
            if (!name.contains("/")) out.add(new StoredFile(name, object.size()));
        }
        out.sort(Comparator.comparing(StoredFile::name));
        return out;
    }

    private List<S3Object> objects(String folder) throws IOException {
        try {
            return s3.listObjectsV2Paginator(b -> b.bucket(settings.bucket()).prefix(folder)).contents().stream()
                    .toList();
        } catch (SdkException e) {
            throw failure("list", folder, e);
        }
    }

    @Override
    public InputStream open(String unitId, String recordingId, String file, long offset, long length)
            throws IOException {
        if (offset < 0 || length < 0) throw new IllegalArgumentException("negative range " + offset + "+" + length);
        String key = folderKey(unitId, recordingId) + ObjectNames.check("file name", file);
        if (length == 0) {
            if (head(key).isEmpty()) throw new NoSuchFileException(where(key));
            return InputStream.nullInputStream();
        }
        long last = offset > Long.MAX_VALUE - length ? Long.MAX_VALUE - 1 : offset + length - 1;
        ResponseInputStream<GetObjectResponse> body;
        try {
            body = s3.getObject(b -> b.bucket(settings.bucket()).key(key).range("bytes=" + offset + "-" + last));
        } catch (SdkServiceException e) {
            if (e.statusCode() == 404) throw new NoSuchFileException(where(key));
            // Range past the end of an object that exists: nothing there, as with a file.
            if (e.statusCode() == 416) return InputStream.nullInputStream();
            throw failure("read", key, e);
        } catch (SdkException e) {
            throw failure("read", key, e);
        }
        if (body.response().contentRange() == null && offset > 0) {
            // The store ignored the Range header and sends the whole object.
            try {
                body.skipNBytes(offset);
            } catch (java.io.EOFException e) {
                body.close();
                return InputStream.nullInputStream();
            }
        }
        return new BoundedInputStream(body, length);
    }

    @Override
    public boolean delete(String unitId, String recordingId) throws IOException {
        String folder = folderKey(unitId, recordingId);
        // Every version, not only the current objects: on a versioned bucket (any bucket with object lock) deleting by
        // key alone would add delete markers and keep the media, and retention must remove it.
        List<String[]> versions = versions(folder);
        for (String[] keyAndVersion : versions) {
            try {
                s3.deleteObject(DeleteObjectRequest.builder()
                        .bucket(settings.bucket())
                        .key(keyAndVersion[0])
                        .versionId(keyAndVersion[1])
                        .build());
            } catch (SdkServiceException e) {
                throw failure(
                        e.statusCode() == 403
                                ? "delete (refused: retention not yet over, or no delete permission)"
                                : "delete",
                        keyAndVersion[0],
                        e);
            } catch (SdkException e) {
                throw failure("delete", keyAndVersion[0], e);
            }
        }
        if (!versions.isEmpty()) LOG.info("Deleted {} object versions under {}", versions.size(), where(folder));
        return !versions.isEmpty();
    }

    /**
     * Key and version id of every object version and delete marker under {@code folder}; on a store without versioning
     * (S3Proxy answers 501), the current objects with no version id, as deleting those removes them.
     */
    private List<String[]> versions(String folder) throws IOException {
        List<String[]> out = new ArrayList<>();
        try {
            for (ListObjectVersionsResponse page : s3.listObjectVersionsPaginator(
                    b -> b.bucket(settings.bucket()).prefix(folder))) {
                page.versions().forEach(v -> out.add(new String[] {v.key(), v.versionId()}));
                page.deleteMarkers().forEach(m -> out.add(new String[] {m.key(), m.versionId()}));
            }
        } catch (SdkServiceException e) {
            if (e.statusCode() != 501) throw failure("list the versions under", folder, e);
            out.clear();
            for (S3Object object : objects(folder)) out.add(new String[] {object.key(), null});
        } catch (SdkException e) {
            throw failure("list the versions under", folder, e);
        }
        return out;
    }

    @Override
    public String describe() {
        return settings.describe();
    }

    @Override
    public void close() {
        s3.close();
    }

    private IOException failure(String action, SdkException e) {
        return new IOException(
                "cannot " + action + " '" + settings.bucket() + "' at " + settings.endpoint() + ": " + reason(e), e);
    }

    private IOException failure(String action, String key, SdkException e) {
        return new IOException("cannot " + action + " " + where(key) + ": " + reason(e), e);
    }

    private static String reason(SdkException e) {
        if (e instanceof SdkServiceException service) {
            return "HTTP " + service.statusCode() + " " + errorCode(e);
        }
        Throwable cause = e;
        while (cause.getCause() != null) cause = cause.getCause();
        return e.getMessage() + (cause != e ? " (" + cause + ")" : "");
    }

    private static String errorCode(SdkException e) {
        if (e instanceof software.amazon.awssdk.awscore.exception.AwsServiceException aws
                && aws.awsErrorDetails() != null
                && aws.awsErrorDetails().errorCode() != null) {
            return aws.awsErrorDetails().errorCode();
        }
        return "";
    }

    private static String readKey(Path file, String key) throws IOException {
        String value;
        try {
            value = Files.readString(file).strip();
        } catch (NoSuchFileException e) {
            throw new IOException(key + " " + file + " does not exist: create it holding the key, readable only by"
                    + " the gateway's user");
        } catch (IOException e) {
            throw new IOException(key + " " + file + " cannot be read: " + e, e);
        }
        if (value.isEmpty()) throw new IOException(key + " " + file + " is empty: put the key in it");
        return value;
    }

    private static String contentType(String key) {
        if (key.endsWith(".mp4")) return "video/mp4";
        if (key.endsWith(".json")) return "application/json";
        if (key.endsWith(".jsonl")) return "application/x-ndjson";
        return "application/octet-stream";
    }

    private static List<Path> regularFiles(Path dir) throws IOException {
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path p : entries) if (Files.isRegularFile(p)) files.add(p);
        }
        files.sort(Comparator.naturalOrder());
        return files;
    }

    /** A file's SHA-256 and MD5 from one read, and its length as read. */
    private record Digests(byte[] sha256, byte[] md5, long bytes) {
        static Digests of(Path file) throws IOException {
            MessageDigest sha256;
            MessageDigest md5;
            try {
                sha256 = MessageDigest.getInstance("SHA-256");
                md5 = MessageDigest.getInstance("MD5");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
            long bytes = 0;
            try (InputStream in = Files.newInputStream(file)) {
                byte[] buf = new byte[1 << 16];
                for (int n; (n = in.read(buf)) > 0; ) {
                    sha256.update(buf, 0, n);
                    md5.update(buf, 0, n);
                    bytes += n;
                }
            }
            return new Digests(sha256.digest(), md5.digest(), bytes);
        }

        String sha256Hex() {
            return HexFormat.of().formatHex(sha256);
        }
    }
}
