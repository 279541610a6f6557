package org.openbwc.device;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openbwc.hal.Speaker;

/** The dispatch tone: more beeps the more urgent, short, loud but never clipped. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class DispatchToneTest {
    static int beeps(short[] s) {
        int n = 0;
        boolean sounding = false;
        int quiet = 0;
        for (short v : s) {
            if (Math.abs(v) > 1000) {
                if (!sounding) n++;
                sounding = true;
                quiet = 0;
            } else if (++quiet > Speaker.SAMPLE_RATE / 100) {
                sounding = false; // 10 ms of near-silence ends a beep; a sine's zero crossings do not
            }
        }
        return n;
    }

    @Test
    void moreUrgentDispatchesBeepMoreOften() {
        assertThat(beeps(DispatchTone.samples("routine"))).isEqualTo(2);
        assertThat(beeps(DispatchTone.samples("urgent"))).isEqualTo(4);
        assertThat(beeps(DispatchTone.samples("emergency"))).isEqualTo(6);
    }

    @Test
    void theToneIsShortLoudAndNotClipped() {
        short[] s = DispatchTone.samples("emergency");
        long millis = s.length * 1000L / Speaker.SAMPLE_RATE;
        int peak = 0;
        for (short v : s) peak = Math.max(peak, Math.abs(v));

        // An alert, not a ring: at most 1.5 s, handed over as one chunk (a speaker takes it whole when idle).
        assertThat(millis).isBetween(500L, 1_500L);
        assertThat(peak).isBetween(Short.MAX_VALUE / 2, Short.MAX_VALUE - 1000);
        assertThat(Math.abs(s[0])).as("starts from silence (no click)").isLessThan(100);
    }
}
