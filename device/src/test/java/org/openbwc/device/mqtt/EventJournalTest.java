package org.openbwc.device.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openbwc.device.mqtt.EventJournal.EventKey;
import org.openbwc.device.mqtt.EventJournal.Pending;

@Timeout(60)
class EventJournalTest {

    @TempDir
    Path dir;

    @Test
    void whatIsNotAcknowledgedSurvivesAReopenInOrder() {
        try (EventJournal journal = EventJournal.open(dir, 100)) {
            journal.append(key("a", 1), bytes("one"));
            journal.append(key("a", 2), bytes("two"));
            journal.append(key("a", 3), bytes("three"));
            journal.acknowledge(List.of(key("a", 2)));
        }
        // A power cut: nothing closed, nothing flushed beyond what append forced.
        EventJournal journal = EventJournal.open(dir, 100);
        journal.append(key("b", 1), bytes("four"));
        EventJournal reopened = EventJournal.open(dir, 100);

        assertThat(reopened.pending()).extracting(p -> text(p)).containsExactly("one", "three", "four");
        assertThat(reopened.pending()).extracting(Pending::key).containsExactly(key("a", 1), key("a", 3), key("b", 1));
    }

    @Test
    void aTornLastLineAndGarbageAreSkippedNotFatal() throws Exception {
        try (EventJournal journal = EventJournal.open(dir, 100)) {
            journal.append(key("a", 1), bytes("one"));
        }
        Files.writeString(
                dir.resolve(EventJournal.FILE_NAME),
                "nonsense\nA a x\nE a 2 b25l\nE a 3 b2",
                StandardCharsets.ISO_8859_1,
                StandardOpenOption.APPEND);

        try (EventJournal reopened = EventJournal.open(dir, 100)) {
            assertThat(reopened.pending())
                    .as("the torn last line (no newline) is not taken for a shorter event")
                    .extracting(EventJournalTest::text)
                    .containsExactly("one", "one");
            assertThat(reopened.pending()).extracting(Pending::key).containsExactly(key("a", 1), key("a", 2));
        }
    }

    @Test
    void acknowledgedLinesAreCompactedAway() throws Exception {
        try (EventJournal journal = EventJournal.open(dir, 10_000)) {
            for (int i = 1; i <= EventJournal.COMPACT_AFTER_ACKS + 10; i++) {
                journal.append(key("a", i), bytes("event " + i));
                journal.acknowledge(List.of(key("a", i)));
            }
            journal.append(key("a", 9999), bytes("last"));
        }
        List<String> lines = Files.readAllLines(dir.resolve(EventJournal.FILE_NAME));
        assertThat(lines.size()).as("rewritten without what was acknowledged").isLessThan(30);
        try (EventJournal reopened = EventJournal.open(dir, 10_000)) {
            assertThat(reopened.pending()).extracting(EventJournalTest::text).containsExactly("last");
        }
    }

    @Test
    void pastItsCapacityTheOldestIsGivenUpAndAKeyIsKeptOnce() {
        try (EventJournal journal = EventJournal.inMemory(2)) {
            assertThat(journal.append(key("a", 1), bytes("one"))).isNull();
            assertThat(journal.append(key("a", 1), bytes("one again"))).isNull();
            assertThat(journal.append(key("a", 2), bytes("two"))).isNull();
            assertThat(journal.append(key("a", 3), bytes("three"))).isEqualTo(key("a", 1));
            assertThat(journal.pending()).extracting(EventJournalTest::text).containsExactly("two", "three");
            assertThat(journal.givenUp()).isEqualTo(1);
        }
    }

    @Test
    void aJournalThatCannotBeWrittenSaysWhere() throws Exception {
        Path file = Files.writeString(dir.resolve("not-a-dir"), "x");
        assertThatThrownBy(() -> EventJournal.open(file, 10))
                .hasMessageContaining("event journal")
                .hasMessageContaining("not-a-dir");
    }

    private static EventKey key(String boot, long seq) {
        return new EventKey(boot, seq);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(Pending p) {
        return new String(p.payload(), StandardCharsets.UTF_8);
    }
}
