package org.openbwc.store;

/** The evidence index could not be opened, or refused or failed an operation; the message says which and why. */
public final class EvidenceIndexException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public EvidenceIndexException(String message, Throwable cause) {
        super(message, cause);
    }

    public EvidenceIndexException(String message) {
        super(message);
    }
}
