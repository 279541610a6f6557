package org.openbwc.store.objects;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;

/**
 * Where offloaded recordings' files live once the gateway has verified them: a directory tree in the gateway's data
 * dir ({@link FileEvidenceObjects}) or an S3-compatible bucket. A recording's files are written once and never
 * overwritten; only retention deletes them, and a write-once store may refuse that until its retention date.
 *
 * <p>Files are addressed by unit, recording id and file name ({@code seg-000001.mp4}, {@code journal.jsonl},
 * {@code manifest.json}, ...); callers pass names already checked by {@link ObjectNames}. Implementations are
 * thread-safe.
 */
public interface EvidenceObjects extends AutoCloseable {

    /**
     * Copies every regular file directly in {@code dir} into the store under the recording, each with its SHA-256
     * checked after the write where the store can tell. Storing the same content again is a no-op; a file already
     * stored with other content is refused with an {@link IOException} naming it.
     *
     * @return the bytes the recording's files take in the store
     */
    long put(String unitId, String recordingId, Path dir) throws IOException;

    /** The recording's files with their sizes, sorted by name; empty if nothing is stored for it. */
    List<StoredFile> list(String unitId, String recordingId) throws IOException;

    /**
     * Reads {@code length} bytes of one file from {@code offset} (playback with HTTP ranges, export). The caller closes
     * the stream.
     *
     * @throws java.nio.file.NoSuchFileException if the file is not stored
     */
    InputStream open(String unitId, String recordingId, String file, long offset, long length) throws IOException;

    /** Deletes the recording's files (retention); true if there was anything to delete. */
    boolean delete(String unitId, String recordingId) throws IOException;

    /** Where the objects are, for logs and the health page: {@code file:/var/lib/bwc/evidence}, {@code s3://...}. */
    String describe();

    @Override
    void close() throws IOException;

    /** One stored file. */
    record StoredFile(String name, long bytes) {}
}
