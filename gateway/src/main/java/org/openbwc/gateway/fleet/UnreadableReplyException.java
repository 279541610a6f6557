package org.openbwc.gateway.fleet;

/** A unit answered a command with a reply the gateway cannot decode; the HTTP API answers 502. */
public final class UnreadableReplyException extends RuntimeException {
    public UnreadableReplyException(String message) {
        super(message);
    }
}
