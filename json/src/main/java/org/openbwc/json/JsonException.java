package org.openbwc.json;

/**
 * JSON that could not be read or bound: the message names the place (line and column of the text, or the field) so
 * that it can go straight into a log line or an error reply.
 */
public final class JsonException extends RuntimeException {
    public JsonException(String message) {
        super(message);
    }

    public JsonException(String message, Throwable cause) {
        super(message, cause);
    }
}
