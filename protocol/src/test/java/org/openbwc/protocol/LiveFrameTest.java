package org.openbwc.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class LiveFrameTest {

    @Test
    void aFragmentSurvivesTheWireWithItsStamps() {
        LiveFrame f = new LiveFrame(LiveFrame.Kind.FRAGMENT, true, 42, 1_764_400_000_123L, 8_400, new byte[] {9, 8, 7});
        LiveFrame back = LiveFrame.decode(f.encode());
        assertThat(back.kind()).isEqualTo(LiveFrame.Kind.FRAGMENT);
        assertThat(back.keyframe()).isTrue();
        assertThat(back.sequence()).isEqualTo(42);
        assertThat(back.captureEpochMillis()).isEqualTo(1_764_400_000_123L);
        assertThat(back.mediaStartMillis()).isEqualTo(8_400);
        assertThat(back.payload()).containsExactly(9, 8, 7);
        assertThat(LiveFrame.decode(LiveFrame.init(new byte[] {1}).encode()).kind())
                .isEqualTo(LiveFrame.Kind.INIT);
    }

    @Test
    void garbageIsRefusedWithAReason() {
        assertThatThrownBy(() -> LiveFrame.decode(ByteBuffer.allocate(10)))
                .hasMessageContaining("shorter than its 32-byte header");
        assertThatThrownBy(() -> LiveFrame.decode(ByteBuffer.allocate(40))).hasMessageContaining("BWL1");
        ByteBuffer noPayload = new LiveFrame(LiveFrame.Kind.FRAGMENT, false, 1, 1, 1, new byte[0]).encode();
        assertThatThrownBy(() -> LiveFrame.decode(noPayload)).hasMessageContaining("no MP4 bytes");
        ByteBuffer badKind = LiveFrame.init(new byte[] {1}).encode();
        badKind.put(4, (byte) 7);
        assertThatThrownBy(() -> LiveFrame.decode(badKind)).hasMessageContaining("kind 7");
    }
}
