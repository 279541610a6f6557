package org.openbwc.config;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.openbwc.evidence.encryption.AgencyKeyFiles;

/**
 * The agency keys of a gateway: the public key units encrypt their recordings to (handed to each unit at enrolment),
 * and the private keys, where present, with which this gateway can decrypt for playback and export. The files are
 * read when the configuration is loaded, so a wrong or missing file is reported with its line, not at first use.
 */
public record EncryptionConfig(
        @Doc("The agency's current public key (agency.pub from `bwc agency keygen`): the gateway gives it to each unit"
                + " at enrolment and units encrypt their recordings to it. To rotate, point this at a new key: new"
                + " recordings use it, older ones stay readable with the old private key. A relative path is"
                + " relative to the working directory of the process.")
        @NullMeans("no agency key: units enrolled here get none and need evidence.agencyKey in their own config")
        @TextLength(min = 1, max = 4096)
        String publicKey,

        @Doc("Comma-separated agency private keys (agency.key files) this gateway may decrypt recordings with, for"
                + " playback and export; keep the old ones after a rotation. Empty: the gateway cannot decrypt, which"
                + " is a valid deployment (decryption then happens elsewhere, where the agency.key is).")
        @DefaultValue("")
        @TextLength(min = 0, max = 16384)
        String privateKeys) {

    public EncryptionConfig {
        Constraints.check(EncryptionConfig.class, publicKey, privateKeys);
        List<Violation> problems = new ArrayList<>();
        if (publicKey != null) {
            check(publicKey, "publicKey", true, problems);
        }
        for (String file : split(privateKeys)) {
            check(file, "privateKeys", false, problems);
        }
        if (!problems.isEmpty()) throw new InvalidRecordException(EncryptionConfig.class, problems);
    }

    /** No agency key: units get none from this gateway, and it cannot decrypt. */
    public static EncryptionConfig defaults() {
        return (EncryptionConfig) RecordSpec.of(EncryptionConfig.class).defaults(Map.of());
    }

    /** The public key file; null when none is configured. */
    public Path publicKeyFile() {
        return publicKey == null ? null : Path.of(publicKey);
    }

    /** The private key files, in the order written. */
    public List<Path> privateKeyFiles() {
        return split(privateKeys).stream().map(Path::of).toList();
    }

    /** Copy with other private keys (paths joined with commas). */
    public EncryptionConfig withPrivateKeys(List<Path> files) {
        return new EncryptionConfig(
                publicKey, String.join(", ", files.stream().map(Path::toString).toList()));
    }

    private static void check(String file, String key, boolean isPublic, List<Violation> out) {
        String kind = isPublic ? "agency.pub" : "agency.key";
        try {
            Path path = Path.of(file);
            if (isPublic) {
                AgencyKeyFiles.readPublicKey(path);
            } else {
                AgencyKeyFiles.readKeyPair(path);
            }
        } catch (InvalidPathException e) {
            out.add(new Violation(key, file, "is not a valid path", "the path of an " + kind + " file"));
        } catch (IllegalArgumentException e) {
            out.add(new Violation(
                    key,
                    file,
                    // The list's whole value is shown before this, so the file it is about is named.
                    (isPublic ? "" : "names " + file + ", which ") + "cannot be used: " + e.getMessage(),
                    isPublic
                            ? "an agency.pub written by `bwc agency keygen`, readable by the gateway's user"
                            : "agency.key files written by `bwc agency keygen`, readable by the gateway's user"));
        }
    }

    private static List<String> split(String text) {
        List<String> out = new ArrayList<>();
        if (text == null) return out;
        for (String part : text.split(",")) {
            String t = part.strip();
            if (!t.isEmpty()) out.add(t);
        }
        return out;
    }
}
