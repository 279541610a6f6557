package org.openbwc.device.offload;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.NoSuchAlgorithmException;
import java.security.Provider;
import java.security.Security;
import java.util.List;
import java.util.Optional;
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
        Optional<Path> folder = LIBRARY_FOLDERS.stream()
                .filter(d -> Files.isRegularFile(d.resolve("libsoftokn3.so")))
                .findFirst();
        if (folder.isEmpty()) return Optional.of("no NSS (libsoftokn3.so) found: the JDK's ChaCha20-Poly1305 is used");
        try {
            Provider pkcs11 = Security.getProvider("SunPKCS11");
            if (pkcs11 == null)
                return Optional.of("this JDK has no SunPKCS11 provider: the JDK's ChaCha20-Poly1305 is used");
            Provider nss = pkcs11.configure("--name=BWC-NSS\nnssLibraryDirectory=" + folder.get()
                    + "\nnssDbMode=noDb\nattributes=compatibility\n");
            Provider.Service service = nss.getService("Cipher", ALGORITHM);
            if (service == null) {
                return Optional.of("NSS in " + folder.get() + " has no " + ALGORITHM + ": the JDK's is used");
            }
            service.newInstance(null); // fails here, not in a handshake, if the token cannot make one
            Security.insertProviderAt(new NativeChaCha(service), 1);
            return Optional.of("ChaCha20-Poly1305 from NSS in " + folder.get());
        } catch (RuntimeException | NoSuchAlgorithmException e) {
            Logger.debug(e, "NSS could not be loaded");
            return Optional.of("NSS in " + folder.get() + " could not be used (" + e.getMessage()
                    + "): the JDK's ChaCha20-Poly1305 is used");
        }
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
