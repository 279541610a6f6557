package org.openbwc.store;

import java.time.Instant;
import java.util.Objects;

/** A point the officer marked during a recording; {@code label} may be null. */
public record Marker(Instant at, String label) {
    public Marker {
        at = Times.micros(Objects.requireNonNull(at, "a marker needs a time"));
    }
}
