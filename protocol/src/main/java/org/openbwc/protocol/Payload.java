package org.openbwc.protocol;

/** Marker for every record that travels as a JSON payload; each carries the contract version. */
public sealed interface Payload
        permits UnitStatus, UnitLocation, UnitEvent, StreamHandle, CommandRequest, CommandReply {
    /** Current contract version; readers accept exactly this major version and ignore unknown fields. */
    int VERSION = 1;

    int version();

    static void checkVersion(int version) {
        if (version != VERSION) {
            throw new IllegalArgumentException(
                    "payload version " + version + " is not supported (allowed: " + VERSION + ")");
        }
    }
}
