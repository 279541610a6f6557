package org.openbwc.bench.encode;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.modes.ChaCha20Poly1305;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;
import org.openbwc.evidence.encryption.PieceCipher;

/**
 * The {@code cipher} mode: the cipher alone, for what a unit without AES instructions would pay (issue 16). Seals
 * fragment-sized pieces in one thread and prints MB per CPU-second of that thread for each cipher; the orchestrator
 * starts it once per JIT setting (the unit's C1 only, default tiered, each with and without the JDK's AES and GHASH
 * intrinsics, and SHA-256's). The ciphers take turns in rounds, so that a slow moment of the shared machine falls on all of them,
 * and the median round is printed. Args: SECONDS_PER_TURN ROUNDS PIECE_BYTES.
 */
final class CipherBench {
    private CipherBench() {}

    interface Op {
        void run(byte[] piece) throws Exception;
    }

    static void main(String[] a) throws Exception {
        double turnSeconds = Double.parseDouble(a[0]);
        int rounds = Integer.parseInt(a[1]);
        int pieceBytes = Integer.parseInt(a[2]);
        SecureRandom random = new SecureRandom();
        byte[] key = PieceCipher.newKey();
        byte[] piece = new byte[pieceBytes];
        random.nextBytes(piece);
        byte[] aad = PieceCipher.aad("bench-recording", "seg-000001.mp4", 123_456);

        PieceCipher unit = new PieceCipher(key);
        byte[] sealedByUnit = unit.seal(piece, aad);
        Cipher jdkGcm = Cipher.getInstance("AES/GCM/NoPadding");
        SecretKeySpec aesKey = new SecretKeySpec(key, "AES");
        Cipher jdkChaCha = Cipher.getInstance("ChaCha20-Poly1305");
        SecretKeySpec chachaKey = new SecretKeySpec(key, "ChaCha20");
        ChaCha20Poly1305 bcChaCha = new ChaCha20Poly1305();
        KeyParameter bcKey = new KeyParameter(key);
        byte[] nonce = new byte[12];

        Map<String, Op> ops = new LinkedHashMap<>();
        ops.put("aes-gcm-seal-bc", p -> unit.seal(p, aad));
        // what opening a scratch piece (the pre-event part of each recording) and the examiner's decryption cost
        ops.put("aes-gcm-open-jdk", p -> unit.open(sealedByUnit, aad));
        ops.put("aes-gcm-seal-jdk", p -> {
            random.nextBytes(nonce);
            jdkGcm.init(Cipher.ENCRYPT_MODE, aesKey, new GCMParameterSpec(128, nonce));
            jdkGcm.updateAAD(aad);
            jdkGcm.doFinal(p);
        });
        ops.put("chacha20-poly1305-seal-jdk", p -> {
            random.nextBytes(nonce);
            jdkChaCha.init(Cipher.ENCRYPT_MODE, chachaKey, new IvParameterSpec(nonce));
            jdkChaCha.updateAAD(aad);
            jdkChaCha.doFinal(p);
        });
        // an encrypted recording also hashes each piece's plaintext (its journal carries both hashes)
        java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
        ops.put("sha-256-jdk", sha::digest);
        ops.put("chacha20-poly1305-seal-bc", p -> {
            random.nextBytes(nonce);
            bcChaCha.init(true, new AEADParameters(bcKey, 128, nonce.clone(), aad));
            byte[] out = new byte[p.length + 16];
            int n = bcChaCha.processBytes(p, 0, p.length, out, 0);
            bcChaCha.doFinal(out, n);
        });

        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Map<String, List<Double>> results = new LinkedHashMap<>();
        // round 0 warms up (compiles) every cipher and is not counted
        for (int round = 0; round <= rounds; round++) {
            for (var e : ops.entrySet()) {
                long cpu0 = threads.getCurrentThreadCpuTime();
                long wall0 = System.nanoTime();
                long bytes = 0;
                while (System.nanoTime() - wall0 < turnSeconds * 1e9) {
                    e.getValue().run(piece);
                    bytes += piece.length;
                }
                double cpu = (threads.getCurrentThreadCpuTime() - cpu0) / 1e9;
                if (round > 0)
                    results.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(bytes / 1e6 / cpu);
            }
        }
        for (var e : results.entrySet()) {
            List<Double> v = new ArrayList<>(e.getValue());
            v.sort(null);
            System.out.println(String.format(
                    Locale.ROOT,
                    "@@ CIPHER name=%s mbPerCpuSecond=%.2f rounds=%s",
                    e.getKey(),
                    v.get((v.size() - 1) / 2),
                    String.join(
                            ",",
                            e.getValue().stream()
                                    .map(x -> String.format(Locale.ROOT, "%.1f", x))
                                    .toList())));
        }
        System.out.println("@@ DONE");
        System.out.flush();
    }
}
