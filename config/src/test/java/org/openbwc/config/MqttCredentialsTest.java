package org.openbwc.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Credentials are read from files only when asked for, and a broken reference names the file. */
class MqttCredentialsTest {

    @TempDir
    Path dir;

    @Test
    void readsTrimmedCredentialsFromTheirFiles() throws IOException {
        Path user = Files.writeString(dir.resolve("user"), "  officer-17\n");
        Path password = Files.writeString(dir.resolve("password"), "s3cret\n");
        MqttConfig mqtt = MqttConfig.defaults().withCredentialFiles(user.toString(), password.toString());

        assertThat(mqtt.readUsername()).contains("officer-17");
        assertThat(mqtt.readPassword()).contains("s3cret");
    }

    @Test
    void hasNoCredentialsWhenNoFilesAreConfigured() {
        assertThat(MqttConfig.defaults().readUsername()).isEmpty();
        assertThat(MqttConfig.defaults().readPassword()).isEmpty();
    }

    @Test
    void namesTheFileAndKeyWhenAFileIsMissing() {
        Path missing = dir.resolve("nope");
        MqttConfig mqtt = MqttConfig.defaults().withCredentialFiles(null, missing.toString());

        assertThatThrownBy(mqtt::readPassword)
                .isInstanceOf(UncheckedIOException.class)
                .hasMessage("cannot read " + missing + " (set by mqtt.passwordFile): no such file");
    }

    @Test
    void loadingDoesNotRequireTheFilesToExist(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("unit.yaml");
        Files.writeString(file, "unitId: u1\nmqtt:\n  passwordFile: /etc/bwc/mqtt-password\n");
        UnitConfig unit = ConfigLoader.loadUnit(file);
        assertThat(unit.mqtt().passwordFile()).isEqualTo("/etc/bwc/mqtt-password");
    }
}
