package org.openbwc.evidence;

/**
 * The verifier's verdict: {@code ok} and a one-line summary, or the first problem found, naming the file and place.
 */
public record VerificationResult(boolean ok, String recordingId, String message) {
    static VerificationResult passed(String recordingId, String summary) {
        return new VerificationResult(true, recordingId, summary);
    }

    static VerificationResult failed(String recordingId, String problem) {
        return new VerificationResult(false, recordingId, problem);
    }

    @Override
    public String toString() {
        return message;
    }
}
