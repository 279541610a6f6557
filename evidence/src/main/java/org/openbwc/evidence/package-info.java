/**
 * The evidence format: what a recording folder holds and how it is read and verified, without the code that writes
 * it (the unit's writer, recovery and key files are in {@code org.openbwc.device.evidence}). What a verifier needs:
 * {@link org.openbwc.evidence.EvidenceVerifier} checks a folder ({@code verify}) or a manifest and its journal as
 * bytes ({@code checkJournal}); {@link org.openbwc.evidence.JournalReader#mediaPieces} lists where each piece of
 * media is and its hash; {@link org.openbwc.evidence.RecordingLayout} names the files.
 *
 * <h2>On disk</h2>
 * <pre>
 * &lt;evidence root&gt;/&lt;recordingId&gt;/
 *   seg-000001.mp4 …   init segment + fragments, first one a keyframe; append-only; plays on its own
 *   journal.jsonl      one JSON object per line, append-only, fsync'd (see below)
 *   manifest.json      written once, atomically, when the recording is sealed; Ed25519-signed
 *   *.torn-at-N        bytes recovery cut off a file at offset N after a crash (kept, listed in the manifest)
 * </pre>
 *
 * <h2>Journal lines</h2>
 * {@code open} (who/what/when), then per segment an {@code init} line and one {@code fragment} line per fragment:
 * <pre>
 * {"type":"fragment","segment":"seg-000001.mp4","offset":10143,"length":6547,"sha256":"…","chain":"…","seq":2,
 *  "muxSeq":2,"keyframe":false,"preEvent":true,"mediaStartMicros":200000,"durationMicros":200000,
 *  "wallClock":"2025-03-01T10:00:00.400Z"}
 * </pre>
 * {@code seq} numbers the recording's fragments 1, 2, 3 … with no holes; {@code preEvent} appears only when true.
 * A {@code segment} line seals each segment file (length, SHA-256 of the file); {@code marker}, {@code location}
 * and {@code gap} lines carry markers, GNSS fixes and fragments lost before reaching the disk; a {@code close} line
 * ends it (reason, endedAt and, after recovery, what was cut).
 *
 * <h2>Encrypted recordings</h2>
 * A recording is encrypted when its {@code open} line carries {@code "encryption": {"scheme","keyId","enc",
 * "ciphertext"}}: a fresh random 32-byte data key of this recording wrapped to the agency's X25519 public key
 * ({@link org.openbwc.evidence.encryption.WrappedDataKey}, HPKE with the recording id as associated data). The manifest
 * carries the same object as {@code encryption} (derived from the journal like every other field, so recovery seals it
 * the same way); a plaintext recording has no {@code encryption} member anywhere, and its bytes are as before. Each
 * init segment and fragment is written as {@code PieceCipher.seal(plain, PieceCipher.aad(recordingId, segment,
 * offset))} (12-byte nonce, ciphertext, 16-byte tag), {@code offset} being where the sealed piece starts in its
 * segment file. The media line's {@code offset}, {@code length} and {@code sha256} are of the sealed bytes on disk, so
 * segment hashes, torn-tail recovery and per-part upload checks need no key; it adds {@code plainSha256} (hex SHA-256
 * of the plaintext piece) and {@code plainLength} ({@code length - 28}). Journal lines, markers, locations and the
 * manifest stay plaintext.
 *
 * <h2>Chain</h2>
 * {@code chain_0 = SHA-256(UTF-8 bytes of recordingId)}; for every {@code init} and {@code fragment} line in order,
 * {@code chain_n = SHA-256(chain_{n-1} || sha256_n)} over the raw 32-byte digests, hex in the journal; in an
 * encrypted recording {@code chain_n = SHA-256(chain_{n-1} || sha256_n || plainSha256_n)}, so the signed chain head
 * covers the plaintext too and a decrypted export is provably the recorded media. The last value is the manifest's
 * {@code chainHead}.
 *
 * <h2>Signature</h2>
 * {@code signature} = base64 Ed25519 over the canonical manifest: parsed, {@code signature} removed, members sorted
 * by name at every level, written with no whitespace in UTF-8, byte for byte what Jackson wrote in earlier versions
 * (see {@link org.openbwc.evidence.EvidenceJson}). {@code publicKey} = base64 X.509 DER of the device key (see
 * {@link org.openbwc.evidence.ManifestSignature}).
 *
 * <p>Nothing in this package writes or deletes a file.
 */
package org.openbwc.evidence;
