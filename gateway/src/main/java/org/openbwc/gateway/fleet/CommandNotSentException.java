package org.openbwc.gateway.fleet;

/** A command could not be handed to the broker (not connected, or the broker refused it); the HTTP API answers 503. */
public final class CommandNotSentException extends RuntimeException {
    public CommandNotSentException(String message, Throwable cause) {
        super(message, cause);
    }
}
