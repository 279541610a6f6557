package org.openbwc.gateway;

/** A command could not be handed to the broker (not connected, or the broker refused it); the HTTP API answers 503. */
final class CommandNotSentException extends RuntimeException {
    CommandNotSentException(String message, Throwable cause) {
        super(message, cause);
    }
}
