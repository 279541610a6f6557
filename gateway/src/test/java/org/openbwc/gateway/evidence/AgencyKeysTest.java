package org.openbwc.gateway.evidence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openbwc.config.EncryptionConfig;
import org.openbwc.evidence.encryption.AgencyKeyFiles;
import org.openbwc.evidence.encryption.AgencyKeyPair;
import org.openbwc.evidence.encryption.WrappedDataKey;

/** The gateway's agency keys: the current public key, and the private keys it decrypts with, found by key id. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class AgencyKeysTest {
    @TempDir
    Path dir;

    AgencyKeyPair pair(String name) {
        AgencyKeyPair p = AgencyKeyPair.generate();
        AgencyKeyFiles.writeNew(dir.resolve(name), p);
        return p;
    }

    @Test
    void afterARotationBothOldAndNewRecordingsOpenWithTheKeyTheirManifestNames() {
        AgencyKeyPair old = pair("2025");
        AgencyKeyPair current = pair("2026");
        EncryptionConfig config = new EncryptionConfig(
                dir.resolve("2026/agency.pub").toString(),
                dir.resolve("2026/agency.key") + ", " + dir.resolve("2025/agency.key"));

        AgencyKeys keys = AgencyKeys.load(config);

        assertThat(keys.current()).contains(current.publicKey());
        assertThat(keys.privateKeyIds()).containsExactly(current.keyId(), old.keyId());
        assertThat(keys.canDecrypt()).isTrue();
        byte[] dataKey = new byte[32];
        WrappedDataKey before = old.publicKey().wrap(dataKey, "rec-1");
        WrappedDataKey after = keys.current().orElseThrow().wrap(dataKey, "rec-2");
        assertThat(keys.privateKey(before.keyId()).orElseThrow().unwrap(before, "rec-1"))
                .isEqualTo(dataKey);
        assertThat(keys.privateKey(after.keyId()).orElseThrow().unwrap(after, "rec-2"))
                .isEqualTo(dataKey);
        assertThat(keys.privateKey("x25519:0000000000000000")).isEmpty();
    }

    @Test
    void aPublicKeyAloneIsAGatewayThatCannotDecrypt() {
        AgencyKeyPair p = pair("k");
        AgencyKeys keys =
                AgencyKeys.load(new EncryptionConfig(dir.resolve("k/agency.pub").toString(), ""));
        assertThat(keys.current()).contains(p.publicKey());
        assertThat(keys.canDecrypt()).isFalse();
        assertThat(AgencyKeys.load(EncryptionConfig.defaults()).current()).isEmpty();
    }

    @Test
    void aKeyFileGoneSinceTheConfigWasLoadedStopsTheStartNamingIt() throws Exception {
        pair("k");
        EncryptionConfig config =
                new EncryptionConfig(dir.resolve("k/agency.pub").toString(), "");
        Files.delete(dir.resolve("k/agency.pub"));

        assertThatThrownBy(() -> AgencyKeys.load(config))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("encryption.publicKey " + dir.resolve("k/agency.pub"))
                .hasMessageContaining("no such file");
    }
}
