/**
 * Encryption at rest of recordings: each recording has a fresh AES-256 data key ({@link
 * org.openbwc.evidence.encryption.PieceCipher}) that seals every media piece on its own, and the data key is wrapped
 * to the agency's X25519 public key with HPKE (RFC 9180, BouncyCastle's implementation; {@link
 * org.openbwc.evidence.encryption.AgencyPublicKey#wrap}). A unit holds the public key only, so it cannot read what it
 * recorded; the agency's private key ({@link org.openbwc.evidence.encryption.AgencyKeyPair}) opens it where evidence
 * is decrypted, and {@link org.openbwc.evidence.encryption.RecordingDecryptor} turns an encrypted recording back into
 * its media, piece by piece, checked against the plaintext hashes its signed journal carries.
 */
package org.openbwc.evidence.encryption;
