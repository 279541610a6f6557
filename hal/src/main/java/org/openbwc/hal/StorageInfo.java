package org.openbwc.hal;

import java.nio.file.Path;

/** The evidence storage volume. */
public interface StorageInfo {
    /** Where evidence is written. */
    Path evidenceDir();

    StorageReading read();
}
