package org.openbwc.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Mp4BoxHeadersTest {

    @Test
    void findsTheBoxesOfAFragmentedMp4() {
        byte[] mp4 = concat(
                box("ftyp", ascii("iso5"), new byte[4], ascii("iso6")),
                box("moov", box("mvhd", new byte[20])),
                box("moof", box("mfhd", new byte[8])),
                box("mdat", new byte[100]));
        assertThat(Mp4BoxHeaders.in(mp4))
                .extracting(Mp4BoxHeaders.Found::type)
                .containsExactly("ftyp", "moov", "moof", "mdat");
        assertThat(Mp4BoxHeaders.in(mp4).getFirst().offset()).isZero();
    }

    @Test
    void aTypeWordInRandomBytesIsNotABox() {
        // What sank a naive check: "ftyp" and "moof" inside ciphertext, with no size or child a real box has.
        byte[] noise = new byte[1 << 20];
        new Random(16).nextBytes(noise);
        byte[] words = ascii("ftyp");
        System.arraycopy(words, 0, noise, 1000, 4);
        System.arraycopy(ascii("moof"), 0, noise, 5000, 4);
        System.arraycopy(ascii("mdat"), 0, noise, 9000, 4);
        ByteBuffer.wrap(noise).putInt(4996, 64); // a plausible size, but no mfhd inside
        assertThat(new String(noise, StandardCharsets.ISO_8859_1)).contains("ftyp", "moof", "mdat");
        // mdat's size before it is random: with 1 MiB left it fits once in 4,000, and this seed's does not
        assertThat(Mp4BoxHeaders.in(noise)).isEmpty();
    }

    @Test
    void aSizeThatDoesNotFitIsNotABox() {
        byte[] cut = box("mdat", new byte[100]);
        assertThat(Mp4BoxHeaders.in(java.util.Arrays.copyOf(cut, 50))).isEmpty();
        assertThat(Mp4BoxHeaders.in(cut)).hasSize(1);
    }

    static byte[] box(String type, byte[]... children) {
        byte[] body = concat(children);
        return concat(ByteBuffer.allocate(4).putInt(8 + body.length).array(), ascii(type), body);
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) out.writeBytes(p);
        return out.toByteArray();
    }
}
