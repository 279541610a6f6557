package org.openbwc.config;

import java.util.Map;

/** The S3-compatible bucket offloaded evidence goes to when {@code evidence.store} is s3; keys only as files. */
@RejectedKey(
        key = "accessKey",
        problem = "inline credentials are not allowed",
        allowed = "accessKeyFile/secretKeyFile pointing to a file")
@RejectedKey(
        key = "secretKey",
        problem = "inline credentials are not allowed",
        allowed = "accessKeyFile/secretKeyFile pointing to a file")
public record EvidenceS3Config(
        @Doc("Base URL of the object store, scheme, host and port only, e.g. https://minio.example.local:9000 or"
                + " https://s3.eu-north-1.amazonaws.com. Buckets are addressed path-style (MinIO, Ceph RGW and AWS S3"
                + " all accept it).")
        @NullMeans("none; required when store is s3")
        @Pattern(
                regex = "https?://[A-Za-z0-9.-]{1,253}(?::[0-9]{1,5})?/?",
                allowed = "http:// or https:// with a host and optional port, no path, e.g. https://minio.example:9000")
        String endpoint,

        @Doc("Region the requests are signed for: the bucket's region on AWS; MinIO and Ceph accept the default.")
        @DefaultValue("us-east-1")
        @Pattern(regex = "[a-z0-9-]{1,64}", allowed = "a region name such as us-east-1 or eu-north-1")
        String region,

        @Doc("Bucket that holds the evidence; it must exist (with object lock enabled when objectLockDays is set).")
        @NullMeans("none; required when store is s3")
        @Pattern(
                regex = "(?!.*\\.\\.)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]",
                allowed = "3 to 63 lower-case letters, digits, '.' and '-', starting and ending with a letter or digit")
        String bucket,

        @Doc("Put before every object key, so that several gateways or agencies can share a bucket; keys are"
                + " <prefix><unitId>/<recordingId>/<file>, and a missing trailing / is added.")
        @NullMeans("no prefix: keys start with the unit id")
        @Pattern(
                regex = "(?!.*\\.\\.)(?:[A-Za-z0-9][A-Za-z0-9._-]*/)*[A-Za-z0-9][A-Za-z0-9._-]*/?",
                allowed = "path elements of letters, digits, '.', '_', '-' separated by /, e.g. evidence/")
        String prefix,

        @Doc("File holding the access key id (surrounding whitespace is ignored), readable only by the gateway's user."
                + " Not checked at load time; the gateway reads it at start.")
        @NullMeans("none; required when store is s3")
        @TextLength(min = 1, max = 4096)
        String accessKeyFile,

        @Doc("File holding the secret key (surrounding whitespace is ignored), readable only by the gateway's user;"
                + " never the key itself.")
        @NullMeans("none; required when store is s3")
        @TextLength(min = 1, max = 4096)
        String secretKeyFile,

        @Doc("Days each object is kept under COMPLIANCE object lock (write once, read many): nobody, not even the"
                + " bucket's owner, can delete or overwrite it before then. The bucket must have been created with"
                + " object lock enabled; the gateway checks at start. 0 puts objects without a lock.")
        @DefaultValue("0")
        @IntRange(min = 0, max = 36500)
        int objectLockDays) {

    public EvidenceS3Config {
        Constraints.check(
                EvidenceS3Config.class, endpoint, region, bucket, prefix, accessKeyFile, secretKeyFile, objectLockDays);
    }

    /** No bucket: the defaults for a gateway that keeps evidence on its own disk. */
    public static EvidenceS3Config defaults() {
        return (EvidenceS3Config) RecordSpec.of(EvidenceS3Config.class).defaults(Map.of());
    }
}
