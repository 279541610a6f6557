package org.openbwc.hal.mock;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.openbwc.hal.GnssFix;

class SimulatedRadioTest {

    static GnssFix at(double lat, double lon) {
        return new GnssFix(lat, lon, 5.0, null, null, null, Instant.EPOCH);
    }

    @Test
    void signalIsStrongAtAMastWeakBetweenMastsAndUnknownWithoutAFix() {
        assertThat(SimulatedRadio.signalAt(at(52.515, 13.395))).as("on a mast").isEqualTo(95);
        assertThat(SimulatedRadio.signalAt(at(52.5225, 13.4025)))
                .as("halfway diagonally")
                .isEqualTo(20);
        long distinct = IntStream.range(0, 100)
                .map(i -> SimulatedRadio.signalAt(at(52.5 + i * 0.0004, 13.4)))
                .distinct()
                .count();
        assertThat(distinct).as("varies along a patrol").isGreaterThan(10);
        assertThat(new SimulatedRadio(Optional::empty).signalPercent()).isEmpty();
    }
}
