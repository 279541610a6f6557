package org.openbwc.store;

import java.util.Objects;

/**
 * What checking a recording's custody chain found: every entry intact, or the first entry that is not and why.
 *
 * @param entries how many entries were read
 * @param headHash the last entry's hash when the chain is intact ({@link CustodyChain#GENESIS} for none); null when not
 * @param firstBadSeq the first seq at which the chain breaks (for a gap, the missing one); null when intact
 * @param problem why it breaks there; null when intact
 */
public record CustodyVerification(String recordingId, int entries, String headHash, Long firstBadSeq, String problem) {

    public CustodyVerification {
        Objects.requireNonNull(recordingId, "recordingId");
        if ((firstBadSeq == null) != (problem == null)) {
            throw new IllegalArgumentException("a broken chain needs both the seq and the problem");
        }
        if ((headHash == null) == (problem == null)) {
            throw new IllegalArgumentException("an intact chain has a head hash, a broken one has none");
        }
    }

    static CustodyVerification intact(String recordingId, int entries, String headHash) {
        return new CustodyVerification(recordingId, entries, headHash, null, null);
    }

    static CustodyVerification broken(String recordingId, int entries, long seq, String problem) {
        return new CustodyVerification(recordingId, entries, null, seq, problem);
    }

    /** Whether every entry's hash matches its fields and links to the one before, with no seq missing. */
    public boolean ok() {
        return problem == null;
    }
}
