package org.openbwc.config;

/** Where a unit's position comes from; written {@code gpsd}, {@code gpx} or {@code none} in YAML. */
public enum GnssSource {
    /** A gpsd daemon serving a real receiver. */
    GPSD,
    /** Replay of a recorded GPX track, for demos and tests. */
    GPX,
    /** No position at all. */
    NONE
}
