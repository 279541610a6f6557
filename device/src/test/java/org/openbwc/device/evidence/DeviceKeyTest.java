package org.openbwc.device.evidence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeviceKeyTest {
    @TempDir
    Path tmp;

    @Test
    void isCreatedOnFirstBootWithOwnerOnlyPermissionsAndReloadedAfter() throws Exception {
        assumeTrue(
                Files.getFileStore(tmp).supportsFileAttributeView(PosixFileAttributeView.class),
                "needs POSIX permissions");
        Path keyDir = tmp.resolve("keys");
        DeviceKey first = DeviceKey.loadOrCreate(keyDir);

        Path file = keyDir.resolve(DeviceKey.KEY_FILE);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyDir)))
                .isEqualTo("rwx------");
        assertThat(Files.readString(file))
                .contains("-----BEGIN PRIVATE KEY-----")
                .contains("-----BEGIN PUBLIC KEY-----");
        assertThat(Files.readString(keyDir.resolve(DeviceKey.PUBLIC_KEY_FILE))).doesNotContain("PRIVATE");

        DeviceKey again = DeviceKey.loadOrCreate(keyDir);
        assertThat(again.publicKeyBase64()).isEqualTo(first.publicKeyBase64());
        assertThat(again.fingerprint()).isEqualTo(first.fingerprint()).matches("ed25519:[0-9a-f]{16}");
        byte[] data = "manifest".getBytes(StandardCharsets.UTF_8);
        assertThat(DeviceKey.verify(first.publicKey(), data, again.sign(data))).isTrue();
        assertThat(DeviceKey.publicKeyFromBase64(first.publicKeyBase64())).isEqualTo(first.publicKey());
    }

    @Test
    void aSignatureDoesNotVerifyWithAnotherKeyOrOtherData() {
        DeviceKey key = DeviceKey.generate();
        DeviceKey other = DeviceKey.generate();
        byte[] data = "manifest".getBytes(StandardCharsets.UTF_8);
        byte[] signature = key.sign(data);
        assertThat(DeviceKey.verify(key.publicKey(), data, signature)).isTrue();
        assertThat(DeviceKey.verify(other.publicKey(), data, signature)).isFalse();
        assertThat(DeviceKey.verify(key.publicKey(), "manifesT".getBytes(StandardCharsets.UTF_8), signature))
                .isFalse();
        assertThat(DeviceKey.verify(key.publicKey(), data, new byte[3])).isFalse();
    }

    @Test
    void tooOpenPermissionsAreTightenedOnLoad() throws Exception {
        assumeTrue(
                Files.getFileStore(tmp).supportsFileAttributeView(PosixFileAttributeView.class),
                "needs POSIX permissions");
        DeviceKey.loadOrCreate(tmp);
        Path file = tmp.resolve(DeviceKey.KEY_FILE);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        DeviceKey.loadOrCreate(tmp);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .isEqualTo("rw-------");
    }

    @Test
    void aDamagedKeyFileIsAnErrorAndIsNeverReplaced() throws Exception {
        Files.writeString(
                tmp.resolve(DeviceKey.KEY_FILE), "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
        assertThatThrownBy(() -> DeviceKey.loadOrCreate(tmp))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(DeviceKey.KEY_FILE);
        assertThat(Files.readString(tmp.resolve(DeviceKey.KEY_FILE))).contains("AAAA");
    }

    @Test
    void aPublicKeyThatIsNotThePrivateKeysIsRejected() throws Exception {
        Path a = tmp.resolve("a");
        Path b = tmp.resolve("b");
        DeviceKey.loadOrCreate(a);
        DeviceKey.loadOrCreate(b);
        String privateOfA = Files.readString(a.resolve(DeviceKey.KEY_FILE)).split("-----BEGIN PUBLIC KEY-----")[0];
        String publicOfB = "-----BEGIN PUBLIC KEY-----"
                + Files.readString(b.resolve(DeviceKey.KEY_FILE)).split("-----BEGIN PUBLIC KEY-----")[1];
        Files.writeString(a.resolve(DeviceKey.KEY_FILE), privateOfA + publicOfB);
        assertThatThrownBy(() -> DeviceKey.loadOrCreate(a)).hasMessageContaining("does not belong to the private key");
    }
}
