package org.openbwc.device.offload;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.Security;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openbwc.testsupport.SystemTools;

/**
 * With NSS installed, ChaCha20-Poly1305 comes from it, seals what the JDK's own opens (and the other way), and nothing
 * else changes provider.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class NativeChaChaTest {
    @Test
    void chaChaComesFromNssAndMatchesTheJdks() throws Exception {
        requireNss();
        NativeChaCha.install().ifPresent(how -> assertThat(how).contains("from NSS"));
        assertThat(NativeChaCha.install()).as("a second install does nothing").isEmpty();

        byte[] key = new byte[32];
        byte[] nonce = new byte[12];
        new SecureRandom().nextBytes(key);
        new SecureRandom().nextBytes(nonce);
        byte[] plain = "a part of a recording on its way to the evidence store".getBytes(StandardCharsets.UTF_8);
        byte[] aad = {23, 3, 3, 0, 77};

        Cipher nss = cipher(Cipher.getInstance(NativeChaCha.ALGORITHM), Cipher.ENCRYPT_MODE, key, nonce, aad);
        assertThat(nss.getProvider().getName()).isEqualTo(NativeChaCha.NAME);
        byte[] sealed = nss.doFinal(plain);
        Cipher jdk = cipher(Cipher.getInstance(NativeChaCha.ALGORITHM, "SunJCE"), Cipher.DECRYPT_MODE, key, nonce, aad);
        assertThat(jdk.doFinal(sealed)).isEqualTo(plain);

        byte[] sealedByJdk = cipher(
                        Cipher.getInstance(NativeChaCha.ALGORITHM, "SunJCE"), Cipher.ENCRYPT_MODE, key, nonce, aad)
                .doFinal(plain);
        assertThat(sealedByJdk).isEqualTo(sealed);

        // Only the one cipher moved: hashes and AES-GCM stay with the JDK.
        assertThat(MessageDigest.getInstance("SHA-256").getProvider().getName()).isEqualTo("SUN");
        assertThat(Cipher.getInstance("AES/GCM/NoPadding").getProvider().getName())
                .isEqualTo("SunJCE");
    }

    @Test
    void aProviderThatCannotSealAndOpenLikeTheJdkIsNotInstalled() {
        requireNss();
        NativeChaCha.install();
        assertThat(NativeChaCha.selfTest(Security.getProvider(NativeChaCha.NAME)))
                .isNull();
        assertThat(NativeChaCha.selfTest(new Provider("BWC-empty", "1.0", "offers nothing") {}))
                .contains("NoSuchAlgorithmException");
    }

    private static void requireNss() {
        if (NativeChaCha.nssFolder().isEmpty()) {
            SystemTools.unavailable("NSS is not installed (libsoftokn3.so, Debian package libnss3)");
        }
    }

    private static Cipher cipher(Cipher c, int mode, byte[] key, byte[] nonce, byte[] aad) throws Exception {
        c.init(mode, new SecretKeySpec(key, "ChaCha20"), new IvParameterSpec(nonce));
        c.updateAAD(aad);
        return c;
    }
}
