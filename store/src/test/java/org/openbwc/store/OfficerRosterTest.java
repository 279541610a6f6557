package org.openbwc.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** The officer directory and assignments (V5), on H2 and PostgreSQL alike. */
@ParameterizedClass(name = "{0}")
@EnumSource(TestDatabase.Kind.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class OfficerRosterTest {
    static final Instant T0 = Instant.parse("2026-12-07T06:00:00.123456Z");
    static final Officer KARI = new Officer("4711", "Kari Nordmann", "ALPHA 1");
    static final Officer OLA = new Officer("k-9/12", "Ola Nordmann", "K9");

    @Parameter
    TestDatabase.Kind kind;

    @TempDir
    Path tempDir;

    TestDatabase database;
    EvidenceDatabase evidence;
    OfficerRoster roster;

    @BeforeEach
    void open() {
        database = TestDatabase.create(kind, tempDir);
        evidence = EvidenceDatabase.open(database.config());
        roster = evidence.officers();
        roster.add(KARI, T0);
        roster.add(OLA, T0);
    }

    @AfterEach
    void close() throws SQLException {
        if (evidence != null) evidence.close();
        if (database != null) database.close();
    }

    @Test
    void officersAreAddedChangedListedAndRemoved() {
        assertThat(roster.all()).containsExactly(KARI, OLA);
        assertThatThrownBy(() -> roster.add(new Officer("4711", "Other", ""), T0))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("exists already");

        Officer before = roster.update(new Officer("4711", "Kari N. Nordmann", "BRAVO 2"), T0.plusSeconds(1));

        assertThat(before).isEqualTo(KARI);
        assertThat(roster.find("4711")).contains(new Officer("4711", "Kari N. Nordmann", "BRAVO 2"));
        assertThat(roster.remove("k-9/12")).isEqualTo(OLA);
        assertThat(roster.find("k-9/12")).isEmpty();
        assertThatThrownBy(() -> roster.remove("k-9/12")).isInstanceOf(NoSuchElementException.class);
        assertThatThrownBy(() -> roster.update(OLA, T0)).isInstanceOf(NoSuchElementException.class);
    }

    @Test
    void aUnitCarriesOneOfficerAndAnOfficerOneUnit() {
        UnitAssignment a = roster.assign("bwc-001", "4711", "alice", T0);

        assertThat(a.open()).isTrue();
        assertThat(a.assignedAt()).isEqualTo(T0);
        assertThat(roster.officerOf("bwc-001")).contains(KARI);
        assertThat(roster.assign("bwc-001", "4711", "bob", T0.plusSeconds(5)).id())
                .as("the same assignment again changes nothing")
                .isEqualTo(a.id());
        assertThatThrownBy(() -> roster.assign("bwc-002", "4711", "alice", T0))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("carries unit bwc-001");
        assertThatThrownBy(() -> roster.remove("4711"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("unassign the unit first");
        assertThatThrownBy(() -> roster.assign("bwc-002", "nobody", "alice", T0))
                .isInstanceOf(NoSuchElementException.class);

        roster.assign("bwc-001", "k-9/12", "bob", T0.plusSeconds(60));

        assertThat(roster.officerOf("bwc-001")).contains(OLA);
        assertThat(roster.history("bwc-001", 10))
                .extracting(UnitAssignment::officerId, UnitAssignment::endReason, UnitAssignment::unassignedBy)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("k-9/12", null, null),
                        org.assertj.core.groups.Tuple.tuple("4711", OfficerRoster.REPLACED, "bob"));
        assertThat(roster.assign("bwc-002", "4711", "alice", T0.plusSeconds(61)).open())
                .as("Kari is free again")
                .isTrue();
        assertThat(roster.assigned()).isEqualTo(Map.of("bwc-001", OLA, "bwc-002", KARI));
    }

    @Test
    void unassigningEndsTheAssignmentWithWhoWhenAndWhy() {
        roster.assign("bwc-001", "4711", "alice", T0);

        UnitAssignment ended = roster.unassign("bwc-001", "gateway", OfficerRoster.DOCKED, T0.plusSeconds(3600))
                .orElseThrow();

        assertThat(ended.unassignedAt()).isEqualTo(T0.plusSeconds(3600));
        assertThat(ended.endReason()).isEqualTo(OfficerRoster.DOCKED);
        assertThat(roster.officerOf("bwc-001")).isEmpty();
        assertThat(roster.unassignedUnits()).containsExactly("bwc-001");
        assertThat(roster.unassign("bwc-001", "gateway", OfficerRoster.DOCKED, T0))
                .isEmpty();
        assertThat(roster.history("bwc-001", 10)).singleElement().satisfies(h -> {
            assertThat(h.open()).isFalse();
            assertThat(h.assignedBy()).isEqualTo("alice");
            assertThat(h.unassignedBy()).isEqualTo("gateway");
        });
        assertThat(roster.remove("4711")).isEqualTo(KARI);
        assertThat(roster.history("bwc-001", 10))
                .as("history outlives the officer")
                .hasSize(1);
    }

    @Test
    void officersAreValidatedWithMessagesThatNameTheProblem() {
        assertThatThrownBy(() -> new Officer("a b", "", "")).hasMessageContaining("officer id 'a b'");
        assertThatThrownBy(() -> new Officer("", "", "")).hasMessageContaining("1..40");
        assertThatThrownBy(() -> new Officer("x".repeat(41), "", "")).hasMessageContaining("1..40");
        assertThatThrownBy(() -> new Officer("a", "n".repeat(81), "")).hasMessageContaining("name");
        assertThatThrownBy(() -> new Officer("a", "", "c".repeat(17))).hasMessageContaining("callsign");
        assertThat(new Officer("Ærø.#/+-_1", null, " A1 ").callsign()).isEqualTo("A1");
    }
}
