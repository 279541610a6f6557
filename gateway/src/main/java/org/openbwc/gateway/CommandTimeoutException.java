package org.openbwc.gateway;

import java.time.Duration;

/** A unit did not answer a command in time; the HTTP API turns it into a 504. */
final class CommandTimeoutException extends RuntimeException {
    CommandTimeoutException(String unitId, String command, Duration timeout) {
        super("unit " + unitId + " did not answer " + command + " within " + timeout.toMillis() + " ms");
    }
}
