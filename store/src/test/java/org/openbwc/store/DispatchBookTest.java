package org.openbwc.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.SQLException;
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
import org.openbwc.store.DispatchAssignment.Step;

/** Dispatches and their units' steps survive in the database and read back as written; on H2 and PostgreSQL. */
@ParameterizedClass(name = "{0}")
@EnumSource(TestDatabase.Kind.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DispatchBookTest {
    static final Instant T0 = Instant.parse("2026-12-07T10:00:00.123456Z");

    @Parameter
    TestDatabase.Kind kind;

    @TempDir
    Path tempDir;

    TestDatabase database;
    EvidenceDatabase evidence;
    DispatchBook book;

    @BeforeEach
    void open() {
        database = TestDatabase.create(kind, tempDir);
        evidence = EvidenceDatabase.open(database.config());
        book = evidence.dispatches();
    }

    @AfterEach
    void close() throws SQLException {
        if (evidence != null) evidence.close();
        if (database != null) database.close();
    }

    static DispatchRecord dispatch(String id, Instant at) {
        return new DispatchRecord(id, at, "sue", 52.52, 13.405, "shop alarm", "urgent", null, null, List.of());
    }

    static DispatchAssignment sent(String dispatchId, String unit, Instant at) {
        return new DispatchAssignment(dispatchId, unit, "4711", 412.5, at, "sue", null, null, null, null);
    }

    @Test
    void aDispatchReadsBackWithItsUnitsAndTheirSteps() {
        book.create(dispatch("d-1", T0));
        book.send(sent("d-1", "bwc-1", T0.plusSeconds(5)));
        book.send(new DispatchAssignment("d-1", "bwc-2", null, null, T0.plusSeconds(6), "sue", null, null, null, null));

        assertThat(book.mark("d-1", "bwc-1", Step.DELIVERED, T0.plusSeconds(6))).isTrue();
        assertThat(book.mark("d-1", "bwc-1", Step.DELIVERED, T0.plusSeconds(9))).isFalse();
        book.mark("d-1", "bwc-1", Step.ACKNOWLEDGED, T0.plusSeconds(20));
        book.mark("d-1", "bwc-1", Step.ARRIVED, T0.plusSeconds(300));
        book.problem("d-1", "bwc-2", "unit bwc-2 did not answer within 10000 ms");

        DispatchRecord d = book.find("d-1").orElseThrow();

        assertThat(d.createdAt()).isEqualTo(T0);
        assertThat(d.note()).isEqualTo("shop alarm");
        assertThat(d.units()).extracting(DispatchAssignment::unitId).containsExactly("bwc-1", "bwc-2");
        assertThat(d.units().get(0))
                .isEqualTo(new DispatchAssignment(
                        "d-1",
                        "bwc-1",
                        "4711",
                        412.5,
                        T0.plusSeconds(5),
                        "sue",
                        T0.plusSeconds(6),
                        T0.plusSeconds(20),
                        T0.plusSeconds(300),
                        null));
        assertThat(d.units().get(1).distanceMeters()).isNull();
        assertThat(d.units().get(1).problem()).contains("did not answer");
        assertThat(book.find("d-9")).isEmpty();
    }

    @Test
    void cancelledDispatchesAreNotOpenAndCancelIsOnce() {
        book.create(dispatch("d-1", T0));
        book.create(dispatch("d-2", T0.plusSeconds(1)));

        assertThat(book.cancel("d-1", T0.plusSeconds(60), "bob")).isTrue();
        assertThat(book.cancel("d-1", T0.plusSeconds(90), "eve")).isFalse();

        assertThat(book.find("d-1").orElseThrow().cancelledBy()).isEqualTo("bob");
        assertThat(book.openSince(T0.minusSeconds(1), 100))
                .extracting(DispatchRecord::id)
                .containsExactly("d-2");
        assertThat(book.openSince(T0.plusSeconds(2), 100)).isEmpty();
    }

    @Test
    void aUnitsHistoryIsNewestFirstWithOnlyItsOwnPart() {
        book.create(dispatch("d-1", T0));
        book.create(dispatch("d-2", T0.plusSeconds(100)));
        book.send(sent("d-1", "bwc-1", T0.plusSeconds(1)));
        book.send(sent("d-1", "bwc-2", T0.plusSeconds(1)));
        book.send(sent("d-2", "bwc-1", T0.plusSeconds(101)));

        List<DispatchRecord> history = book.historyOf("bwc-1", 10);

        assertThat(history).extracting(DispatchRecord::id).containsExactly("d-2", "d-1");
        assertThat(history)
                .allSatisfy(d -> assertThat(d.units())
                        .singleElement()
                        .extracting(DispatchAssignment::unitId)
                        .isEqualTo("bwc-1"));
        assertThat(book.historyOf("bwc-1", 1)).hasSize(1);
    }

    @Test
    void sendingAUnitAgainStartsItsStepsAfresh() {
        book.create(dispatch("d-1", T0));
        book.send(sent("d-1", "bwc-1", T0));
        book.problem("d-1", "bwc-1", "not connected");

        book.send(sent("d-1", "bwc-1", T0.plusSeconds(30)));

        assertThat(book.find("d-1").orElseThrow().units()).singleElement().satisfies(a -> {
            assertThat(a.sentAt()).isEqualTo(T0.plusSeconds(30));
            assertThat(a.problem()).isNull();
        });
    }

    @Test
    void theSchemaRefusesADuplicateAndAnUnknownPriority() {
        book.create(dispatch("d-1", T0));

        assertThatThrownBy(() -> book.create(dispatch("d-1", T0))).isInstanceOf(EvidenceIndexException.class);
        assertThatThrownBy(() ->
                        book.create(new DispatchRecord("d-2", T0, "sue", 1, 2, "", "whenever", null, null, List.of())))
                .isInstanceOf(EvidenceIndexException.class)
                .hasMessageContaining("refused by the database");
        assertThatThrownBy(() -> book.send(sent("d-9", "bwc-1", T0))).isInstanceOf(EvidenceIndexException.class);
    }
}
