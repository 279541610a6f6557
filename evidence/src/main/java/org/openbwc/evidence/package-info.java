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
 * <h2>Chain</h2>
 * {@code chain_0 = SHA-256(UTF-8 bytes of recordingId)}; for every {@code init} and {@code fragment} line in order,
 * {@code chain_n = SHA-256(chain_{n-1} || sha256_n)} over the raw 32-byte digests, hex in the journal. The last
 * value is the manifest's {@code chainHead}.
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
