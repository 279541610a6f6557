package org.openbwc.launcher;

/** An error whose message is meant for the person at the terminal (no stack trace), with the exit code to use. */
public final class UserFacingException extends RuntimeException {
    private final int exitCode;

    public UserFacingException(String message, int exitCode) {
        super(message);
        this.exitCode = exitCode;
    }

    public UserFacingException(String message, int exitCode, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public int exitCode() { return exitCode; }
}
