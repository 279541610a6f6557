package org.openbwc.pki;

import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * TLS contexts from the PKI's PEM files. Each trusts exactly the agency CA it is given, never the JDK's public CAs:
 * a certificate bought from a public CA must not open the fleet's broker.
 */
public final class TlsContexts {
    /** TLS 1.3 and 1.2 only; the JDK's defaults already exclude older versions and weak suites. */
    public static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    private TlsContexts() {}

    /** Presents {@code certificateFile} (a chain, leaf first) with {@code keyFile}; trusts only {@code caFile}. */
    public static SSLContext mutual(Path keyFile, Path certificateFile, Path caFile) {
        return context(
                keyManagers(JdkPem.readPrivateKey(keyFile), JdkPem.readCertificates(certificateFile)),
                trustManagers(JdkPem.readCertificates(caFile)));
    }

    /** Trusts only {@code caFile}, presents nothing (a browser-like client, or a unit's first contact after it). */
    public static SSLContext trusting(Path caFile) {
        return context(null, trustManagers(JdkPem.readCertificates(caFile)));
    }

    /** Trusts a server whose chain ends at the CA with this SHA-256 fingerprint: a unit's enrolment. */
    public static SSLContext pinned(String caFingerprint) {
        return context(null, new TrustManager[] {new PinnedCaTrust(caFingerprint)});
    }

    /** A PKCS#12 key store holding one key and its chain, for servers configured with key store files. */
    public static KeyStore keyStore(PrivateKey key, List<X509Certificate> chain, char[] password) {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("key", key, password, chain.toArray(X509Certificate[]::new));
            return store;
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException("cannot build a PKCS#12 key store", e);
        }
    }

    /** A PKCS#12 trust store holding the given CA certificates. */
    public static KeyStore trustStore(List<X509Certificate> cas) {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            for (int i = 0; i < cas.size(); i++) store.setCertificateEntry("ca-" + i, cas.get(i));
            return store;
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException("cannot build a PKCS#12 trust store", e);
        }
    }

    /** A trust manager that trusts exactly these CAs. */
    public static X509TrustManager trustManager(List<X509Certificate> cas) {
        return (X509TrustManager) trustManagers(cas)[0];
    }

    private static KeyManager[] keyManagers(PrivateKey key, List<X509Certificate> chain) {
        try {
            char[] password = new char[0];
            KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            factory.init(keyStore(key, chain, password), password);
            return factory.getKeyManagers();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot use the key and certificate for TLS", e);
        }
    }

    private static TrustManager[] trustManagers(List<X509Certificate> cas) {
        if (cas.isEmpty()) throw new IllegalArgumentException("no CA certificate to trust");
        try {
            TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
            factory.init(trustStore(new ArrayList<>(cas)));
            return factory.getTrustManagers();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot trust the agency CA", e);
        }
    }

    private static SSLContext context(KeyManager[] keys, TrustManager[] trust) {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys, trust, new SecureRandom());
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot make a TLS context", e);
        }
    }
}
