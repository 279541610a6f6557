package org.openbwc.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The chain's encoding: fixed, so that a verifier written elsewhere gets the same hashes, and unambiguous. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class CustodyChainTest {

    static final Instant T0 = Instant.parse("2026-12-06T10:00:00.123456789Z");

    @Test
    void hashesAKnownEntryToTheValueAnIndependentImplementationGives() {
        // Computed with Python's hashlib over the layout the class comment describes (struct '>i' lengths, UTF-8).
        assertThat(CustodyChain.hash(entry("alice", "192.0.2.1", null), CustodyChain.GENESIS))
                .isEqualTo("a7db9841802d780c94448bb171fd145d65946a448cea137449ac8d9f57629ecd");
        assertThat(CustodyChain.hash(entry("alice", "192.0.2.1", "Ærø ✓"), CustodyChain.GENESIS))
                .isEqualTo("a0633887cc1e6d2fbf831427f9c96d6519f046937c2ccabcea7216bb2dac5c7d");
    }

    @Test
    void theTimeIsUtcToTheMicrosecondWhateverTheInstantCarries() {
        assertThat(CustodyChain.time(T0)).isEqualTo("2026-12-06T10:00:00.123456Z");
        assertThat(CustodyChain.time(Instant.parse("2026-12-06T10:00:00Z"))).isEqualTo("2026-12-06T10:00:00.000000Z");
    }

    @Test
    void movingTextBetweenFieldsOrNullForEmptyChangesTheHash() {
        String base = CustodyChain.hash(entry("alice", "192.0.2.1", null), CustodyChain.GENESIS);

        assertThat(CustodyChain.hash(entry("alice1", "92.0.2.1", null), CustodyChain.GENESIS))
                .isNotEqualTo(base);
        assertThat(CustodyChain.hash(entry("alice", "192.0.2.1", ""), CustodyChain.GENESIS))
                .isNotEqualTo(base);
        assertThat(CustodyChain.hash(entry("alice", "192.0.2.1", null), "1".repeat(64)))
                .isNotEqualTo(base);
    }

    @Test
    void theGenesisIsSixtyFourZeros() {
        assertThat(CustodyChain.GENESIS).hasSize(64).matches("0+");
    }

    static CustodyEntry entry(String actor, String address, String details) {
        return new CustodyEntry("r-1", 2, T0, actor, address, CustodyAction.VIEWED, details, null, null);
    }
}
