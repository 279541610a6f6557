package org.openbwc.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The room's voice frames: round trip, the call tag the browser computes too, and every refusal. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class TalkFrameTest {
    @Test
    void aFrameRoundTripsWithItsHeader() {
        TalkFrame f = new TalkFrame(
                TalkFrame.Codec.OPUS, TalkFrame.tagOf("call-1"), 7, 1_700_000_000_123L, new byte[] {1, 2, 3});
        ByteBuffer wire = f.encode();
        assertThat(wire.remaining()).isEqualTo(TalkFrame.HEADER_BYTES + 3);
        TalkFrame back = TalkFrame.decode(wire);
        assertThat(back.codec()).isEqualTo(TalkFrame.Codec.OPUS);
        assertThat(back.callTag()).isEqualTo(f.callTag());
        assertThat(back.sequence()).isEqualTo(7);
        assertThat(back.captureEpochMillis()).isEqualTo(1_700_000_000_123L);
        assertThat(back.payload()).containsExactly(1, 2, 3);
    }

    @Test
    void theTagIsFnv1aOfTheCallId() {
        // The same value talk.js computes with Math.imul: FNV-1a 32 of "a" is 0xe40c292c.
        assertThat(TalkFrame.tagOf("a")).isEqualTo(0xe40c292c);
        assertThat(TalkFrame.tagOf("call-1")).isNotEqualTo(TalkFrame.tagOf("call-2"));
    }

    @Test
    void badMessagesAreRefusedSayingWhy() {
        assertThatThrownBy(() -> TalkFrame.decode(ByteBuffer.allocate(10))).hasMessageContaining("shorter");
        ByteBuffer wrongMagic = new TalkFrame(TalkFrame.Codec.PCM_S16LE, 1, 1, 0, new byte[2]).encode();
        wrongMagic.put(0, (byte) 'X');
        assertThatThrownBy(() -> TalkFrame.decode(wrongMagic)).hasMessageContaining("BWT1");
        ByteBuffer badCodec = new TalkFrame(TalkFrame.Codec.PCM_S16LE, 1, 1, 0, new byte[2]).encode();
        badCodec.put(4, (byte) 9);
        assertThatThrownBy(() -> TalkFrame.decode(badCodec)).hasMessageContaining("codec 9");
        ByteBuffer empty = ByteBuffer.allocate(TalkFrame.HEADER_BYTES)
                .put("BWT1".getBytes())
                .rewind();
        assertThatThrownBy(() -> TalkFrame.decode(empty)).hasMessageContaining("no audio");
        assertThatThrownBy(() ->
                        TalkFrame.decode(ByteBuffer.allocate(TalkFrame.HEADER_BYTES + TalkFrame.MAX_PAYLOAD_BYTES + 1)))
                .hasMessageContaining("exceeds");
        assertThatThrownBy(() -> new TalkFrame(TalkFrame.Codec.PCM_S16LE, 1, 1, 0, new byte[3]))
                .hasMessageContaining("odd");
    }
}
