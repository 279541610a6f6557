package org.openbwc.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.openbwc.launcher.BwcCliTest.bwc;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openbwc.evidence.encryption.AgencyKeyFiles;
import org.openbwc.evidence.encryption.AgencyKeyPair;
import org.openbwc.launcher.BwcCliTest.Run;

/** {@code bwc agency keygen} and {@code show} as an administrator uses them. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AgencyCommandTest {
    @TempDir
    Path dir;

    @Test
    void keygenWritesBothFilesWithTheirModesAndSaysWhereEachGoes() throws Exception {
        Path out = dir.resolve("agency-keys");

        Run run = bwc("agency", "keygen", "--out", out.toString());

        assertThat(run.exit()).as(run.err()).isZero();
        Path key = out.resolve("agency.key");
        Path pub = out.resolve("agency.pub");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(out)))
                .isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key)))
                .isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(pub)))
                .isEqualTo("rw-r--r--");
        AgencyKeyPair pair = AgencyKeyFiles.readKeyPair(key);
        assertThat(AgencyKeyFiles.readPublicKey(pub)).isEqualTo(pair.publicKey());
        assertThat(run.out())
                .contains("key id " + pair.keyId(), "escrow copy offline", "never on a unit", "encryption.publicKey");
    }

    @Test
    void keygenRefusesToOverwriteAnExistingKey() throws Exception {
        assertThat(bwc("agency", "keygen", "--out", dir.toString()).exit()).isZero();
        String before = Files.readString(dir.resolve("agency.key"));

        Run again = bwc("agency", "keygen", "--out", dir.toString());

        assertThat(again.exit()).isEqualTo(1);
        assertThat(again.err())
                .contains("agency.key exists already", "not overwritten")
                .doesNotContain("Exception");
        assertThat(Files.readString(dir.resolve("agency.key"))).isEqualTo(before);
    }

    @Test
    void showNamesTheKeyIdAndTypeOfEitherFile() {
        assertThat(bwc("agency", "keygen", "--out", dir.toString()).exit()).isZero();
        String keyId = AgencyKeyFiles.readKeyPair(dir.resolve("agency.key")).keyId();

        Run key = bwc("agency", "show", dir.resolve("agency.key").toString());
        Run pub = bwc("agency", "show", dir.resolve("agency.pub").toString());

        assertThat(key.exit()).as(key.err()).isZero();
        assertThat(key.out()).contains("agency private key (X25519), key id " + keyId);
        assertThat(pub.exit()).as(pub.err()).isZero();
        assertThat(pub.out()).contains("agency public key (X25519), key id " + keyId);
    }

    @Test
    void showSaysWhyAFileIsNotAnAgencyKey() throws Exception {
        Path missing = dir.resolve("nope.pub");
        Run run = bwc("agency", "show", missing.toString());
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).contains(missing + ": no such file");

        Path cert = dir.resolve("ca.crt");
        Files.writeString(cert, "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
        Run wrong = bwc("agency", "show", cert.toString());
        assertThat(wrong.exit()).isEqualTo(1);
        assertThat(wrong.err()).contains("this PEM holds a CERTIFICATE, not the agency's PUBLIC KEY");
    }
}
