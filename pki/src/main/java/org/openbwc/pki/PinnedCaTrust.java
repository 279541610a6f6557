package org.openbwc.pki;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Trusts a TLS server whose chain contains a CA certificate with a pinned SHA-256 fingerprint and verifies up to it,
 * host name included. This is how a unit that has only its config (enrolment URL, token, CA fingerprint) knows it
 * talks to its agency's gateway and not to someone on the network.
 */
public final class PinnedCaTrust extends X509ExtendedTrustManager {
    private final String fingerprint;

    public PinnedCaTrust(String caFingerprint) {
        this.fingerprint = Fingerprints.normalise(caFingerprint);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        anchored(chain).checkServerTrusted(chain, authType, socket);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        anchored(chain).checkServerTrusted(chain, authType, engine);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        anchored(chain).checkServerTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        throw new CertificateException("a pinned-CA trust manager only checks servers");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        throw new CertificateException("a pinned-CA trust manager only checks servers");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("a pinned-CA trust manager only checks servers");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
    }

    private X509ExtendedTrustManager anchored(X509Certificate[] chain) throws CertificateException {
        for (X509Certificate cert : chain) {
            if (cert.getBasicConstraints() >= 0 && Fingerprints.sha256(cert).equals(fingerprint)) {
                return (X509ExtendedTrustManager) TlsContexts.trustManager(List.of(cert));
            }
        }
        throw new CertificateException("the server's certificate chain does not contain the agency CA with fingerprint "
                + fingerprint + " (check enrolment.caFingerprint against `bwc pki show` on the gateway)");
    }
}
