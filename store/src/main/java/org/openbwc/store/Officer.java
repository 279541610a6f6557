package org.openbwc.store;

import java.util.regex.Pattern;

/**
 * An officer in the agency's directory: the id that goes into the units' status, overlay and manifests, and the name
 * and callsign the monitoring room shows.
 *
 * @param id 1..40 letters, digits or {@code ._#/+-} (what a unit burns into its picture unchanged)
 * @param name up to 80 printable characters; may be empty
 * @param callsign up to 16 printable characters; may be empty
 */
public record Officer(String id, String name, String callsign) {
    /** What an officer id may be; the same set of characters a unit's overlay takes. */
    public static final Pattern ID = Pattern.compile("[\\p{L}\\p{N}._#/+-]{1,40}");

    public static final int MAX_NAME = 80;
    public static final int MAX_CALLSIGN = 16;

    public Officer {
        if (id == null || !ID.matcher(id).matches()) {
            throw new IllegalArgumentException(
                    "officer id '" + id + "' must be 1..40 letters, digits or ._#/+- (no spaces)");
        }
        name = name == null ? "" : name.strip();
        callsign = callsign == null ? "" : callsign.strip();
        if (name.length() > MAX_NAME || name.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException(
                    "officer name must be at most " + MAX_NAME + " printable characters, not " + name.length());
        }
        if (callsign.length() > MAX_CALLSIGN || callsign.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("officer callsign must be at most " + MAX_CALLSIGN
                    + " printable characters, not " + callsign.length());
        }
    }
}
