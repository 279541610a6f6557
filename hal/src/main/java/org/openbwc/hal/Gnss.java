package org.openbwc.hal;

import java.util.Optional;

/** The GNSS receiver: the latest fix, or empty while there is none. */
public interface Gnss extends AutoCloseable {
    Optional<GnssFix> latestFix();

    @Override
    default void close() {}
}
