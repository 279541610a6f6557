package org.openbwc.store;

import java.util.regex.Pattern;

/** One segment file of a recording, with the SHA-256 (lower-case hex) the unit's journal gave it. */
public record Segment(String name, long bytes, String sha256) {
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    public Segment {
        if (name == null || name.isBlank()) throw new IllegalArgumentException("a segment needs a file name");
        if (bytes < 0) throw new IllegalArgumentException("segment " + name + " has negative bytes " + bytes);
        if (sha256 == null || !SHA256.matcher(sha256).matches()) {
            throw new IllegalArgumentException(
                    "segment " + name + " sha256 " + sha256 + " is not 64 lower-case hex digits");
        }
    }
}
