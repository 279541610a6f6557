package org.openbwc.gateway.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openbwc.gateway.fleet.FleetRegistry;
import org.openbwc.gateway.fleet.LocationTrails;

/** Online units with a position, nearest first, with an ETA from their recent speed or a walk. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class CandidateRankingTest {
    static final Instant T0 = Instant.parse("2026-12-07T10:00:00Z");
    static final double LAT = 52.5200;
    static final double LON = 13.4050;

    final FleetRegistry registry = new FleetRegistry();
    final DispatchFleet fleet = new DispatchFleet(registry);

    @Test
    void onlineUnitsWithAPositionComeNearestFirst() {
        fleet.unit("far", true, LAT + 0.02, LON, T0) // ~2.2 km
                .unit("near", true, LAT + 0.001, LON, T0) // ~111 m
                .unit("mid", true, LAT, LON + 0.01, T0) // ~680 m
                .unit("gone", false, LAT, LON, T0);

        List<Candidate> ranked =
                new CandidateRanking(CandidateRanking.WALKING_MPS, null).rank(registry.units(), LAT, LON, 10);

        assertThat(ranked).extracting(Candidate::unitId).containsExactly("near", "mid", "far");
        assertThat(ranked.get(0).distanceMeters()).isBetween(110.0, 113.0);
        assertThat(ranked.get(0).etaSeconds())
                .isEqualTo(Math.round(ranked.get(0).distanceMeters() / 1.4));
        assertThat(ranked.get(0).officerId()).isEqualTo("officer-near");
        assertThat(ranked.get(0).batteryPercent()).isEqualTo(77);
        assertThat(new CandidateRanking(1.4, null).rank(registry.units(), LAT, LON, 2))
                .hasSize(2);
    }

    @Test
    void theEtaUsesTheRecentSpeedFromTheTrailWhenFasterThanAWalk() {
        LocationTrails trails = new LocationTrails(100);
        registry.listen(trails);
        // A car: 10 m/s north for 10 s, now ~1 km south of the incident.
        for (int s = 0; s <= 10; s++) fleet.unit("car", true, LAT - 0.0099 + s * 0.00009, LON, T0.plusSeconds(s));
        fleet.unit("walker", true, LAT - 0.009, LON, T0);

        List<Candidate> ranked = new CandidateRanking(CandidateRanking.WALKING_MPS, new TrailSpeed(trails))
                .rank(registry.units(), LAT, LON, 10);

        Candidate car = ranked.stream()
                .filter(c -> c.unitId().equals("car"))
                .findFirst()
                .orElseThrow();
        Candidate walker = ranked.stream()
                .filter(c -> c.unitId().equals("walker"))
                .findFirst()
                .orElseThrow();
        assertThat(car.speedMps()).isBetween(9.5, 10.5);
        assertThat(car.etaSeconds()).isLessThan(walker.etaSeconds() / 5);
        assertThat(walker.speedMps()).isEqualTo(CandidateRanking.WALKING_MPS);
    }

    @Test
    void equalDistancesKeepTheUnitIdOrder() {
        fleet.unit("b", true, LAT + 0.001, LON, T0).unit("a", true, LAT + 0.001, LON, T0);

        assertThat(new CandidateRanking(1.4, null).rank(registry.units(), LAT, LON, 10))
                .extracting(Candidate::unitId)
                .containsExactly("a", "b");
    }

    @Test
    void aDefaultSpeedMustBePositive() {
        assertThatThrownBy(() -> new CandidateRanking(0, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must be above 0");
    }
}
