package org.openbwc.device.offload;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Socket;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The offload's sockets offer ChaCha20-Poly1305 first and keep every other suite on offer, in its order. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class ChaChaFirstTest {
    @Test
    void chachaSuitesMoveToTheFrontAndTheRestKeepTheirOrder() {
        String[] ordered = ChaChaFirst.order(new String[] {
            "TLS_AES_256_GCM_SHA384",
            "TLS_AES_128_GCM_SHA256",
            "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256"
        });
        assertThat(ordered)
                .containsExactly(
                        "TLS_CHACHA20_POLY1305_SHA256",
                        "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
                        "TLS_AES_256_GCM_SHA384",
                        "TLS_AES_128_GCM_SHA256",
                        "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384");
    }

    @Test
    void theSocketsItMakesOfferChaChaFirst() throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, null, null);
        try (Socket s = new ChaChaFirst(context.getSocketFactory()).createSocket()) {
            String[] suites = ((SSLSocket) s).getEnabledCipherSuites();
            assertThat(suites[0]).contains("CHACHA20");
            assertThat(suites).contains("TLS_AES_256_GCM_SHA384");
        }
    }
}
