package org.openbwc.hal;

/** Free and total bytes of the evidence storage. */
public record StorageReading(long freeBytes, long totalBytes) {
    public StorageReading {
        if (freeBytes < 0 || totalBytes < 0 || freeBytes > totalBytes) {
            throw new IllegalArgumentException(
                    "storage free " + freeBytes + " / total " + totalBytes + " is inconsistent");
        }
    }
}
