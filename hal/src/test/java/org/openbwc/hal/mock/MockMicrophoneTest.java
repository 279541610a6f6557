package org.openbwc.hal.mock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The emulated microphone: quiet, a tone burst on demand for exactly its length, and registered per open unit. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class MockMicrophoneTest {
    @Test
    void itIsQuietUntilAToneIsInjectedWhichLastsItsLengthAcrossChunks() {
        MockMicrophone mic = MockMicrophone.attach("mic-test-1");
        try {
            short[] chunk = new short[960];
            java.util.Arrays.fill(chunk, (short) 1234); // the lavfi tone it replaces
            mic.fill(chunk, 48_000, 1);
            assertThat(chunk).containsOnly((short) 0);

            long at = mic.injectTone(1000, 30); // 1440 samples at 48 kHz
            assertThat(at).isEqualTo(mic.lastInjectionMillis()).isPositive();
            mic.fill(chunk, 48_000, 1);
            assertThat(max(chunk)).isGreaterThan((int) (0.35 * Short.MAX_VALUE));
            short[] next = new short[960];
            mic.fill(next, 48_000, 1);
            assertThat(max(java.util.Arrays.copyOfRange(next, 0, 480))).isPositive();
            assertThat(java.util.Arrays.copyOfRange(next, 480, 960)).containsOnly((short) 0);

            short[] stereo = new short[4];
            mic.injectTone(1000, 10);
            mic.fill(stereo, 48_000, 2);
            assertThat(stereo[2]).isNotZero().isEqualTo(stereo[3]); // both channels hear it alike

            assertThatThrownBy(() -> mic.injectTone(10, 100)).hasMessageContaining("50..20000 Hz");
            assertThatThrownBy(() -> mic.injectTone(1000, 1)).hasMessageContaining("10..10000 ms");
            assertThat(MockMicrophone.registered("mic-test-1")).containsSame(mic);
        } finally {
            MockMicrophone.detach("mic-test-1", mic);
        }
        assertThat(MockMicrophone.registered("mic-test-1")).isEmpty();
    }

    private static int max(short[] s) {
        int m = 0;
        for (short v : s) m = Math.max(m, Math.abs(v));
        return m;
    }
}
