package org.openbwc.evidence.encryption;

/** Encrypted evidence did not decrypt: a wrong key, altered bytes, or bytes moved from elsewhere. */
public final class DecryptionException extends RuntimeException {
    public DecryptionException(String message) {
        super(message);
    }

    public DecryptionException(String message, Throwable cause) {
        super(message, cause);
    }
}
