package org.openbwc.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.openbwc.gateway.auth.TestOperators;
import org.openbwc.hal.mock.VirtualUnitControls;

/**
 * Dispatch through a real broker to real unit runtimes on the mock HAL: in stealth the unit only vibrates (no LED, no
 * tone); while dispatched it reports its position every second (its idle interval is 30 s); a cancel stops the alert;
 * a unit at the incident reports its arrival.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class DispatchFleetTest {
    TestFleet fleet;
    FleetClient client;

    @BeforeAll
    void start() {
        fleet = TestFleet.start(
                "dispatch-fleet", gw -> gw, List.of(TestFleet.Unit.small("df-1"), TestFleet.Unit.small("df-2")));
        client = fleet.client(TestOperators.SUPERVISOR);
        await("positions")
                .atMost(Duration.ofSeconds(60))
                .until(() -> position("df-1") != null && position("df-2") != null);
    }

    @AfterAll
    void stop() {
        if (client != null) client.close();
        if (fleet != null) fleet.close();
    }

    @Test
    void inStealthADispatchedUnitOnlyVibratesAndReportsItsPositionEverySecondUntilCancelled() throws Exception {
        VirtualUnitControls unit = fleet.units.get(0).controls();
        assertThat(client.command("df-1", "stealth.on", "covert approach").status())
                .isEqualTo(200);
        double[] here = position("df-1");
        long played = unit.speaker().playedAfter(0).size();
        String id = place(here[0] + 0.01, here[1]); // ~1.1 km away: no arrival meanwhile
        Instant sent = Instant.now();

        assertThat(client.post(fleet.base(), "/api/dispatches/" + id + "/assign", "{\"units\": [\"df-1\"]}")
                        .status())
                .isEqualTo(200);

        await("the unit vibrates")
                .atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(20))
                .until(unit::hapticsOn);
        for (int i = 0; i < 40; i++) {
            assertThat(unit.ledOn("green") || unit.ledOn("amber") || unit.ledOn("red"))
                    .as("no LED in stealth")
                    .isFalse();
            Thread.sleep(25);
        }
        assertThat(unit.speaker().playedAfter(0)).as("no tone in stealth").hasSize((int) played);
        await("delivered")
                .atMost(Duration.ofSeconds(10))
                .until(() -> !step(id, "delivered").isNull());

        // Positions every second from the dispatch on: five fixes after it, each within 1.5 s of the one before.
        await("1 s positions").atMost(Duration.ofSeconds(30)).until(() -> {
            List<Instant> fixes = fixesSince("df-1", sent);
            if (fixes.size() < 5) return false;
            for (int i = 1; i < fixes.size(); i++) {
                if (Duration.between(fixes.get(i - 1), fixes.get(i)).toMillis() > 1_500) return false;
            }
            return true;
        });

        assertThat(client.get(fleet.base(), "/api/dispatches/" + id)
                        .body()
                        .path("status")
                        .asText())
                .isEqualTo("open");
        JsonNode cancelled =
                client.delete(fleet.base(), "/api/dispatches/" + id).body();
        assertThat(cancelled.path("status").asText()).isEqualTo("cancelled");
        await("the unit heard the cancel")
                .atMost(Duration.ofSeconds(10))
                .until(() -> hasEvent("df-1", "dispatch.cancelled", id));
        assertThat(client.command("df-1", "stealth.off").status()).isEqualTo(200);
    }

    @Test
    void aUnitAtTheIncidentReportsItsArrival() throws Exception {
        // Where the unit is now (its last report may be 30 s old): its GNSS, as the virtual-units page shows it.
        org.openbwc.hal.GnssFix fix = fleet.units.get(1).controls().latestFix().orElseThrow();
        double[] here = {fix.lat(), fix.lon()};
        String id = place(here[0], here[1]);

        client.post(fleet.base(), "/api/dispatches/" + id + "/assign", "{\"units\": [\"df-2\"]}");

        await("arrived")
                .atMost(Duration.ofSeconds(30))
                .until(() -> !step(id, "arrived").isNull());
        JsonNode d = client.get(fleet.base(), "/api/dispatches/" + id).body();
        assertThat(d.path("status").asText()).isEqualTo("arrived");
        assertThat(d.path("units").get(0).path("delivered").isTextual()).isTrue();
        assertThat(hasEvent("df-2", "dispatch.arrived", id)).isTrue();
    }

    String place(double lat, double lon) throws Exception {
        FleetClient.Reply r = client.post(
                fleet.base(),
                "/api/dispatches",
                String.format(
                        Locale.ROOT,
                        "{\"lat\": %.6f, \"lon\": %.6f, \"note\": \"test\", \"priority\": \"urgent\"}",
                        lat,
                        lon));
        assertThat(r.status()).as(r.body().toString()).isEqualTo(201);
        return r.body().path("id").asText();
    }

    JsonNode step(String id, String step) throws Exception {
        return client.get(fleet.base(), "/api/dispatches/" + id)
                .body()
                .path("units")
                .get(0)
                .path(step);
    }

    double[] position(String unit) throws Exception {
        JsonNode l = client.unit(unit).map(u -> u.path("location")).orElse(null);
        return l == null || !l.path("lat").isNumber()
                ? null
                : new double[] {l.path("lat").asDouble(), l.path("lon").asDouble()};
    }

    List<Instant> fixesSince(String unit, Instant since) throws Exception {
        List<Instant> out = new ArrayList<>();
        for (JsonNode p : client.get(fleet.base(), "/api/units/" + unit + "/trail?points=100")
                .body()) {
            Instant t = Instant.parse(p.path("time").asText());
            if (t.isAfter(since)) out.add(t);
        }
        return out;
    }

    boolean hasEvent(String unit, String type, String id) throws Exception {
        for (JsonNode e :
                client.get(fleet.base(), "/api/units/" + unit + "/events").body()) {
            if (e.path("type").asText().equals(type)
                    && e.path("details").path("id").asText().equals(id)) return true;
        }
        return false;
    }
}
