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

    public int exitCode() {
        return exitCode;
    }

    /** What a command prints for a failure: the message, or the exception's name where it has none. */
    static String messageOf(Throwable e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }

    /** The exit code for a failure: the one a user-facing error names, else 1. */
    static int exitCodeOf(Throwable e) {
        return e instanceof UserFacingException u ? u.exitCode : 1;
    }
}
