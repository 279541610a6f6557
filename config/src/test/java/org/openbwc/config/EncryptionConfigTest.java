package org.openbwc.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openbwc.evidence.encryption.AgencyKeyFiles;
import org.openbwc.evidence.encryption.AgencyKeyPair;

/** The gateway's encryption section: key files read at load, and what a technician is told when one is wrong. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class EncryptionConfigTest {
    @TempDir
    Path dir;

    private Path write(String yaml) throws Exception {
        Path file = dir.resolve("gateway.yaml");
        Files.writeString(file, yaml);
        return file;
    }

    private List<String> problems(String yaml) throws Exception {
        Path file = write(yaml);
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.loadGateway(file));
        return e.problems().stream().map(ConfigProblem::toString).toList();
    }

    private Path keys(String name) {
        Path d = dir.resolve(name);
        AgencyKeyFiles.writeNew(d, AgencyKeyPair.generate());
        return d;
    }

    @Test
    void byDefaultTheGatewayHasNoAgencyKey() {
        EncryptionConfig e = GatewayConfig.defaults("gw").encryption();
        assertThat(e).isEqualTo(EncryptionConfig.defaults());
        assertThat(e.publicKeyFile()).isNull();
        assertThat(e.privateKeyFiles()).isEmpty();
    }

    @Test
    void readsTheCurrentPublicKeyAndEveryPrivateKey() throws Exception {
        Path old = keys("2025");
        Path current = keys("2026");
        GatewayConfig gw = ConfigLoader.loadGateway(write("gatewayId: gw-1\n"
                + "encryption:\n"
                + "  publicKey: " + current.resolve("agency.pub") + "\n"
                + "  privateKeys: " + current.resolve("agency.key") + " , " + old.resolve("agency.key") + "\n"));

        assertThat(gw.encryption().publicKeyFile()).isEqualTo(current.resolve("agency.pub"));
        assertThat(gw.encryption().privateKeyFiles())
                .containsExactly(current.resolve("agency.key"), old.resolve("agency.key"));
        assertThat(gw.withGatewayId("gw-2").encryption()).isEqualTo(gw.encryption());
    }

    @Test
    void aMissingFileAndAPrivateKeyGivenAsThePublicOneAreNamedWithTheirLines() throws Exception {
        Path k = keys("k");
        Path f = dir.resolve("gateway.yaml");
        Path missing = dir.resolve("nowhere/agency.key");

        assertThat(problems("gatewayId: gw-1\n"
                        + "encryption:\n"
                        + "  publicKey: " + k.resolve("agency.key") + "\n"
                        + "  privateKeys: " + k.resolve("agency.key") + ", " + missing + "\n"))
                .containsExactly(
                        f + ":3 encryption.publicKey: " + k.resolve("agency.key")
                                + " cannot be used: this PEM holds a PRIVATE KEY, not the agency's PUBLIC KEY"
                                + " (agency.pub) (allowed: an agency.pub written by `bwc agency keygen`, readable by"
                                + " the gateway's user)",
                        // The list is shortened to 80 characters, so the problem names the file.
                        f + ":4 encryption.privateKeys: "
                                + ConfigProblem.display(k.resolve("agency.key") + ", " + missing) + " names "
                                + missing
                                + ", which cannot be used: no such file (allowed:"
                                + " agency.key files written by `bwc agency keygen`, readable by the gateway's user)");
    }

    @Test
    void aPublicKeyListedAsAPrivateKeyIsRefused() throws Exception {
        Path k = keys("k");
        assertThat(problems("gatewayId: gw-1\nencryption:\n  privateKeys: " + k.resolve("agency.pub") + "\n"))
                .singleElement()
                .asString()
                .contains(":3 encryption.privateKeys: ")
                .contains("this PEM holds a PUBLIC KEY, not the agency's PRIVATE KEY (agency.key)");
    }
}
