package org.openbwc.evidence.encryption;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class EncryptionPrimitivesTest {

    @Test
    void aDataKeyWrappedToTheAgencyOpensOnlyWithItsPrivateKeyAndForItsRecording() {
        AgencyKeyPair agency = AgencyKeyPair.generate();
        byte[] dataKey = PieceCipher.newKey();
        WrappedDataKey wrapped = agency.publicKey().wrap(dataKey, "rec-1");

        assertThat(wrapped.keyId()).isEqualTo(agency.keyId()).startsWith("x25519:");
        assertThat(agency.unwrap(wrapped, "rec-1")).isEqualTo(dataKey);
        assertThatThrownBy(() -> agency.unwrap(wrapped, "rec-2"))
                .isInstanceOf(DecryptionException.class)
                .hasMessageContaining("does not open");
        AgencyKeyPair other = AgencyKeyPair.generate();
        assertThatThrownBy(() -> other.unwrap(wrapped, "rec-1"))
                .isInstanceOf(DecryptionException.class)
                .hasMessageContaining("was encrypted to agency key " + agency.keyId());
        byte[] altered = Base64.getDecoder().decode(wrapped.ciphertext());
        altered[3] ^= 1;
        WrappedDataKey tampered = new WrappedDataKey(
                wrapped.scheme(),
                wrapped.keyId(),
                wrapped.enc(),
                Base64.getEncoder().encodeToString(altered));
        assertThatThrownBy(() -> agency.unwrap(tampered, "rec-1")).isInstanceOf(DecryptionException.class);
    }

    @Test
    void keysSurvivePemAndAnOpensslStyleKeyIsRead() throws Exception {
        AgencyKeyPair agency = AgencyKeyPair.generate();
        AgencyKeyPair reread = AgencyKeyPair.fromPem(agency.toPem());
        assertThat(reread.keyId()).isEqualTo(agency.keyId());
        assertThat(AgencyPublicKey.fromPem(agency.publicKey().toPem())).isEqualTo(agency.publicKey());
        assertThat(agency.toPem()).startsWith("-----BEGIN PRIVATE KEY-----");
        assertThat(agency.publicKey().toPem()).startsWith("-----BEGIN PUBLIC KEY-----");

        // the JDK's own X25519 encodings are the standard ones openssl writes (PKCS#8, SPKI)
        var jdk = KeyPairGenerator.getInstance("X25519").generateKeyPair();
        String pub = "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(jdk.getPublic().getEncoded())
                + "\n-----END PUBLIC KEY-----\n";
        String priv = "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(jdk.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
        assertThat(AgencyKeyPair.fromPem(priv).publicKey()).isEqualTo(AgencyPublicKey.fromPem(pub));
    }

    @Test
    void wrongKeyFilesAreRefusedSayingWhatTheyAre() throws Exception {
        AgencyKeyPair agency = AgencyKeyPair.generate();
        assertThatThrownBy(() -> AgencyPublicKey.fromPem(agency.toPem()))
                .hasMessageContaining("holds a PRIVATE KEY, not the agency's PUBLIC KEY");
        assertThatThrownBy(() -> AgencyKeyPair.fromPem(agency.publicKey().toPem()))
                .hasMessageContaining("holds a PUBLIC KEY, not the agency's PRIVATE KEY");
        assertThatThrownBy(() -> AgencyPublicKey.fromPem("hello")).hasMessageContaining("not a PEM file");
        var ed = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        String edPub = "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder().encodeToString(ed.getPublic().getEncoded())
                + "\n-----END PUBLIC KEY-----\n";
        assertThatThrownBy(() -> AgencyPublicKey.fromPem(edPub)).hasMessageContaining("must be an X25519 key");
    }

    @Test
    void aPieceOpensOnlyUnalteredAndInItsPlace() {
        PieceCipher cipher = new PieceCipher(PieceCipher.newKey());
        byte[] plain = "ftyp moof mdat".repeat(100).getBytes(StandardCharsets.US_ASCII);
        byte[] aad = PieceCipher.aad("rec-1", "seg-000001.mp4", 1234);
        byte[] sealed = cipher.seal(plain, aad);

        assertThat(sealed).hasSize(plain.length + PieceCipher.OVERHEAD);
        assertThat(new String(sealed, StandardCharsets.ISO_8859_1)).doesNotContain("ftyp", "moof");
        assertThat(cipher.open(sealed, aad)).isEqualTo(plain);
        assertThat(cipher.seal(plain, aad)).isNotEqualTo(sealed); // a fresh nonce each time

        assertThatThrownBy(() -> cipher.open(sealed, PieceCipher.aad("rec-1", "seg-000001.mp4", 1235)))
                .isInstanceOf(DecryptionException.class);
        byte[] flipped = sealed.clone();
        flipped[40] ^= 0x10;
        assertThatThrownBy(() -> cipher.open(flipped, aad))
                .isInstanceOf(DecryptionException.class)
                .hasMessageContaining("altered");
        assertThatThrownBy(() -> new PieceCipher(PieceCipher.newKey()).open(sealed, aad))
                .isInstanceOf(DecryptionException.class);
        assertThatThrownBy(() -> cipher.open(new byte[5], aad)).isInstanceOf(DecryptionException.class);
    }
}
