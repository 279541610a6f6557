package org.openbwc.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class GreatCircleTest {

    @Test
    void oneDegreeOfLatitudeIsAbout111Kilometres() {
        assertThat(GreatCircle.meters(59, 10, 60, 10)).isCloseTo(111_195, within(5.0));
    }

    @Test
    void oslotoBergenIsAbout305Kilometres() {
        assertThat(GreatCircle.meters(59.9139, 10.7522, 60.3913, 5.3221)).isCloseTo(305_000, within(2_000.0));
    }

    @Test
    void theBoxHoldsTheCirclesFarthestPoints() {
        GreatCircle.Box box = GreatCircle.around(59.9139, 10.7522, 1000);

        assertThat(GreatCircle.meters(59.9139, 10.7522, box.maxLat(), 10.7522)).isCloseTo(1000, within(0.01));
        assertThat(GreatCircle.meters(59.9139, 10.7522, 59.9139, box.maxLon())).isGreaterThanOrEqualTo(999.99);
        assertThat(box.minLon()).isLessThan(10.7522);
    }

    @Test
    void aCircleAcrossTheAntimeridianOrAPoleTakesEveryLongitude() {
        assertThat(GreatCircle.around(0, 179.999, 1000).minLon()).isEqualTo(-180);
        assertThat(GreatCircle.around(89.999, 0, 1000).maxLon()).isEqualTo(180);
    }
}
