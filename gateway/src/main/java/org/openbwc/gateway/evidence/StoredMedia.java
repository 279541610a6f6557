package org.openbwc.gateway.evidence;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.openbwc.evidence.RecordingLayout;
import org.openbwc.evidence.encryption.AgencyKeyPair;
import org.openbwc.evidence.encryption.RecordingDecryptor;
import org.openbwc.json.JsonException;
import org.openbwc.json.JsonReader;
import org.openbwc.store.objects.EvidenceObjects;

/**
 * The media of stored recordings as the room plays and exports it: a plaintext recording's segments as stored, an
 * encrypted one's decrypted piece by piece with the agency key this gateway holds (each piece checked against its
 * signed plaintext hash), or a clear refusal where it holds none.
 */
public final class StoredMedia {
    /** How many recordings' journals are kept for decrypting: a few being watched at once. */
    private static final int JOURNALS_KEPT = 4;

    /** Whether a stored recording is encrypted, and to which agency key. */
    public record Encryption(String keyId, boolean decryptable) {
        public boolean encrypted() {
            return keyId != null;
        }

        /** Why this gateway cannot play it; null when it can. */
        public String refusal(String recordingId) {
            return !encrypted() || decryptable
                    ? null
                    : "recording " + recordingId + " is encrypted to agency key " + keyId
                            + "; this gateway has no private key for it (encryption.privateKeys in gateway.yaml):"
                            + " decrypt an export where that key is kept, with bwc evidence export --agency-key";
        }
    }

    private final EvidenceObjects objects;
    private final AgencyKeys keys;
    private final Map<String, Encryption> encryption = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Encryption> eldest) {
            return size() > 1024;
        }
    };
    private final Map<String, byte[]> journals = new LinkedHashMap<>(8, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, byte[]> eldest) {
            return size() > JOURNALS_KEPT;
        }
    };

    public StoredMedia(EvidenceObjects objects, AgencyKeys keys) {
        this.objects = Objects.requireNonNull(objects, "objects");
        this.keys = Objects.requireNonNull(keys, "keys");
    }

    /** Whether the stored recording is encrypted (its manifest says so) and whether this gateway can decrypt it. */
    public Encryption encryption(String unitId, String recordingId) throws IOException {
        synchronized (encryption) {
            Encryption known = encryption.get(recordingId);
            if (known != null) return known;
        }
        String keyId = keyIdOf(read(unitId, recordingId, RecordingLayout.MANIFEST_FILE));
        Encryption found =
                new Encryption(keyId, keyId != null && keys.privateKey(keyId).isPresent());
        synchronized (encryption) {
            encryption.put(recordingId, found);
        }
        return found;
    }

    /** One segment as played: its length and its bytes by range. */
    public interface Segment {
        /** The stored bytes, or an encrypted segment's plaintext length. */
        long length();

        /**
         * Writes {@code length} bytes from {@code start}: the stored bytes, or the plaintext of the pieces that hold
         * them, each opened and checked.
         *
         * @throws org.openbwc.evidence.encryption.DecryptionException if a piece was altered or the key does not open
         *     it
         */
        void copy(long start, long length, OutputStream out) throws IOException;
    }

    /**
     * A segment as played. An encrypted one's data key is unwrapped and its layout read from the journal once here,
     * for both the length and the range that a request needs.
     */
    public Segment segment(String unitId, String recordingId, String segment, long storedBytes) throws IOException {
        if (!encryption(unitId, recordingId).encrypted()) {
            return new Segment() {
                @Override
                public long length() {
                    return storedBytes;
                }

                @Override
                public void copy(long start, long length, OutputStream out) throws IOException {
                    try (InputStream in = objects.open(unitId, recordingId, segment, start, length)) {
                        in.transferTo(out);
                    }
                }
            };
        }
        RecordingDecryptor decryptor = decryptor(unitId, recordingId);
        RecordingDecryptor.SegmentLayout layout = decryptor.layout(segment);
        return new Segment() {
            @Override
            public long length() {
                return layout.plainLength();
            }

            @Override
            public void copy(long start, long length, OutputStream out) throws IOException {
                long position = start;
                long end = start + length;
                int index = layout.pieceAt(position);
                if (index < 0) throw new IOException(segment + ": byte " + start + " is past its end");
                while (position < end) {
                    RecordingDecryptor.Piece piece = layout.pieces().get(index++);
                    byte[] plain = decryptor.open(piece);
                    int from = Math.toIntExact(position - piece.plainOffset());
                    int n = (int) Math.min(plain.length - from, end - position);
                    out.write(plain, from, n);
                    position += n;
                }
            }
        };
    }

    /** The segments of an encrypted recording, decrypted in turn: for an export (see {@link #encryption} first). */
    public RecordingDecryptor decryptor(String unitId, String recordingId) throws IOException {
        byte[] journal;
        synchronized (journals) {
            journal = journals.get(recordingId);
        }
        if (journal == null) {
            journal = read(unitId, recordingId, RecordingLayout.JOURNAL_FILE);
            synchronized (journals) {
                journals.put(recordingId, journal);
            }
        }
        List<AgencyKeyPair> pairs = keys.privateKeyIds().stream()
                .map(id -> keys.privateKey(id).orElseThrow())
                .toList();
        // A decryptor per request: its cipher is not shared between the threads of concurrent range requests.
        return RecordingDecryptor.open(
                journal,
                (segment, offset, length) -> {
                    try (InputStream in = objects.open(unitId, recordingId, segment, offset, length)) {
                        return in.readAllBytes();
                    }
                },
                pairs);
    }

    private byte[] read(String unitId, String recordingId, String file) throws IOException {
        long size = objects.list(unitId, recordingId).stream()
                .filter(f -> f.name().equals(file))
                .findFirst()
                .orElseThrow(() -> new IOException("recording " + recordingId + " has no " + file + " in the store"))
                .bytes();
        try (InputStream in = objects.open(unitId, recordingId, file, 0, size)) {
            return in.readAllBytes();
        }
    }

    /** The agency key id in a manifest's {@code encryption}, or null. */
    private static String keyIdOf(byte[] manifest) throws IOException {
        try {
            if (JsonReader.parse(manifest) instanceof Map<?, ?> m
                    && m.get("encryption") instanceof Map<?, ?> e
                    && e.get("keyId") instanceof String keyId) return keyId;
            return null;
        } catch (JsonException e) {
            throw new IOException("the stored manifest is not JSON: " + e.getMessage(), e);
        }
    }
}
