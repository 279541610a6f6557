package org.openbwc.gateway;

/** A unit answered a command with a reply the gateway cannot decode; the HTTP API answers 502. */
final class UnreadableReplyException extends RuntimeException {
    UnreadableReplyException(String message) {
        super(message);
    }
}
