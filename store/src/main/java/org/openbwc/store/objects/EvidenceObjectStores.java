package org.openbwc.store.objects;

import java.io.IOException;

/** Opens the evidence store that {@link ObjectStoreSettings} names, so callers need not know the implementations. */
public final class EvidenceObjectStores {
    private EvidenceObjectStores() {}

    /**
     * Opens the store, checking at once that it can be used: the folder is created, the bucket is reached with the
     * credentials (and has object lock enabled if retention is asked for).
     *
     * @throws IOException naming the folder, or the endpoint and bucket, with what is wrong
     */
    public static EvidenceObjects open(ObjectStoreSettings settings) throws IOException {
        return settings.s3() != null
                ? S3EvidenceObjects.open(settings.s3())
                : new FileEvidenceObjects(settings.fileRoot());
    }
}
