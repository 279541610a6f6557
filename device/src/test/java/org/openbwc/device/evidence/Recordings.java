package org.openbwc.device.evidence;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.openbwc.device.media.Fragment;

/** Shared pieces of the evidence tests: a request, reading a journal back plainly, copying a recording. */
final class Recordings {
    static final Instant PRESSED = Instant.parse("2025-03-01T10:00:04Z");
    static final ObjectMapper PLAIN = new ObjectMapper();

    private Recordings() {}

    static RecordingRequest request(String id) {
        return new RecordingRequest(id, "unit-7", "officer-42", "button", PRESSED, "gnss", true, 3L, null);
    }

    static EvidenceWriter.Builder writer(Path root, DeviceKey key) {
        return EvidenceWriter.builder(root, key).softwareVersion("test-1.0");
    }

    /** Every journal line as plain JSON, read without the production classes. */
    static List<JsonNode> journal(Path dir) {
        try {
            List<JsonNode> lines = new ArrayList<>();
            for (String line : Files.readAllLines(dir.resolve("journal.jsonl"))) lines.add(PLAIN.readTree(line));
            return lines;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<JsonNode> lines(Path dir, String type) {
        return journal(dir).stream()
                .filter(n -> n.get("type").asText().equals(type))
                .toList();
    }

    static JsonNode manifest(Path dir) throws IOException {
        return PLAIN.readTree(dir.resolve("manifest.json").toFile());
    }

    static void feed(EvidenceWriter writer, List<Fragment> fragments) {
        feed(writer::onFragment, fragments);
    }

    static void feed(java.util.function.Consumer<Fragment> sink, List<Fragment> fragments) {
        for (Fragment f : fragments) sink.accept(f);
    }

    static void awaitIdle(EvidenceWriter writer, long fragmentsWritten) {
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            WriterStats stats = writer.stats();
            return stats.fragmentsWritten() >= fragmentsWritten && stats.queuedFragments() == 0;
        });
    }

    static Path copy(Path dir, Path target) throws IOException {
        Files.createDirectories(target);
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : files.toList()) Files.copy(p, target.resolve(p.getFileName()));
        }
        return target;
    }
}
