package org.openbwc.config;

/** The one format for unit and gateway identifiers. */
final class IdFormat {
    // The id becomes an MQTT topic level, where '/', '+' and '#' are structural and spaces are a source of typos.
    static final String REGEX = "[A-Za-z0-9_-]{1,64}";
    static final String ALLOWED =
            "1 to 64 letters, digits, '_' or '-'; it becomes an MQTT topic level, so no '/', '+', '#' or spaces";

    private IdFormat() {}
}
