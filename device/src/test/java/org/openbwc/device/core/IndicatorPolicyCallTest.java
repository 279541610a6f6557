package org.openbwc.device.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The indicators during a voice call: start pulses, and in stealth the haptic that replaces the silent speaker. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class IndicatorPolicyCallTest {
    final IndicatorPolicy policy = new IndicatorPolicy(IndicatorPolicyTest.POLICY);

    @Test
    void aCallStartsWithThreeHapticPulses() {
        IndicatorPolicyTest.Snap s = new IndicatorPolicyTest.Snap();
        IndicatorPolicy.Call call = new IndicatorPolicy.Call(10_000, -1);
        assertThat(policy.render(s.build(), Alarms.NONE, -1, call, 10_000).haptic())
                .isTrue();
        assertThat(policy.render(s.build(), Alarms.NONE, -1, call, 10_250).haptic())
                .isFalse();
        assertThat(policy.render(s.build(), Alarms.NONE, -1, call, 10_800).haptic())
                .isTrue();
        assertThat(policy.render(s.build(), Alarms.NONE, -1, call, 11_300).haptic())
                .isFalse();
        // no call: nothing
        assertThat(policy.render(s.build(), Alarms.NONE, -1, null, 10_000).haptic())
                .isFalse();
    }

    @Test
    void inStealthTheRoomsVoiceIsFeltNotHeardAndTheLedsStayDark() {
        IndicatorPolicyTest.Snap s = new IndicatorPolicyTest.Snap();
        s.stealth = true;
        long since = 10_000;
        long voice = 20_000;
        IndicatorPolicy.Call call = new IndicatorPolicy.Call(since, voice);
        IndicatorFrame pulse = policy.render(s.build(), Alarms.NONE, -1, call, 20_000);
        assertThat(pulse).isEqualTo(new IndicatorFrame(false, false, false, true));
        assertThat(policy.render(s.build(), Alarms.NONE, -1, call, 20_150).haptic())
                .isFalse();
        // the voice stopped: the pulses stop
        assertThat(policy.render(s.build(), Alarms.NONE, -1, call, 20_500).haptic())
                .isFalse();
        // not in stealth, the speaker plays it: no pulses for the voice
        s.stealth = false;
        assertThat(policy.render(s.build(), Alarms.NONE, -1, call, 20_000).haptic())
                .isFalse();
    }
}
