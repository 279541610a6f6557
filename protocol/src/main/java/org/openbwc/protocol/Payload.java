package org.openbwc.protocol;

/** Marker for every record that travels as a JSON payload; each carries the contract version. */
public sealed interface Payload
        permits UnitStatus, UnitLocation, UnitEvent, EventAck, StreamHandle, CommandRequest, CommandReply {
    /** Current contract version; readers accept exactly this major version and ignore unknown fields. */
    int VERSION = 1;

    int version();

    static void checkVersion(int version) {
        if (version != VERSION) {
            throw new IllegalArgumentException(
                    "payload version " + version + " is not supported (allowed: " + VERSION + ")");
        }
    }

    /** A boot id is optional; when present, 1 to 64 letters, digits and '-'. */
    static void checkBootId(String bootId) {
        if (bootId != null && !bootId.matches("[A-Za-z0-9-]{1,64}")) {
            throw new IllegalArgumentException(
                    "bootId '" + (bootId.length() > 70 ? bootId.substring(0, 64) + "..." : bootId)
                            + "' is not 1 to 64 letters, digits or '-'");
        }
    }
}
