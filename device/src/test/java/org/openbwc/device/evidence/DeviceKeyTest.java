package org.openbwc.device.evidence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openbwc.evidence.ManifestSignature;

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
        assertThat(ManifestSignature.verify(first.publicKey(), data, again.sign(data)))
                .isTrue();
        assertThat(ManifestSignature.publicKeyFromBase64(first.publicKeyBase64()))
                .isEqualTo(first.publicKey());
    }

    @Test
    void aSignatureDoesNotVerifyWithAnotherKeyOrOtherData() {
        DeviceKey key = DeviceKey.generate();
        DeviceKey other = DeviceKey.generate();
        byte[] data = "manifest".getBytes(StandardCharsets.UTF_8);
        byte[] signature = key.sign(data);
        assertThat(ManifestSignature.verify(key.publicKey(), data, signature)).isTrue();
        assertThat(ManifestSignature.verify(other.publicKey(), data, signature)).isFalse();
        assertThat(ManifestSignature.verify(key.publicKey(), "manifesT".getBytes(StandardCharsets.UTF_8), signature))
                .isFalse();
        assertThat(ManifestSignature.verify(key.publicKey(), data, new byte[3])).isFalse();
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

    @Test
    void aUnitWithoutRecordingsMakesItsFirstKeyQuietly() throws Exception {
        Files.createDirectories(tmp.resolve("evidence"));

        DeviceKey.Opened first = DeviceKey.open(tmp.resolve("keys"), tmp.resolve("evidence"));
        DeviceKey.Opened again = DeviceKey.open(tmp.resolve("keys"), tmp.resolve("no-such-folder"));

        assertThat(first.missing()).isEmpty();
        assertThat(again.missing()).isEmpty();
        assertThat(again.key().fingerprint()).isEqualTo(first.key().fingerprint());
    }

    @Test
    void aUnitWithRecordingsButNoKeyMakesANewOneAndSaysWhichKeyWasLost() throws Exception {
        Path keys = tmp.resolve("keys");
        Path evidence = tmp.resolve("evidence");
        DeviceKey old = DeviceKey.open(keys, evidence).key();
        Files.createDirectories(evidence.resolve("u-1-20261201T100000Z"));
        Files.createDirectories(evidence.resolve("u-1-20261201T110000Z"));
        Files.delete(keys.resolve(DeviceKey.KEY_FILE)); // the public half survives beside it

        DeviceKey.Opened opened = DeviceKey.open(keys, evidence);

        assertThat(opened.key().fingerprint()).isNotEqualTo(old.fingerprint());
        assertThat(opened.missing())
                .contains(new DeviceKey.MissingKey(opened.key().fingerprint(), old.fingerprint(), 2));
        // The new key is the unit's key from now on: the next boot is quiet again.
        DeviceKey.Opened next = DeviceKey.open(keys, evidence);
        assertThat(next.missing()).isEmpty();
        assertThat(next.key().fingerprint()).isEqualTo(opened.key().fingerprint());
        assertThat(Files.readString(keys.resolve(DeviceKey.PUBLIC_KEY_FILE)))
                .as("enrolment reads the new public key")
                .isEqualTo(Files.readString(keys.resolve(DeviceKey.KEY_FILE))
                        .substring(Files.readString(keys.resolve(DeviceKey.KEY_FILE))
                                .indexOf("-----BEGIN PUBLIC KEY")));
    }

    @Test
    void withTheWholeKeyFolderGoneTheLostKeyIsReadFromTheNewestManifest() throws Exception {
        Path evidence = tmp.resolve("evidence");
        DeviceKey lost = DeviceKey.generate();
        DeviceKey older = DeviceKey.generate();
        Path a = Files.createDirectories(evidence.resolve("u-1-a"));
        Path b = Files.createDirectories(evidence.resolve("u-1-b"));
        Files.writeString(a.resolve("manifest.json"), "{\"publicKey\":\"" + older.publicKeyBase64() + "\"}");
        Files.writeString(b.resolve("manifest.json"), "{\"publicKey\":\"" + lost.publicKeyBase64() + "\"}");
        Files.setLastModifiedTime(a.resolve("manifest.json"), FileTime.fromMillis(1_000_000));
        Files.setLastModifiedTime(b.resolve("manifest.json"), FileTime.fromMillis(2_000_000));
        // An open recording (journal only) counts as a recording too.
        Files.writeString(Files.createDirectories(evidence.resolve("u-1-c")).resolve("journal.jsonl"), "");

        DeviceKey.Opened opened = DeviceKey.open(tmp.resolve("keys"), evidence);

        assertThat(opened.missing()).hasValueSatisfying(m -> {
            assertThat(m.oldFingerprint()).isEqualTo(lost.fingerprint());
            assertThat(m.newFingerprint()).isEqualTo(opened.key().fingerprint());
            assertThat(m.recordings()).isEqualTo(3);
        });
    }

    @Test
    void whenNothingOfTheLostKeyIsLeftItIsStillReportedWithoutAFingerprint() throws Exception {
        Path evidence = tmp.resolve("evidence");
        Files.writeString(Files.createDirectories(evidence.resolve("u-1-a")).resolve("manifest.json"), "{not json");

        DeviceKey.Opened opened = DeviceKey.open(tmp.resolve("keys"), evidence);

        assertThat(opened.missing()).hasValueSatisfying(m -> {
            assertThat(m.oldFingerprint()).isNull();
            assertThat(m.recordings()).isEqualTo(1);
        });
    }

    @Test
    void anUnreadableKeyIsStillAnErrorNeverAReplacement() throws Exception {
        Path keys = Files.createDirectories(tmp.resolve("keys"));
        Files.createDirectories(tmp.resolve("evidence/u-1-a"));
        Files.writeString(keys.resolve(DeviceKey.KEY_FILE), "garbage");

        assertThatThrownBy(() -> DeviceKey.open(keys, tmp.resolve("evidence")))
                .isInstanceOf(IllegalStateException.class);
        assertThat(Files.readString(keys.resolve(DeviceKey.KEY_FILE))).isEqualTo("garbage");
    }
}
