package org.openbwc.store.objects;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openbwc.store.objects.EvidenceObjects.StoredFile;

/** What every {@link EvidenceObjects} does, whatever it keeps the files in; subclasses say how to open one. */
abstract class EvidenceObjectsContract {

    @TempDir
    Path tempDir;

    EvidenceObjects objects;
    Path recording;
    byte[] segment;

    /** A fresh, empty store. */
    abstract EvidenceObjects openStore(Path tempDir) throws Exception;

    @BeforeEach
    void openAndPrepare() throws Exception {
        objects = openStore(tempDir);
        recording = Files.createDirectories(tempDir.resolve("offload/rec-1"));
        segment = new byte[300_000];
        new Random(15).nextBytes(segment);
        Files.write(recording.resolve("seg-000001.mp4"), segment);
        Files.write(recording.resolve("seg-000002.mp4"), Arrays.copyOf(segment, 1000));
        Files.writeString(recording.resolve("journal.jsonl"), "{\"seq\":1}\n{\"seq\":2}\n");
        Files.writeString(recording.resolve("manifest.json"), "{\"recording\":\"rec-1\"}");
        Files.write(recording.resolve("seg-000003.mp4.torn-at-512"), new byte[0]);
        // A sub-folder is not part of the recording's files.
        Files.createDirectories(recording.resolve("scratch"));
    }

    @AfterEach
    void closeStore() throws Exception {
        if (objects != null) objects.close();
    }

    @Test
    void putsAFolderOfFilesAndListsThemByName() throws IOException {
        long bytes = objects.put("unit-1", "rec-1", recording);

        assertThat(bytes).isEqualTo(300_000 + 1000 + 20 + 21);
        assertThat(objects.list("unit-1", "rec-1"))
                .containsExactly(
                        new StoredFile("journal.jsonl", 20),
                        new StoredFile("manifest.json", 21),
                        new StoredFile("seg-000001.mp4", 300_000),
                        new StoredFile("seg-000002.mp4", 1000),
                        new StoredFile("seg-000003.mp4.torn-at-512", 0));
        assertThat(objects.list("unit-1", "rec-2")).isEmpty();
        assertThat(objects.list("unit-2", "rec-1")).isEmpty();
        assertThat(read("seg-000001.mp4", 0, segment.length)).isEqualTo(segment);
    }

    @Test
    void puttingTheSameFilesAgainChangesNothing() throws IOException {
        long first = objects.put("unit-1", "rec-1", recording);
        List<StoredFile> listed = objects.list("unit-1", "rec-1");

        assertThat(objects.put("unit-1", "rec-1", recording)).isEqualTo(first);
        assertThat(objects.list("unit-1", "rec-1")).isEqualTo(listed);
        assertThat(read("manifest.json", 0, 100)).asString().isEqualTo("{\"recording\":\"rec-1\"}");
    }

    @Test
    void refusesOtherContentUnderAStoredNameAndKeepsTheStoredFile() throws IOException {
        objects.put("unit-1", "rec-1", recording);
        Path other = Files.createDirectories(tempDir.resolve("other/rec-1"));
        Files.writeString(other.resolve("manifest.json"), "{\"recording\":\"forged\"}");

        assertThatThrownBy(() -> objects.put("unit-1", "rec-1", other))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("manifest.json")
                .hasMessageContaining("refusing to overwrite");
        assertThat(read("manifest.json", 0, 100)).asString().isEqualTo("{\"recording\":\"rec-1\"}");
        assertThat(objects.list("unit-1", "rec-1")).contains(new StoredFile("manifest.json", 21));
    }

    @Test
    void readsRangesAtTheStartInTheMiddleAtTheEndAndPastIt() throws IOException {
        objects.put("unit-1", "rec-1", recording);

        assertThat(read("seg-000001.mp4", 0, 10)).isEqualTo(Arrays.copyOfRange(segment, 0, 10));
        assertThat(read("seg-000001.mp4", 123_456, 70_000)).isEqualTo(Arrays.copyOfRange(segment, 123_456, 193_456));
        assertThat(read("seg-000001.mp4", 299_990, 10)).isEqualTo(Arrays.copyOfRange(segment, 299_990, 300_000));
        // A range reaching past the end gives what there is; one starting past it gives nothing.
        assertThat(read("seg-000001.mp4", 299_995, 1000)).isEqualTo(Arrays.copyOfRange(segment, 299_995, 300_000));
        assertThat(read("seg-000001.mp4", 300_000, 10)).isEmpty();
        assertThat(read("seg-000001.mp4", 400_000, 10)).isEmpty();
        assertThat(read("seg-000001.mp4", 5, 0)).isEmpty();
    }

    @Test
    void aFileThatIsNotStoredIsNoSuchFile() throws IOException {
        objects.put("unit-1", "rec-1", recording);

        assertThatThrownBy(() -> objects.open("unit-1", "rec-1", "seg-000009.mp4", 0, 10))
                .isInstanceOf(NoSuchFileException.class)
                .hasMessageContaining("seg-000009.mp4");
        assertThatThrownBy(() -> objects.open("unit-1", "rec-9", "manifest.json", 0, 0))
                .isInstanceOf(NoSuchFileException.class);
    }

    @Test
    void deletesTheRecordingsFilesOnly() throws IOException {
        objects.put("unit-1", "rec-1", recording);
        objects.put("unit-1", "rec-10", recording);

        assertThat(objects.delete("unit-1", "rec-1")).isTrue();

        assertThat(objects.list("unit-1", "rec-1")).isEmpty();
        assertThat(objects.delete("unit-1", "rec-1")).isFalse();
        assertThatThrownBy(() -> objects.open("unit-1", "rec-1", "manifest.json", 0, 10))
                .isInstanceOf(NoSuchFileException.class);
        // rec-10 shares rec-1 as a text prefix but is another recording.
        assertThat(objects.list("unit-1", "rec-10")).hasSize(5);
    }

    @Test
    void refusesUnsafeNames() throws IOException {
        for (String bad : List.of("../x", "", "..", "a/b", ".hidden")) {
            assertThatThrownBy(() -> objects.list(bad, "rec-1"))
                    .as("unit id '%s'", bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("not a safe name");
            assertThatThrownBy(() -> objects.put("unit-1", bad, recording))
                    .as("recording id '%s'", bad)
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> objects.open("unit-1", "rec-1", bad, 0, 1))
                    .as("file name '%s'", bad)
                    .isInstanceOf(IllegalArgumentException.class);
        }
        Files.writeString(recording.resolve("..x"), "sneaky");
        assertThatThrownBy(() -> objects.put("unit-1", "rec-1", recording))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("..x");
    }

    @Test
    void describesWhereTheObjectsAre() {
        assertThat(objects.describe()).isNotBlank();
    }

    byte[] read(String file, long offset, long length) throws IOException {
        try (InputStream in = objects.open("unit-1", "rec-1", file, offset, length)) {
            return in.readAllBytes();
        }
    }
}
