package org.openbwc.protocol;

/** Evidence storage part of a unit status. */
public record Storage(long freeBytes, long totalBytes) {
    public Storage {
        if (freeBytes < 0 || totalBytes < 0 || freeBytes > totalBytes) {
            throw new IllegalArgumentException("storage freeBytes " + freeBytes + " / totalBytes " + totalBytes
                    + " is inconsistent (allowed: 0 <= free <= total)");
        }
    }

    public int freePercent() {
        return totalBytes == 0 ? 0 : (int) (freeBytes * 100 / totalBytes);
    }
}
