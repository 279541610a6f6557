package org.openbwc.device.evidence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openbwc.evidence.EvidenceVerifier;
import org.openbwc.evidence.VerificationResult;

/** The evidence disk fills from outside while a recording is written (issue 14, item 5). */
@Timeout(60)
class EvidenceWriterDiskFullTest {
    private static final DeviceKey KEY = DeviceKey.generate();

    @TempDir
    Path root;

    @RegisterExtension
    final PreEventBuffers buffers = new PreEventBuffers();

    @Test
    void aWriteThatFailsForWantOfSpaceSealsWhatIsDurableAtOnceAsStorageFull() throws Exception {
        int initBytes = SyntheticStream.init("a").bytes().length;
        // room for the init segment, 12 fragments of 2,000 bytes and 700 bytes of the 13th: then the disk is full
        long room = initBytes + 12 * 2_000L + 700;
        List<FailedRecording> failed = new CopyOnWriteArrayList<>();
        List<SealedRecording> sealed = new CopyOnWriteArrayList<>();
        EvidenceWriter writer = Recordings.writer(root, KEY)
                .segmentChannels(file -> new FullDiskChannel(
                        FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), room))
                .onFailed(failed::add)
                .onSealed(sealed::add)
                .build();
        writer.open(Recordings.request("rec-full")
                .withPreEvent(new PreEventSnapshot(SyntheticStream.init("a"), List.of())));
        SyntheticStream stream = SyntheticStream.standard();
        Recordings.feed(writer, stream.next(20));

        await().atMost(Duration.ofSeconds(20)).until(() -> !failed.isEmpty());
        FailedRecording f = failed.getFirst();
        assertThat(f.recordingId()).isEqualTo("rec-full");
        assertThat(f.reason()).isEqualTo("No space left on device");
        assertThat(f.sealed()).isTrue();
        assertThat(f.durationMillis()).isEqualTo(2_400L); // 12 fragments of 200 ms were durable
        assertThat(sealed)
                .as("onSealed is for recordings the writer closed itself")
                .isEmpty();
        assertThat(writer.isRecording()).isFalse();
        assertThat(writer.close(Recordings.PRESSED.plusSeconds(9))).isEmpty();

