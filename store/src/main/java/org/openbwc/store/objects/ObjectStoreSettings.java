package org.openbwc.store.objects;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Which evidence store to open, in plain values: a directory ({@link #file(Path)}) or an S3-compatible bucket ({@link
 * #s3(S3Settings)}). The gateway translates its configuration into this; {@link EvidenceObjectStores#open} opens it.
 *
 * @param fileRoot the directory for the file store; null when {@code s3} is set
 * @param s3 the bucket for the S3 store; null when {@code fileRoot} is set
 */
public record ObjectStoreSettings(Path fileRoot, S3Settings s3) {

    public ObjectStoreSettings {
        if ((fileRoot == null) == (s3 == null)) {
            throw new IllegalArgumentException("evidence.store needs exactly one of a folder (store: file) or a bucket"
                    + " (store: s3); got " + (fileRoot == null ? "neither" : "both"));
        }
    }

    /** Objects in a directory tree, e.g. {@code <dataDir>/evidence}. */
    public static ObjectStoreSettings file(Path root) {
        return new ObjectStoreSettings(Objects.requireNonNull(root, "root"), null);
    }

    /** Objects in an S3-compatible bucket. */
    public static ObjectStoreSettings s3(S3Settings settings) {
        return new ObjectStoreSettings(null, Objects.requireNonNull(settings, "settings"));
    }
}
