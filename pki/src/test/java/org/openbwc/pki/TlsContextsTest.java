package org.openbwc.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real TLS handshakes over loopback with certificates from {@link AgencyCa}. */
class TlsContextsTest {
    private final Clock clock = Clock.systemUTC();

    @Test
    void aUnitAndTheGatewayAuthenticateEachOther(@TempDir Path dir) throws Exception {
        AgencyCa ca = AgencyCa.create(dir.resolve("ca"), "Test Police", clock);
        SSLContext server = serverContext(ca, dir);
        SSLContext unit = clientContext(ca, dir, "bwc-001");

        assertThat(handshake(server, unit, true)).isEqualTo("CN=bwc-001,OU=unit,O=Test Police");
    }

    @Test
    void aClientFromAnotherCaIsRefused(@TempDir Path dir) throws Exception {
        AgencyCa ca = AgencyCa.create(dir.resolve("ca"), "Test Police", clock);
        AgencyCa stranger = AgencyCa.create(dir.resolve("stranger"), "Stranger", clock);
        SSLContext server = serverContext(ca, dir);
        // The stranger's client trusts our CA (it read ca.crt off the network) but its own certificate is not ours.
        IssuedKey key = stranger.issueClient("bwc-001", IdentityRole.UNIT, Duration.ofDays(1));
        key.write(dir.resolve("s.key"), dir.resolve("s.crt"));
        SSLContext client = TlsContexts.mutual(
                dir.resolve("s.key"), dir.resolve("s.crt"), dir.resolve("ca").resolve("ca.crt"));

        assertThatThrownBy(() -> handshake(server, client, true)).hasRootCauseInstanceOf(IOException.class);
    }

    @Test
    void pinningTheRightFingerprintTrustsTheGatewayAndAWrongOneDoesNot(@TempDir Path dir) throws Exception {
        AgencyCa ca = AgencyCa.create(dir.resolve("ca"), "Test Police", clock);
        AgencyCa other = AgencyCa.create(dir.resolve("other"), "Other", clock);
        SSLContext server = serverContext(ca, dir);

        assertThat(handshake(server, TlsContexts.pinned(ca.fingerprint()), false))
                .isEqualTo("none");
        assertThatThrownBy(() -> handshake(server, TlsContexts.pinned(other.fingerprint()), false))
                .hasRootCauseMessage("the server's certificate chain does not contain the agency CA with fingerprint "
                        + other.fingerprint()
                        + " (check enrolment.caFingerprint against `bwc pki show` on the gateway)");
    }

    @Test
    void pinningStillChecksTheHostName(@TempDir Path dir) throws Exception {
        AgencyCa ca = AgencyCa.create(dir.resolve("ca"), "Test Police", clock);
        IssuedKey key = ca.issueServer(List.of("elsewhere.local"), Duration.ofDays(1));
        Pem.writePrivateKey(dir.resolve("server.key"), key.key());
        Pem.writeCertificates(dir.resolve("server.crt"), key.certificate(), ca.certificate());
        SSLContext server = TlsContexts.mutual(
                dir.resolve("server.key"),
                dir.resolve("server.crt"),
                dir.resolve("ca").resolve("ca.crt"));

        assertThatThrownBy(() -> handshake(server, TlsContexts.pinned(ca.fingerprint()), false))
                .isInstanceOf(java.util.concurrent.ExecutionException.class)
                .hasCauseInstanceOf(SSLHandshakeException.class);
    }

    private static SSLContext serverContext(AgencyCa ca, Path dir) {
        IssuedKey key = ca.issueServer(List.of("localhost", "127.0.0.1"), Duration.ofDays(1));
        Pem.writePrivateKey(dir.resolve("server.key"), key.key());
        Pem.writeCertificates(dir.resolve("server.crt"), key.certificate(), ca.certificate());
        return TlsContexts.mutual(
                dir.resolve("server.key"),
                dir.resolve("server.crt"),
                dir.resolve("ca").resolve("ca.crt"));
    }

    private static SSLContext clientContext(AgencyCa ca, Path dir, String id) {
        ca.issueClient(id, IdentityRole.UNIT, Duration.ofDays(1))
                .write(dir.resolve(id + ".key"), dir.resolve(id + ".crt"));
        return TlsContexts.mutual(
                dir.resolve(id + ".key"),
                dir.resolve(id + ".crt"),
                dir.resolve("ca").resolve("ca.crt"));
    }

    /** Runs one handshake; returns the client certificate's subject the server saw, or "none". */
    private static String handshake(SSLContext server, SSLContext client, boolean needClientAuth) throws Exception {
        try (SSLServerSocket listener = (SSLServerSocket)
                server.getServerSocketFactory().createServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            if (needClientAuth) listener.setNeedClientAuth(true);
            CompletableFuture<String> seen = CompletableFuture.supplyAsync(() -> {
                try (SSLSocket s = (SSLSocket) listener.accept()) {
                    s.startHandshake();
                    s.getOutputStream().write(1);
                    s.getOutputStream().flush();
                    var peer = needClientAuth ? s.getSession().getPeerCertificates() : null;
                    return peer == null
                            ? "none"
                            : ((java.security.cert.X509Certificate) peer[0])
                                    .getSubjectX500Principal()
                                    .getName();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            try (SSLSocket s =
                    (SSLSocket) client.getSocketFactory().createSocket("127.0.0.1", listener.getLocalPort())) {
                SSLParameters params = s.getSSLParameters();
                params.setEndpointIdentificationAlgorithm("HTTPS");
                s.setSSLParameters(params);
                s.startHandshake();
                s.getInputStream().read();
                return seen.get(30, TimeUnit.SECONDS);
            } catch (IOException e) {
                seen.completeExceptionally(e);
                throw new java.util.concurrent.ExecutionException(e);
            }
        }
    }
}
