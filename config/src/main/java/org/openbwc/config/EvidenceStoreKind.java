package org.openbwc.config;

/** Where the gateway keeps offloaded evidence; written {@code file} or {@code s3} in YAML. */
public enum EvidenceStoreKind {
    /** A folder on the gateway's own disk (evidence.path, by default dataDir/evidence). */
    FILE,
    /** A bucket of an S3-compatible object store: MinIO, Ceph RGW, AWS S3. */
    S3
}
