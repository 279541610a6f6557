package org.openbwc.gateway.evidence;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.openbwc.config.EncryptionConfig;
import org.openbwc.evidence.encryption.AgencyKeyFiles;
import org.openbwc.evidence.encryption.AgencyKeyPair;
import org.openbwc.evidence.encryption.AgencyPublicKey;
import org.openbwc.evidence.encryption.WrappedDataKey;
import org.tinylog.Logger;

/**
 * The agency keys a gateway was configured with ({@code encryption:} in gateway.yaml): the current public key it hands
 * to units at enrolment, and the private keys, by key id, with which it may open recordings for playback and export.
 * Get it from {@code Gateway#agencyKeys()}; to decrypt a recording, look up its {@link WrappedDataKey#keyId()} with
 * {@link #privateKey} and call {@link AgencyKeyPair#unwrap}. No private key is a valid deployment: the gateway then
 * stores and verifies what it cannot read.
 */
public final class AgencyKeys {
    private final AgencyPublicKey current;
    private final Map<String, AgencyKeyPair> privateKeys;

    /**
     * @param current the public key units get at enrolment; null for none
     * @param privateKeys the private keys this gateway may decrypt with, by key id
     */
    public AgencyKeys(AgencyPublicKey current, Map<String, AgencyKeyPair> privateKeys) {
        this.current = current;
        this.privateKeys = Collections.unmodifiableMap(new LinkedHashMap<>(privateKeys));
    }

    /** No agency key at all: units get none from this gateway, which cannot decrypt. */
    public static AgencyKeys none() {
        return new AgencyKeys(null, Map.of());
    }

    /**
     * Reads the files the configuration names (checked already when it was loaded; read again here, as the files may
     * have changed since) and warns when the current public key has no private key among several configured: the
     * gateway would then store new recordings it cannot play back, which is allowed but rarely meant.
     *
     * @throws IllegalStateException naming the key and the file when one cannot be read now
     */
    public static AgencyKeys load(EncryptionConfig config) {
        Objects.requireNonNull(config, "config is required");
        AgencyPublicKey current = null;
        if (config.publicKeyFile() != null) {
            current = read(config.publicKeyFile(), "encryption.publicKey", AgencyKeyFiles::readPublicKey);
        }
        Map<String, AgencyKeyPair> pairs = new LinkedHashMap<>();
        for (Path file : config.privateKeyFiles()) {
            AgencyKeyPair pair = read(file, "encryption.privateKeys", AgencyKeyFiles::readKeyPair);
            pairs.put(pair.keyId(), pair);
        }
        AgencyKeys keys = new AgencyKeys(current, pairs);
        if (current == null) {
            Logger.info(
                    "No agency public key (encryption.publicKey): units enrolled here get none and encrypt to the key in"
                            + " their own config, if any");
        } else {
            Logger.info(
                    "Agency public key {} from {}: units get it at enrolment; this gateway {}",
                    current.keyId(),
                    config.publicKeyFile().toAbsolutePath(),
                    pairs.isEmpty()
                            ? "has no private key and cannot decrypt (encryption.privateKeys is empty)"
                            : "can decrypt recordings encrypted to " + String.join(", ", pairs.keySet()));
            if (!pairs.isEmpty() && !pairs.containsKey(current.keyId())) {
                Logger.warn(
                        "encryption.publicKey {} ({}) has no matching agency.key in encryption.privateKeys ({}): this"
                                + " gateway cannot decrypt the recordings units make from now on. Add its agency.key"
                                + " there, or check that publicKey names the agency.pub of the same pair",
                        current.keyId(),
                        config.publicKeyFile(),
                        String.join(", ", pairs.keySet()));
            }
        }
        return keys;
    }

    /** The public key units get at enrolment; empty when none is configured. */
    public Optional<AgencyPublicKey> current() {
        return Optional.ofNullable(current);
    }

    /** The private key with this key id (as a recording's manifest names it); empty when this gateway lacks it. */
    public Optional<AgencyKeyPair> privateKey(String keyId) {
        return Optional.ofNullable(privateKeys.get(keyId));
    }

    /** The key ids this gateway can decrypt, in the order configured. */
    public Set<String> privateKeyIds() {
        return privateKeys.keySet();
    }

    /** Whether this gateway holds any private key at all. */
    public boolean canDecrypt() {
        return !privateKeys.isEmpty();
    }

    private interface Reader<T> {
        T read(Path file);
    }

    private static <T> T read(Path file, String key, Reader<T> reader) {
        try {
            return reader.read(file);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(
                    "cannot use " + key + " " + file.toAbsolutePath() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "AgencyKeys current " + (current == null ? "none" : current.keyId()) + ", private "
                + privateKeys.keySet();
    }
}
