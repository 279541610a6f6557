package org.openbwc.store.objects;

import java.net.URI;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Where and how to reach an S3-compatible bucket for evidence objects (MinIO, Ceph RGW, AWS S3), validated.
 *
 * @param endpoint the store's base URL, {@code http://} or {@code https://} with a host and optional port, no path
 * @param region the signing region; MinIO and Ceph accept any, AWS needs the bucket's own (e.g. {@code eu-north-1})
 * @param bucket an existing bucket (S3 naming rules: 3..63 of lower-case letters, digits, '.', '-')
 * @param prefix put before every key, {@code ""} for none; a missing trailing '/' is added
 * @param accessKeyFile a file holding the access key id (surrounding whitespace ignored); never inline
 * @param secretKeyFile a file holding the secret key (surrounding whitespace ignored); never inline
 * @param objectLockDays 0 for none; else each object is put under COMPLIANCE retention for this many days (0..36500)
 */
public record S3Settings(
        URI endpoint,
        String region,
        String bucket,
        String prefix,
        Path accessKeyFile,
        Path secretKeyFile,
        int objectLockDays) {

    /** The region an S3-compatible store that has no regions is addressed with. */
    public static final String DEFAULT_REGION = "us-east-1";

    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
    private static final Pattern PREFIX = Pattern.compile("([A-Za-z0-9][A-Za-z0-9._-]*/)*");
    private static final Pattern REGION = Pattern.compile("[a-z0-9-]{1,64}");

    public S3Settings {
        if (endpoint == null) {
            throw new IllegalArgumentException(
                    "evidence.s3.endpoint is missing: give the store's URL, e.g." + " https://minio.example:9000");
        }
        String scheme = endpoint.getScheme() == null ? "" : endpoint.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || endpoint.getHost() == null) {
            throw new IllegalArgumentException("evidence.s3.endpoint " + endpoint + " is not an http:// or https:// URL"
                    + " with a host, e.g. https://minio.example:9000");
        }
        if (endpoint.getRawPath() != null
                        && !endpoint.getRawPath().isEmpty()
                        && !endpoint.getRawPath().equals("/")
                || endpoint.getRawQuery() != null
                || endpoint.getRawUserInfo() != null) {
            throw new IllegalArgumentException("evidence.s3.endpoint " + endpoint + " has a path, query or user in it:"
                    + " give only scheme, host and port (the bucket goes in evidence.s3.bucket, keys in files)");
        }
        if (region == null || region.isBlank()) region = DEFAULT_REGION;
        if (!REGION.matcher(region).matches()) {
            throw new IllegalArgumentException("evidence.s3.region '" + region + "' is not a region name such as "
                    + DEFAULT_REGION + " or eu-north-1");
        }
        if (bucket == null || !BUCKET.matcher(bucket).matches() || bucket.contains("..")) {
            throw new IllegalArgumentException("evidence.s3.bucket '" + bucket + "' is not a bucket name: 3 to 63"
                    + " lower-case letters, digits, '.' and '-', starting and ending with a letter or digit");
        }
        if (prefix == null) prefix = "";
        if (!prefix.isEmpty() && !prefix.endsWith("/")) prefix = prefix + "/";
        if (!PREFIX.matcher(prefix).matches() || prefix.contains("..")) {
            throw new IllegalArgumentException("evidence.s3.prefix '" + prefix + "' is not a key prefix: path elements"
                    + " of letters, digits, '.', '_', '-' separated by '/', e.g. evidence/ or agency-a/evidence/");
        }
        if (accessKeyFile == null || secretKeyFile == null) {
            throw new IllegalArgumentException(
                    "evidence.s3." + (accessKeyFile == null ? "accessKeyFile" : "secretKeyFile")
                            + " is missing: name a file readable only by the gateway's user that holds the key");
        }
        if (objectLockDays < 0 || objectLockDays > 36_500) {
            throw new IllegalArgumentException("evidence.s3.objectLockDays " + objectLockDays
                    + " is out of range 0..36500 (0 for no object lock)");
        }
    }

    /** The bucket and prefix as a URL-like name for logs: {@code s3://bucket/prefix at https://host:port}. */
    public String describe() {
        return "s3://" + bucket + "/" + prefix + " at " + endpoint;
    }
}
