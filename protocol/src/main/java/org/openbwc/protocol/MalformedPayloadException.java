package org.openbwc.protocol;

/** A payload that could not be decoded; the message says why, for a log line and a drop counter. */
public final class MalformedPayloadException extends Exception {
    public MalformedPayloadException(String message, Throwable cause) {
        super(message, cause);
    }
}
