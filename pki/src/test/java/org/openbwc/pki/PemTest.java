package org.openbwc.pki;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.security.KeyPair;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.util.io.pem.PemObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PemTest {

    @Test
    void readsAnOpenSslEcKeyThatOmitsItsPublicPart(@TempDir Path dir) throws Exception {
        KeyPair keys = KeyPairs.newTlsKeyPair();
        PrivateKeyInfo info = PrivateKeyInfo.getInstance(keys.getPrivate().getEncoded());
        ECPrivateKey full = ECPrivateKey.getInstance(info.parsePrivateKey());
        // What `openssl ec -no_public` writes: SEC1 with the curve but without the public key.
        ECPrivateKey noPublic = new ECPrivateKey(
                256, full.getKey(), info.getPrivateKeyAlgorithm().getParameters());
        Path file = dir.resolve("traditional.key");
        Pem.writeAtomically(file, Pem.text(new PemObject("EC PRIVATE KEY", noPublic.getEncoded())), true);

        // Same secret scalar; the encodings differ only in where the curve is named.
        assertThat(((java.security.interfaces.ECPrivateKey) Pem.readPrivateKey(file)).getS())
                .isEqualTo(((java.security.interfaces.ECPrivateKey) keys.getPrivate()).getS());
    }

    @Test
    void readsWhatItWrites(@TempDir Path dir) {
        KeyPair keys = KeyPairs.newTlsKeyPair();
        Pem.writePrivateKey(dir.resolve("k.pem"), keys.getPrivate());

        assertThat(Pem.readPrivateKey(dir.resolve("k.pem"))).isEqualTo(keys.getPrivate());
    }

    @Test
    void aFileWithoutACertificateSaysSo(@TempDir Path dir) {
        Pem.writePrivateKey(dir.resolve("k.pem"), KeyPairs.newTlsKeyPair().getPrivate());

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Pem.readCertificate(dir.resolve("k.pem")))
                .hasMessage(dir.resolve("k.pem") + " holds no PEM CERTIFICATE block");
    }
}
