package org.openbwc.device.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openbwc.device.identity.UnitKeyFiles;
import org.openbwc.pki.AgencyCa;
import org.openbwc.pki.IdentityRole;
import org.openbwc.pki.Pem;

class UplinkClientsTest {
    static final URI WSS = URI.create("wss://gateway.local:8444/uplink/bwc-0001?ticket=t");
    static final URI WS = URI.create("ws://127.0.0.1:8080/uplink/bwc-0001?ticket=t");

    @TempDir
    Path dir;

    UnitKeyFiles enrol(AgencyCa ca) {
        UnitKeyFiles keys = new UnitKeyFiles(dir.resolve("keys"));
        ca.issueClient("bwc-0001", IdentityRole.UNIT, Duration.ofDays(30))
                .write(keys.keyFile(), keys.certificateFile());
        Pem.writeCertificates(keys.caFile(), ca.certificate());
        return keys;
    }

    @Test
    void wssWithoutTheUnitsKeyFilesSaysWhatIsMissingAndWsNeedsNone() {
        UplinkClients clients = new UplinkClients(new UnitKeyFiles(dir.resolve("keys")));

        assertThatThrownBy(() -> clients.forUrl(WSS))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("unit.key")
                .hasMessageContaining("enrolment.url");
        assertThat(clients.forUrl(WS).sslContext()).isNotNull();
    }

    @Test
    void wssPresentsTheUnitsIdentityAndIsBuiltOnce() throws Exception {
        UnitKeyFiles keys = enrol(AgencyCa.create(dir.resolve("ca"), "Test Agency", Clock.systemUTC()));
        UplinkClients clients = new UplinkClients(keys);

        HttpClient wss = clients.forUrl(WSS);
        assertThat(wss.sslContext()).isNotSameAs(SSLContext.getDefault());
        assertThat(clients.forUrl(WSS)).isSameAs(wss);
        assertThat(clients.forUrl(WS)).isNotSameAs(wss);
    }

    @Test
    void aUnitEnrolledWhileRunningUsesItsNewIdentityWithoutARestart() throws Exception {
        UplinkClients clients = new UplinkClients(new UnitKeyFiles(dir.resolve("keys")));
        assertThatThrownBy(() -> clients.forUrl(WSS)).isInstanceOf(IllegalStateException.class);

        AgencyCa ca = AgencyCa.create(dir.resolve("ca"), "Test Agency", Clock.systemUTC());
        UnitKeyFiles keys = enrol(ca);
        HttpClient first = clients.forUrl(WSS);

        // A re-issued certificate: the files change (the stamp is their times and sizes).
        ca.issueClient("bwc-0001", IdentityRole.UNIT, Duration.ofDays(60))
                .write(keys.keyFile(), keys.certificateFile());
        Files.setLastModifiedTime(
                keys.certificateFile(), FileTime.from(Instant.now().plusSeconds(5)));
        assertThat(clients.forUrl(WSS)).isNotSameAs(first);
    }
}
