package org.openbwc.hal.mock;

import java.nio.file.Path;
import org.openbwc.hal.StorageInfo;
import org.openbwc.hal.StorageReading;

/** Real free space of the unit's data directory, unless a test or the demo page pretends the card is fuller. */
final class AdjustableStorage implements StorageInfo {
    private final StorageInfo real;
    private volatile long freeBytesOverride = -1;

    AdjustableStorage(StorageInfo real) {
        this.real = real;
    }

    @Override
    public Path evidenceDir() {
        return real.evidenceDir();
    }

    @Override
    public StorageReading read() {
        StorageReading reading = real.read();
        long override = freeBytesOverride;
        if (override < 0) return reading;
        return new StorageReading(Math.min(override, reading.totalBytes()), reading.totalBytes());
    }

    void overrideFreeBytes(long freeBytes) {
        if (freeBytes < 0) throw new IllegalArgumentException("free bytes " + freeBytes + " must be >= 0");
        freeBytesOverride = freeBytes;
    }

    void clearOverride() {
        freeBytesOverride = -1;
    }
}
