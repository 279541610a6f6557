package org.openbwc.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The custody log proves itself: its hash chain verifies untouched and shows the first entry changed or removed behind
 * the catalog's back, and the database refuses to change or remove an entry; on H2 and PostgreSQL alike.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(TestDatabase.Kind.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CustodyLogTest {

    static final Instant T0 = RecordingCatalogTest.T0;

    @Parameter
    TestDatabase.Kind kind;

    @TempDir
    Path tempDir;

    TestDatabase database;
    EvidenceDatabase evidence;
    RecordingCatalog catalog;

    @BeforeEach
    void open() {
        database = TestDatabase.create(kind, tempDir);
        evidence = EvidenceDatabase.open(database.config());
        catalog = evidence.catalog();
        catalog.add(RecordingCatalogTest.recording("r-1", "bwc-001", T0, List.of()));
        catalog.appendCustody("r-1", T0.plusSeconds(100), "bwc-001", "10.0.0.7", CustodyAction.OFFLOADED, "3 segments");
        catalog.appendCustody("r-1", T0.plusSeconds(200), "alice", "192.0.2.1", CustodyAction.VIEWED, null);
        catalog.appendCustody("r-1", T0.plusSeconds(300), "bob", "192.0.2.2", CustodyAction.EXPORTED, "case 7.zip");
    }

    @AfterEach
    void close() throws SQLException {
        if (evidence != null) evidence.close();
        if (database != null) database.close();
    }

    @Test
    void eachEntryLinksToTheHashBeforeItAndTheUntouchedChainVerifies() {
        List<CustodyEntry> log = catalog.custody("r-1");

        assertThat(log.get(0).prevHash()).isEqualTo(CustodyChain.GENESIS);
        assertThat(log.get(1).prevHash()).isEqualTo(log.get(0).hash());
        assertThat(log.get(2).prevHash()).isEqualTo(log.get(1).hash());
        assertThat(log).allSatisfy(e -> assertThat(e.hash()).isEqualTo(CustodyChain.hash(e, e.prevHash())));
        assertThat(catalog.verifyCustody("r-1"))
                .isEqualTo(new CustodyVerification("r-1", 3, log.get(2).hash(), null, null))
                .satisfies(v -> assertThat(v.ok()).isTrue());
    }

    @Test
    void aRecordingWithoutEntriesVerifiesEmptyAtTheGenesis() {
        catalog.add(RecordingCatalogTest.recording("r-2", "bwc-001", T0, List.of()));

        assertThat(catalog.verifyCustody("r-2"))
                .isEqualTo(new CustodyVerification("r-2", 0, CustodyChain.GENESIS, null, null));
    }

    @Test
    void theDatabaseRefusesToChangeOrRemoveAnEntry() {
        assertThatThrownBy(() -> sql("UPDATE custody_entries SET details = 'nothing' WHERE seq = 2"))
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("custody_entries is append-only: UPDATE refused");
        assertThatThrownBy(() -> sql("DELETE FROM custody_entries WHERE seq = 3"))
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("custody_entries is append-only: DELETE refused");
        if (kind == TestDatabase.Kind.POSTGRESQL) {
            assertThatThrownBy(() -> sql("TRUNCATE custody_entries"))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("custody_entries is append-only: TRUNCATE refused");
        }
        assertThat(catalog.custody("r-1")).hasSize(3);
        assertThat(catalog.verifyCustody("r-1").ok()).isTrue();
    }

    @Test
    void changedDetailsAreCaughtAtTheirEntry() throws SQLException {
        String head = catalog.verifyCustody("r-1").headHash();
        withoutAppendOnly("UPDATE custody_entries SET details = 'nothing exported' WHERE seq = 3");

        CustodyVerification v = catalog.verifyCustody("r-1");

        assertThat(v.ok()).isFalse();
        assertThat(v.firstBadSeq()).isEqualTo(3);
        assertThat(v.headHash()).isNull();
        assertThat(v.problem()).startsWith("hash mismatch: its fields hash to ").endsWith("not to the stored " + head);
    }

    @Test
    void aChangedActorIsCaughtAtItsEntryEvenWithLaterEntriesIntact() throws SQLException {
        withoutAppendOnly("UPDATE custody_entries SET actor = 'carol' WHERE seq = 2");

        assertThat(catalog.verifyCustody("r-1"))
                .extracting(CustodyVerification::firstBadSeq, CustodyVerification::entries)
                .containsExactly(2L, 3);
        assertThat(catalog.verifyCustody("r-1").problem()).startsWith("hash mismatch");
    }

    @Test
    void anEntryChangedAndRehashedBreaksTheLinkOfTheNext() throws SQLException {
        CustodyEntry second = catalog.custody("r-1").get(1);
        CustodyEntry forged = new CustodyEntry(
                "r-1", 2, second.at(), "carol", second.address(), second.action(), null, second.prevHash(), null);
        withoutAppendOnly("UPDATE custody_entries SET actor = 'carol', hash = '"
                + CustodyChain.hash(forged, forged.prevHash()) + "' WHERE seq = 2");

        CustodyVerification v = catalog.verifyCustody("r-1");

        assertThat(v.firstBadSeq()).isEqualTo(3);
        assertThat(v.problem())
                .startsWith("broken link: its previous hash " + second.hash() + " is not entry 2's hash");
    }

    @Test
    void aDeletedMiddleEntryIsCaughtAsAGap() throws SQLException {
        withoutAppendOnly("DELETE FROM custody_entries WHERE seq = 2");

        assertThat(catalog.verifyCustody("r-1"))
                .isEqualTo(new CustodyVerification("r-1", 2, null, 2L, "entry 2 is missing (the next is 3)"));
    }

    @Test
    void aDeletedMiddleEntryWithTheRestRenumberedIsCaughtAsABrokenLink() throws SQLException {
        withoutAppendOnly("DELETE FROM custody_entries WHERE seq = 2");
        withoutAppendOnly("UPDATE custody_entries SET seq = 2 WHERE seq = 3");

        CustodyVerification v = catalog.verifyCustody("r-1");

        // the renumbered entry's own hash no longer matches either; the link is checked first
        assertThat(v.firstBadSeq()).isEqualTo(2);
        assertThat(v.problem()).startsWith("broken link");
    }

    @Test
    void appendsFromManyThreadsAtOnceStillFormOneChain() throws Exception {
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            List<java.util.concurrent.Future<?>> done = new java.util.ArrayList<>();
            for (int t = 0; t < 4; t++) {
                String actor = "operator-" + t;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < 10; i++)
                        catalog.appendCustody("r-1", T0, actor, null, CustodyAction.VIEWED, null);
                }));
            }
            for (var f : done) f.get();
        } finally {
            pool.shutdownNow();
        }

        assertThat(catalog.verifyCustody("r-1")).satisfies(v -> {
            assertThat(v.ok()).as(v.problem()).isTrue();
            assertThat(v.entries()).isEqualTo(43);
        });
    }

    /**
     * Runs the statement with the append-only trigger out of the way, as the tables' owner can: the trigger guards
     * against mistakes, verification against everyone.
     */
    private void withoutAppendOnly(String statement) throws SQLException {
        try (Connection c = evidence.dataSource().getConnection();
                Statement s = c.createStatement()) {
            if (kind == TestDatabase.Kind.POSTGRESQL) {
                s.execute("ALTER TABLE custody_entries DISABLE TRIGGER custody_entries_append_only");
                s.execute(statement);
                s.execute("ALTER TABLE custody_entries ENABLE TRIGGER custody_entries_append_only");
            } else {
                s.execute("DROP TRIGGER custody_entries_append_only");
                s.execute(statement);
                s.execute("CREATE TRIGGER custody_entries_append_only BEFORE UPDATE, DELETE ON custody_entries"
                        + " FOR EACH ROW CALL '" + H2AppendOnlyTrigger.class.getName() + "'");
            }
        }
    }

    private void sql(String statement) throws SQLException {
        try (Connection c = evidence.dataSource().getConnection();
                PreparedStatement s = c.prepareStatement(statement)) {
            s.executeUpdate();
        }
    }
}
