package org.openbwc.device.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openbwc.pki.AgencyCa;
import org.openbwc.pki.IdentityRole;
import org.openbwc.pki.Pem;

/** The unit's TLS context is made once, and again when a key file changes or goes. */
@Timeout(60)
class UnitTlsContextTest {
    @TempDir
    Path dir;

    @Test
    void madeOnceAndAgainWhenAFileChanges() throws Exception {
        AgencyCa ca = AgencyCa.create(dir.resolve("pki"), "Test Police", Clock.systemUTC());
        UnitKeyFiles files = new UnitKeyFiles(Files.createDirectories(dir.resolve("keys")));
        ca.issueClient("bwc-1", IdentityRole.UNIT, Duration.ofDays(1)).write(files.keyFile(), files.certificateFile());
        Pem.writeCertificates(files.caFile(), ca.certificate());
        UnitTlsContext tls = new UnitTlsContext(files);

        SSLContext first = tls.get();
        assertThat(tls.get()).isSameAs(first);

        // Re-enrolment: a new key and certificate written over the old ones.
        ca.issueClient("bwc-1", IdentityRole.UNIT, Duration.ofDays(1)).write(files.keyFile(), files.certificateFile());
        Files.setLastModifiedTime(
                files.certificateFile(), FileTime.from(Instant.now().plusSeconds(5)));
        SSLContext second = tls.get();
        assertThat(second).isNotSameAs(first);
        assertThat(tls.get()).isSameAs(second);

        Files.delete(files.caFile());
        assertThatThrownBy(tls::get).isInstanceOf(IllegalStateException.class).hasMessageContaining("ca.crt");
    }
}