        Path dir = root.resolve("rec-full");
        JsonNode manifest = Recordings.manifest(dir);
        assertThat(manifest.get("endReason").asText()).isEqualTo("storage-full");
        assertThat(manifest.get("fragmentCount").asLong()).isEqualTo(12);
        assertThat(manifest.get("bytesTruncated").asLong())
                .as("the torn 13th fragment")
                .isEqualTo(700);
        assertThat(manifest.get("endedAt").asText())
                .isEqualTo(stream.fragment(12, 2_000).wallClock().toString());
        VerificationResult check = new EvidenceVerifier().verify(dir, Optional.of(KEY.publicKey()));
        assertThat(check.ok()).as(check.message()).isTrue();
        assertThat(Files.exists(dir.resolve("seg-000001.mp4.torn-at-" + (initBytes + 24_000))))
                .isTrue();
    }

    @Test
    void aFullDiskGetsThePreEventScratchFilesBackBeforeTheSeal(@TempDir Path cache) throws Exception {
        PreEventBuffer buffer = buffers.open(2, 64L << 20, cache);
        SyntheticStream stream = SyntheticStream.standard();
        buffer.onInit(SyntheticStream.init("a"));
        for (int i = 0; i < 15; i++) buffer.onFragment(stream.next()); // keeps 2 GOPs: fragments 6..15
        await().atMost(Duration.ofSeconds(20)).until(() -> buffer.heapBytes() == 0);
        assertThat(gopFiles(cache)).isEqualTo(2);

        long room = SyntheticStream.init("a").bytes().length + 12 * 2_000L + 500;
        List<FailedRecording> failed = new CopyOnWriteArrayList<>();
        EvidenceWriter writer = Recordings.writer(root, KEY)
                .segmentChannels(file -> new FullDiskChannel(
                        FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), room))
                .onFailed(failed::add)
                .build();
        writer.open(Recordings.request("rec-scratch"), buffer);
        Recordings.feed(writer, stream.next(10));
        await().atMost(Duration.ofSeconds(20)).until(() -> !failed.isEmpty());

        assertThat(failed.getFirst().sealed()).isTrue();
        assertThat(failed.getFirst().durationMillis()).isEqualTo(2_400L);
        assertThat(buffer.bufferedBytes()).isZero();
        assertThat(gopFiles(cache)).as("scratch files deleted before the seal").isZero();
        assertThat(Recordings.manifest(root.resolve("rec-scratch"))
                        .get("preEventSecondsIncluded")
                        .asDouble())
                .isEqualTo(2.0);
    }

    private static long gopFiles(Path cache) throws IOException {
        try (var files = Files.list(cache)) {
            return files.filter(p -> p.getFileName().toString().startsWith("gop-"))
                    .count();
        }
    }

    @Test
    void aCloseThatWaitsForWritesThatFailReturnsEmptyAndTheFailureIsReportedOnce() throws Exception {
        long room = SyntheticStream.init("a").bytes().length + 3 * 2_000L;
        List<FailedRecording> failed = new CopyOnWriteArrayList<>();
        EvidenceWriter writer = Recordings.writer(root, KEY)
                .segmentChannels(file -> new FullDiskChannel(
                        FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), room))
                .onFailed(failed::add)
                .build();
        writer.open(Recordings.request("rec-closing")
                .withPreEvent(new PreEventSnapshot(SyntheticStream.init("a"), List.of())));
        Recordings.feed(writer, SyntheticStream.standard().next(40));
        assertThat(writer.close(Recordings.PRESSED.plusSeconds(9)))
                .as("no exception: onFailed reports it")
                .isEmpty();
        await().atMost(Duration.ofSeconds(20)).until(() -> !failed.isEmpty());
        assertThat(failed).hasSize(1);
        assertThat(failed.getFirst().sealed()).isTrue();
        assertThat(failed.getFirst().durationMillis()).isEqualTo(600L);
        JsonNode manifest = Recordings.manifest(root.resolve("rec-closing"));
        assertThat(manifest.get("endReason").asText()).isEqualTo("storage-full");
        assertThat(new EvidenceVerifier()
                        .verify(root.resolve("rec-closing"), Optional.of(KEY.publicKey()))
                        .ok())
                .isTrue();
    }

    @Test
    void anotherWriteErrorIsSealedAsWriteFailed() throws Exception {
        List<FailedRecording> failed = new CopyOnWriteArrayList<>();
        EvidenceWriter writer = Recordings.writer(root, KEY)
                .segmentChannels(file -> new FullDiskChannel(
                        FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                        SyntheticStream.init("a").bytes().length + 2_000L,
                        "Input/output error"))
                .onFailed(failed::add)
                .build();
        writer.open(
                Recordings.request("rec-eio").withPreEvent(new PreEventSnapshot(SyntheticStream.init("a"), List.of())));
        Recordings.feed(writer, SyntheticStream.standard().next(5));
        await().atMost(Duration.ofSeconds(20)).until(() -> !failed.isEmpty());
        assertThat(failed.getFirst().reason()).isEqualTo("Input/output error");
        assertThat(failed.getFirst().sealed()).isTrue();
        assertThat(Recordings.manifest(root.resolve("rec-eio")).get("endReason").asText())
                .isEqualTo("write-failed");
    }

    @Test
    void whenTheSealFailsTooTheRecordingIsLeftForBootRecoveryAndReportedUnsealed() throws Exception {
        List<FailedRecording> failed = new CopyOnWriteArrayList<>();
        Path dir = root.resolve("rec-lost");
        EvidenceWriter writer = Recordings.writer(root, KEY)
                .segmentChannels(file ->
                        new FullDiskChannel(
                                FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                                SyntheticStream.init("a").bytes().length + 2_000L) {
                            @Override
                            public int write(ByteBuffer src) throws IOException {
                                try {
                                    return super.write(src);
                                } catch (IOException full) {
                                    // stands in for a seal that cannot be made (recovery finds no journal to seal from)
                                    Files.delete(dir.resolve("journal.jsonl"));
                                    throw full;
                                }
                            }
                        })
                .onFailed(failed::add)
                .build();
        writer.open(Recordings.request("rec-lost")
                .withPreEvent(new PreEventSnapshot(SyntheticStream.init("a"), List.of())));
        Recordings.feed(writer, SyntheticStream.standard().next(5));
        await().atMost(Duration.ofSeconds(20)).until(() -> !failed.isEmpty());
        assertThat(failed.getFirst())
                .isEqualTo(new FailedRecording("rec-lost", "No space left on device", false, null));
        assertThat(Files.exists(dir.resolve("manifest.json"))).isFalse();
        assertThat(writer.isRecording()).isFalse();
    }

    /** A segment file on a disk with {@code room} bytes left: a write past it fails as Linux says ENOSPC. */
    static class FullDiskChannel extends FileChannel {
        private final FileChannel file;
        private final String error;
        private long room;

        FullDiskChannel(FileChannel file, long room) {
            this(file, room, "No space left on device");
        }

        FullDiskChannel(FileChannel file, long room, String error) {
            this.file = file;
            this.room = room;
            this.error = error;
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            if (room <= 0) throw new IOException(error);
            if (src.remaining() <= room) {
                int n = file.write(src);
                room -= n;
                return n;
            }
            ByteBuffer part = src.slice().limit((int) room);
            int n = file.write(part);
            src.position(src.position() + n);
            room -= n;
            return n;
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            return file.read(dst);
        }

        @Override
        public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
            return file.read(dsts, offset, length);
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) {
            throw new UnsupportedOperationException();
        }

        @Override
        public long position() throws IOException {
            return file.position();
        }

        @Override
        public FileChannel position(long newPosition) throws IOException {
            file.position(newPosition);
            return this;
        }

        @Override
        public long size() throws IOException {
            return file.size();
        }

        @Override
        public FileChannel truncate(long size) throws IOException {
            file.truncate(size);
            return this;
        }

        @Override
        public void force(boolean metaData) throws IOException {
            file.force(metaData);
        }

        @Override
        public long transferTo(long position, long count, WritableByteChannel target) {
            throw new UnsupportedOperationException();
        }

        @Override
        public long transferFrom(ReadableByteChannel src, long position, long count) {
            throw new UnsupportedOperationException();
        }

        @Override
        public int read(ByteBuffer dst, long position) throws IOException {
            return file.read(dst, position);
        }

        @Override
        public int write(ByteBuffer src, long position) {
            throw new UnsupportedOperationException();
        }

        @Override
        public MappedByteBuffer map(MapMode mode, long position, long size) {
            throw new UnsupportedOperationException();
        }

        @Override
        public FileLock lock(long position, long size, boolean shared) {
            throw new UnsupportedOperationException();
        }

        @Override
        public FileLock tryLock(long position, long size, boolean shared) {
            throw new UnsupportedOperationException();
        }

        @Override
        protected void implCloseChannel() throws IOException {
            file.close();
        }
    }
}
