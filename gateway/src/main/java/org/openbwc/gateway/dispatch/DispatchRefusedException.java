package org.openbwc.gateway.dispatch;

/** The dispatch service refused a request; {@link #kind} says how the HTTP API answers it, the message why. */
public final class DispatchRefusedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** What kind of refusal. */
    public enum Kind {
        /** No dispatch or unit by that id. */
        NOT_FOUND,
        /** The request is well-formed but cannot be done now (offline unit, cancelled dispatch). */
        CONFLICT,
        /** The request itself is wrong. */
        BAD_REQUEST
    }

    private final Kind kind;

    public DispatchRefusedException(Kind kind, String message) {
        super(message, null, false, false);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
