package org.openbwc.config;

import java.util.List;
import java.util.Map;

/** Where the gateway keeps offloaded, verified evidence: a folder of its own (the default) or an S3 bucket. */
@CrossCheck(EvidenceStoreConfig.S3NeedsBucketAndKeys.class)
public record EvidenceStoreConfig(
        @Doc("Evidence store: file keeps recordings in a folder on this machine, s3 in a bucket of an S3-compatible"
                + " object store (MinIO, Ceph RGW, AWS S3), set up under s3.")
        @DefaultValue("file")
        EvidenceStoreKind store,

        @Doc("Folder for the evidence when store is file. A relative path is relative to the working directory of the"
                + " process.")
        @NullMeans("<dataDir>/evidence")
        @TextLength(min = 1, max = 4096)
        String path,

        @Doc("The bucket, used when store is s3.") EvidenceS3Config s3) {

    private static final List<String> S3_REQUIRED = List.of("endpoint", "bucket", "accessKeyFile", "secretKeyFile");

    public EvidenceStoreConfig {
        Constraints.check(EvidenceStoreConfig.class, store, path, s3);
    }

    /** Evidence in dataDir/evidence. */
    public static EvidenceStoreConfig defaults() {
        return (EvidenceStoreConfig) RecordSpec.of(EvidenceStoreConfig.class).defaults(Map.of());
    }

    /** Copy with another store kind. */
    public EvidenceStoreConfig withStore(EvidenceStoreKind newStore) {
        return new EvidenceStoreConfig(newStore, path, s3);
    }

    /** Copy with other bucket settings. */
    public EvidenceStoreConfig withS3(EvidenceS3Config newS3) {
        return new EvidenceStoreConfig(store, path, newS3);
    }

    /** An S3 store cannot be reached without its endpoint, bucket and both key files. */
    static final class S3NeedsBucketAndKeys implements CrossRule {
        @Override
        public void check(ValueLookup values, List<Violation> out) {
            if (values.get("store") != EvidenceStoreKind.S3) return;
            for (String key : S3_REQUIRED) {
                if (values.get("s3." + key) == null) {
                    out.add(new Violation(
                            "s3." + key,
                            null,
                            "is required when store is s3",
                            switch (key) {
                                case "endpoint" -> "the object store's URL, e.g. https://minio.example:9000";
                                case "bucket" -> "an existing bucket's name, e.g. bwc-evidence";
                                default ->
                                    "a file holding the key, e.g. /etc/bwc/s3-"
                                            + key.replace("File", "").replace("Key", "-key");
                            }));
                }
            }
        }
    }
}
