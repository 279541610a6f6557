package org.openbwc.gateway.fleet;

import java.time.Duration;

/** A unit did not answer a command in time; the HTTP API turns it into a 504. */
public final class CommandTimeoutException extends RuntimeException {
    public CommandTimeoutException(String unitId, String command, Duration timeout) {
        super("unit " + unitId + " did not answer " + command + " within " + timeout.toMillis() + " ms");
    }
}
