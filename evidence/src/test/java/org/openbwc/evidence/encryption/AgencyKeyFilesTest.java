package org.openbwc.evidence.encryption;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The agency's key files: written with the modes the docs promise, never overwritten, read back as written. */
@Timeout(60)
class AgencyKeyFilesTest {
    @TempDir
    Path dir;

    @Test
    void aNewPairIsWrittenWithItsModesAndReadsBack() throws Exception {
        Path out = dir.resolve("new/keys");
        AgencyKeyPair pair = AgencyKeyPair.generate();

        AgencyKeyFiles.writeNew(out, pair);

        Path key = out.resolve(AgencyKeyFiles.PRIVATE_KEY);
        Path pub = out.resolve(AgencyKeyFiles.PUBLIC_KEY);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(out)))
                .isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key)))
                .isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(pub)))
                .isEqualTo("rw-r--r--");
        assertThat(Files.readString(key)).startsWith("-----BEGIN PRIVATE KEY-----");
        assertThat(AgencyKeyFiles.readKeyPair(key).keyId()).isEqualTo(pair.keyId());
        assertThat(AgencyKeyFiles.readPublicKey(pub)).isEqualTo(pair.publicKey());
    }

    @Test
    void theKeysAreInTheFormOpenSslWritesAndReads() {
        // From `openssl genpkey -algorithm X25519` and `openssl pkey -pubout` (OpenSSL 3.0.19).
        String opensslKey = """
                -----BEGIN PRIVATE KEY-----
                MC4CAQAwBQYDK2VuBCIEIKBw6kk5SG/ux25zEEqVWEfeH3QDJ/XMKDxfBQf9EPFa
                -----END PRIVATE KEY-----
                """;
        String opensslPub = """
                -----BEGIN PUBLIC KEY-----
                MCowBQYDK2VuAyEAXaREr9jzvj2hGGgX8rucAqxkypiG7qhtQadUm0RGBkg=
                -----END PUBLIC KEY-----
                """;
        AgencyKeyPair pair = AgencyKeyPair.fromPem(opensslKey);

        assertThat(pair.publicKey()).isEqualTo(AgencyPublicKey.fromPem(opensslPub));
        // Written back byte for byte as OpenSSL wrote them: PKCS#8 version 1, without the public key that OpenSSL
        // 3.0 cannot read.
        assertThat(pair.toPem().replace("\r", "")).isEqualTo(opensslKey);
        assertThat(pair.publicKey().toPem().replace("\r", "")).isEqualTo(opensslPub);
    }

    @Test
    void existingFilesAreNeverOverwritten() throws Exception {
        AgencyKeyPair first = AgencyKeyPair.generate();
        AgencyKeyFiles.writeNew(dir, first);

        assertThatThrownBy(() -> AgencyKeyFiles.writeNew(dir, AgencyKeyPair.generate()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(dir.resolve("agency.key") + " exists already")
                .hasMessageContaining("not overwritten");
        assertThat(AgencyKeyFiles.readKeyPair(dir.resolve("agency.key")).keyId())
                .isEqualTo(first.keyId());

        // Only the public half left over from another pair: still refused, and nothing written.
        Path other = dir.resolve("other");
        Files.createDirectories(other);
        Files.writeString(other.resolve("agency.pub"), first.publicKey().toPem());
        assertThatThrownBy(() -> AgencyKeyFiles.writeNew(other, AgencyKeyPair.generate()))
                .hasMessageContaining("agency.pub exists already");
        assertThat(other.resolve("agency.key")).doesNotExist();
    }

    @Test
    void aPublicKeyReplacesTheOldOneAtomicallyWithMode644() throws Exception {
        Path file = dir.resolve("unit/keys/agency.pub");
        AgencyPublicKey a = AgencyKeyPair.generate().publicKey();
        AgencyPublicKey b = AgencyKeyPair.generate().publicKey();

        AgencyKeyFiles.writePublicKey(file, a);
        AgencyKeyFiles.writePublicKey(file, b);

        assertThat(AgencyKeyFiles.readPublicKey(file)).isEqualTo(b);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .isEqualTo("rw-r--r--");
        try (var files = Files.list(file.getParent())) {
            assertThat(files).containsExactly(file);
        }
    }

    @Test
    void whatCannotBeUsedIsSaidInAFewWords() throws Exception {
        AgencyKeyPair pair = AgencyKeyPair.generate();
        AgencyKeyFiles.writeNew(dir, pair);

        assertThatThrownBy(() -> AgencyKeyFiles.readPublicKey(dir.resolve("missing.pub")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("no such file");
        assertThatThrownBy(() -> AgencyKeyFiles.readPublicKey(dir.resolve("agency.key")))
                .hasMessageContaining("this PEM holds a PRIVATE KEY, not the agency's PUBLIC KEY (agency.pub)");
        assertThatThrownBy(() -> AgencyKeyFiles.readKeyPair(dir.resolve("agency.pub")))
                .hasMessageContaining("this PEM holds a PUBLIC KEY, not the agency's PRIVATE KEY (agency.key)");
        assertThatThrownBy(() -> AgencyKeyFiles.readKeyPair(dir)).hasMessage("is a directory, not a key file");
    }
}
