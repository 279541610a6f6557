package org.openbwc.device.offload;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.NoSuchAlgorithmException;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.Security;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.tinylog.Logger;

/**
 * Puts the system's NSS ChaCha20-Poly1305, through the JDK's own PKCS#11 provider, ahead of the JDK's Java one, so
 * that the unit's TLS (offload above all) seals in native code. Under the unit's C1-only JIT the JDK's runs at about
 * 165 MB per CPU-second on an x86 server core, NSS's at 568 (bench/README.md, issue 15); a unit without NSS keeps the
 * JDK's.
 *
 * <p>Only that one cipher is offered, so that nothing else in the unit (its hashes, its signatures, the evidence
 * encryption) changes provider. JSSE takes a cipher from the first provider that has it.
 */
public final class NativeChaCha extends Provider {
    static final String NAME = "BWC-NSS-ChaCha20";
    static final String ALGORITHM = "ChaCha20-Poly1305";
    /** Where Debian, Raspberry Pi OS and Fedora keep {@code libsoftokn3.so}. */
    static final List<Path> LIBRARY_FOLDERS = List.of(
            Path.of("/usr/lib/x86_64-linux-gnu"),
            Path.of("/usr/lib/aarch64-linux-gnu"),
            Path.of("/usr/lib/arm-linux-gnueabihf"),
            Path.of("/usr/lib64"),
            Path.of("/usr/lib"));

    private NativeChaCha(Provider.Service nss) {
        super(NAME, "1.0", "NSS's ChaCha20-Poly1305 through SunPKCS11, for the unit's TLS");
        putService(new Forwarding(this, nss));
    }

    /**
     * Installs it first among the JVM's providers, once; says which library it uses, or why not (empty: already
     * installed).
     */
    public static synchronized Optional<String> install() {
        if (Security.getProvider(NAME) != null) return Optional.empty();
        Optional<Path> folder = nssFolder();
        if (folder.isEmpty()) return Optional.of("no NSS (libsoftokn3.so) found: the JDK's ChaCha20-Poly1305 is used");
        try {
            Provider pkcs11 = Security.getProvider("SunPKCS11");
            if (pkcs11 == null) {
                return Optional.of("this JDK has no SunPKCS11 provider: the JDK's ChaCha20-Poly1305 is used");
            }
            Provider nss = pkcs11.configure("--name=BWC-NSS\nnssLibraryDirectory=" + folder.get()
                    + "\nnssDbMode=noDb\nattributes=compatibility\n");
            Provider.Service service = nss.getService("Cipher", ALGORITHM);
            if (service == null) {
                return Optional.of("NSS in " + folder.get() + " has no " + ALGORITHM + ": the JDK's is used");
            }
            String problem = selfTest(nss);
            if (problem != null) {
                return Optional.of("NSS in " + folder.get() + " failed its self-test (" + problem
                        + "): the JDK's ChaCha20-Poly1305 is used");
            }
            Security.insertProviderAt(new NativeChaCha(service), 1);
            return Optional.of("ChaCha20-Poly1305 from NSS in " + folder.get());
        } catch (RuntimeException e) {
            Logger.debug(e, "NSS could not be loaded");
            return Optional.of("NSS in " + folder.get() + " could not be used (" + e.getMessage()
                    + "): the JDK's ChaCha20-Poly1305 is used");
        }
    }

    /** The first of {@link #LIBRARY_FOLDERS} holding NSS's soft token, {@code libsoftokn3.so}. */
    static Optional<Path> nssFolder() {
        return LIBRARY_FOLDERS.stream()
                .filter(d -> Files.isRegularFile(d.resolve("libsoftokn3.so")))
                .findFirst();
    }

    /**
     * Seals a record with NSS and opens it with the JDK's own cipher, and the other way: a native cipher that cannot
     * (a FIPS-mode NSS refusing the algorithm, a library that does not match) must not break every upload.
     *
     * @return what went wrong, or null
     */
    static String selfTest(Provider nss) {
        try {
            byte[] key = new byte[32];
            byte[] nonce = new byte[12];
            SecureRandom random = new SecureRandom();
            random.nextBytes(key);
            random.nextBytes(nonce);
            byte[] plain = new byte[1000];
            random.nextBytes(plain);
            Cipher nssSeal = init(Cipher.getInstance(ALGORITHM, nss), Cipher.ENCRYPT_MODE, key, nonce);
            Cipher jdkOpen = init(Cipher.getInstance(ALGORITHM, "SunJCE"), Cipher.DECRYPT_MODE, key, nonce);
            if (!Arrays.equals(jdkOpen.doFinal(nssSeal.doFinal(plain)), plain)) return "the JDK opened other bytes";
            Cipher jdkSeal = init(Cipher.getInstance(ALGORITHM, "SunJCE"), Cipher.ENCRYPT_MODE, key, nonce);
            Cipher nssOpen = init(Cipher.getInstance(ALGORITHM, nss), Cipher.DECRYPT_MODE, key, nonce);
            if (!Arrays.equals(nssOpen.doFinal(jdkSeal.doFinal(plain)), plain)) return "NSS opened other bytes";
            return null;
        } catch (GeneralSecurityException | RuntimeException e) {
            return e.toString();
        }
    }

    private static Cipher init(Cipher c, int mode, byte[] key, byte[] nonce) throws GeneralSecurityException {
        c.init(mode, new SecretKeySpec(key, "ChaCha20"), new IvParameterSpec(nonce));
        c.updateAAD(new byte[] {23, 3, 3, 0, 16});
        return c;
    }

    /** NSS's service under this provider's name. */
    private static final class Forwarding extends Provider.Service {
        private final Provider.Service target;

        Forwarding(Provider owner, Provider.Service target) {
            super(owner, "Cipher", ALGORITHM, target.getClassName(), List.of(), null);
            this.target = target;
        }

        @Override
        public Object newInstance(Object parameter) throws NoSuchAlgorithmException {
            return target.newInstance(parameter);
        }

        @Override
        public boolean supportsParameter(Object parameter) {
            return target.supportsParameter(parameter);
        }
    }
}
