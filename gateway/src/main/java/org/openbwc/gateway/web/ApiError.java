package org.openbwc.gateway.web;

/** An error the HTTP API reports as-is: status, a message for the operator, and the unit it concerns if any. */
final class ApiError extends RuntimeException {
    final int status;
    final String unit;

    ApiError(int status, String message, String unit) {
        super(message, null, false, false);
        this.status = status;
        this.unit = unit;
    }
}
