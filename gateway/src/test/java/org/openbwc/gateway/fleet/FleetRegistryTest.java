package org.openbwc.gateway.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.openbwc.protocol.Battery;
import org.openbwc.protocol.EventType;
import org.openbwc.protocol.Payload;
import org.openbwc.protocol.Storage;
import org.openbwc.protocol.UnitEvent;
import org.openbwc.protocol.UnitLocation;
import org.openbwc.protocol.UnitState;
import org.openbwc.protocol.UnitStatus;
import org.openbwc.testsupport.MovableClock;

class FleetRegistryTest {

    static final Instant T0 = Instant.parse("2025-06-01T10:00:00Z");
    final Instant now = T0.plusSeconds(3600);
    final FleetRegistry registry = new FleetRegistry(Clock.fixed(now, ZoneOffset.UTC), 3);

    static UnitStatus live(String id, UnitState state, long seq, Instant time) {
        return new UnitStatus(
                Payload.VERSION,
                id,
                state,
                true,
                false,
                false,
                "officer-7",
                new Battery(80, false, false),
                new Storage(10, 100),
                null,
                null,
                false,
                true,
                "1.0.0",
                seq,
                time);
    }

    static UnitStatus unsetClock(String id, UnitState state, long seq, Instant time) {
        return new UnitStatus(
                Payload.VERSION,
                id,
                state,
                true,
                false,
                false,
                "",
                null,
                null,
                null,
                null,
                false,
                false,
                "1.0.0",
                seq,
                time);
    }

    static UnitEvent event(String id, long seq) {
        return new UnitEvent(
                Payload.VERSION,
                id,
                EventType.MARKER,
                T0.plusSeconds(seq),
                UnitState.RECORDING,
                "button",
                Map.of("label", "m" + seq),
                seq);
    }

    @Test
    void aLiveStatusMakesTheUnitOnlineAndTheWillMakesItOfflineDespiteItsOlderTime() {
        registry.applyStatus(live("u1", UnitState.BUFFERING, 5, T0.plusSeconds(60)), false);
        assertThat(registry.unit("u1")).get().satisfies(v -> {
            assertThat(v.online()).isTrue();
            assertThat(v.state()).isEqualTo(UnitState.BUFFERING);
            assertThat(v.battery().percent()).isEqualTo(80);
            assertThat(v.lastSeen()).isEqualTo(now);
            assertThat(v.lastStatusTime()).isEqualTo(T0.plusSeconds(60));
        });

        // The Will was built when the unit connected, so it carries an older time than the live status.
        registry.applyStatus(UnitStatus.offline("u1", "officer-7", "1.0.0", T0), false);
        assertThat(registry.unit("u1")).get().satisfies(v -> {
            assertThat(v.online()).isFalse();
            assertThat(v.state()).isEqualTo(UnitState.OFFLINE);
        });

        // After OFFLINE a live status always wins, even with an older time (a unit restarted with a drifting clock).
        registry.applyStatus(live("u1", UnitState.SLEEP, 0, T0.minusSeconds(10)), false);
        assertThat(registry.unit("u1").orElseThrow().state()).isEqualTo(UnitState.SLEEP);
        assertThat(registry.onlineCount()).isEqualTo(1);
    }

    @Test
    void aRecordingShowsItsPreEventApartAndAnOfflineUnitKeepsItsLastKnownRecording() {
        Instant start = T0.plusSeconds(100);
        UnitStatus base = live("u-1", UnitState.RECORDING, 1, start.plusMillis(12_400));
        // 12.4 s after the press, with 30 s of pre-event in front: 42.4 s of media.
        UnitStatus recording = new UnitStatus(
                base.version(),
                "u-1",
                UnitState.RECORDING,
                true,
                false,
                false,
                "officer-7",
                base.battery(),
                base.storage(),
                "r-1",
                start,
                false,
                true,
                "1.0.0",
                1,
                base.time(),
                42_400L,
                0L,
                null,
                null,
                null);
        registry.applyStatus(recording, false);
        UnitView v = registry.unit("u-1").orElseThrow();
        assertThat(v.preEventMillis()).isEqualTo(30_000L);
        assertThat(v.lastState()).isEqualTo(UnitState.RECORDING);
        assertThat(v.offlineSince()).isNull();
        assertThat(v.lastKnown()).isFalse();

        registry.applyStatus(UnitStatus.offline("u-1", "officer-7", "1.0.0", T0), false);
        UnitView gone = registry.unit("u-1").orElseThrow();
        assertThat(gone.state()).isEqualTo(UnitState.OFFLINE);
        assertThat(gone.lastKnown()).isTrue();
        assertThat(gone.recordingId()).isEqualTo("r-1");
        assertThat(gone.recordingSince()).isEqualTo(start);
        assertThat(gone.storage()).isEqualTo(base.storage());
        assertThat(gone.offlineSince()).isEqualTo(now);
        assertThat(gone.live()).isFalse();

        registry.applyStatus(live("u-1", UnitState.BUFFERING, 2, T0.plusSeconds(200)), false);
        UnitView back = registry.unit("u-1").orElseThrow();
        assertThat(back.lastKnown()).isFalse();
        assertThat(back.offlineSince()).isNull();
        assertThat(back.recordingId()).isNull();
        assertThat(back.preEventMillis()).isNull();
    }

    static UnitStatus booted(UnitStatus s, String bootId) {
        return new UnitStatus(
                s.version(),
                s.unitId(),
                s.state(),
                s.online(),
                s.stealth(),
                s.sos(),
                s.officerId(),
                s.battery(),
                s.storage(),
                s.recordingId(),
                s.recordingSince(),
                s.live(),
                s.clockSet(),
                s.firmware(),
                s.seq(),
                s.time(),
                s.recordingMillis(),
                s.droppedFrames(),
                s.publicKey(),
                s.signalPercent(),
                s.viewers(),
                s.evidenceKey(),
                bootId);
    }

    @Test
    void aUnitClockInTheFutureCannotFreezeTheViewWithinARun() {
        registry.applyStatus(
                booted(live("u-1", UnitState.SLEEP, 1, Instant.parse("2099-01-01T00:00:00Z")), "b1"), false);
        assertThat(registry.unit("u-1").orElseThrow().clockAhead()).isTrue();
        registry.applyStatus(booted(live("u-1", UnitState.RECORDING, 2, now), "b1"), false);
        UnitView v = registry.unit("u-1").orElseThrow();
        assertThat(v.state()).isEqualTo(UnitState.RECORDING);
        assertThat(v.clockAhead()).isFalse();
        assertThat(registry.applyStatus(booted(live("u-1", UnitState.SLEEP, 1, now.plusSeconds(5)), "b1"), false))
                .as("an older seq of the same run, whatever its time")
                .isFalse();
        assertThat(registry.applyStatus(booted(live("u-1", UnitState.BUFFERING, 1, now.minusSeconds(60)), "b2"), false))
                .as("a new run of the unit")
                .isTrue();
    }

    @Test
    void withoutABootIdAFutureTimeHoldsTheViewForThirtySecondsAtMost() {
        MovableClock clock = new MovableClock(now);
        FleetRegistry r = new FleetRegistry(clock, 3);
        r.applyStatus(live("u-1", UnitState.SLEEP, 1, Instant.parse("2099-01-01T00:00:00Z")), false);
        assertThat(r.unit("u-1").orElseThrow().clockAhead()).isTrue();
        clock.advance(Duration.ofSeconds(10));
        assertThat(r.applyStatus(live("u-1", UnitState.RECORDING, 2, clock.instant()), false))
                .isFalse();
        clock.advance(Duration.ofSeconds(25));
        assertThat(r.applyStatus(live("u-1", UnitState.RECORDING, 3, clock.instant()), false))
                .isTrue();
        assertThat(r.unit("u-1").orElseThrow().state()).isEqualTo(UnitState.RECORDING);

        UnitLocation ahead = new UnitLocation(
                Payload.VERSION, "u-1", 52.5, 13.4, null, null, null, null, Instant.parse("2099-01-01T00:00:00Z"), 1);
        r.applyLocation(ahead, false);
        clock.advance(Duration.ofSeconds(31));
        UnitLocation right =
                new UnitLocation(Payload.VERSION, "u-1", 52.6, 13.4, null, null, null, null, clock.instant(), 2);
        assertThat(r.applyLocation(right, false)).isTrue();
        assertThat(r.unit("u-1").orElseThrow().location().lat()).isEqualTo(52.6);
    }

    @Test
    void whileTheGatewayCannotSeeTheFleetEveryUnitIsShownAsLastKnown() {
        List<UnitView> told = new ArrayList<>();
        registry.applyStatus(live("u-1", UnitState.RECORDING, 1, T0), false);
        registry.applyStatus(live("u-2", UnitState.SLEEP, 1, T0), false);
        registry.listen(new FleetRegistry.Listener() {
            @Override
            public void unitChanged(UnitView unit) {
                told.add(unit);
            }
        });
        registry.linkChanged(false);
        assertThat(registry.units()).allSatisfy(u -> {
            assertThat(u.staleSince()).isEqualTo(now);
            assertThat(u.lastKnown()).isTrue();
        });
        assertThat(told).extracting(UnitView::id).containsExactlyInAnyOrder("u-1", "u-2");
        registry.linkChanged(false);
        assertThat(told).as("told once").hasSize(2);
        registry.linkChanged(true);
        assertThat(registry.units()).allSatisfy(u -> {
            assertThat(u.staleSince()).isNull();
            assertThat(u.lastKnown()).isFalse();
        });
        assertThat(told).hasSize(4);
    }

    @Test
    void olderOrRepeatedLiveStatusesAreIgnored() {
        assertThat(registry.applyStatus(live("u1", UnitState.RECORDING, 7, T0.plusSeconds(10)), false))
                .isTrue();
        assertThat(registry.applyStatus(live("u1", UnitState.BUFFERING, 6, T0.plusSeconds(9)), false))
                .isFalse();
        assertThat(registry.applyStatus(live("u1", UnitState.BUFFERING, 7, T0.plusSeconds(10)), false))
                .isFalse();
        assertThat(registry.unit("u1").orElseThrow().state()).isEqualTo(UnitState.RECORDING);
        assertThat(registry.applyStatus(live("u1", UnitState.POST_EVENT, 8, T0.plusSeconds(10)), false))
                .isTrue();
        assertThat(registry.unit("u1").orElseThrow().state()).isEqualTo(UnitState.POST_EVENT);
    }

    @Test
    void withAnUnsetUnitClockArrivalOrderWins() {
        registry.applyStatus(unsetClock("u1", UnitState.BUFFERING, 3, Instant.EPOCH.plusSeconds(50)), false);
        registry.applyStatus(unsetClock("u1", UnitState.RECORDING, 4, Instant.EPOCH.plusSeconds(5)), false);
        assertThat(registry.unit("u1").orElseThrow().state()).isEqualTo(UnitState.RECORDING);
    }

    @Test
    void retainedStateSetsLastSeenFromTheUnitsTimeNotFromNow() {
        registry.applyStatus(UnitStatus.offline("u1", "", "", T0), true);
        assertThat(registry.unit("u1").orElseThrow().lastSeen()).isEqualTo(T0);
        registry.applyLocation(location("u1", T0.plusSeconds(30)), true);
        assertThat(registry.unit("u1").orElseThrow().lastSeen()).isEqualTo(T0.plusSeconds(30));
        registry.applyLocation(location("u1", T0.plusSeconds(40)), false);
        assertThat(registry.unit("u1").orElseThrow().lastSeen()).isEqualTo(now);
        assertThat(registry.unit("u1").orElseThrow().location().fixTime()).isEqualTo(T0.plusSeconds(40));
    }

    @Test
    void eventsResentOutOfOrderAreKeptInTheirUnitsOrderWithinABoot() {
        FleetRegistry r = new FleetRegistry(Clock.fixed(now, ZoneOffset.UTC), 10);
        java.util.function.BiFunction<Long, String, UnitEvent> marker = (seq, boot) -> new UnitEvent(
                Payload.VERSION,
                "u1",
                EventType.MARKER,
                T0.plusSeconds(seq),
                UnitState.RECORDING,
                "button",
                Map.of("label", "m" + seq),
                seq,
                boot);
        r.applyEvent(marker.apply(1L, "boot-a"), false);
        r.applyEvent(marker.apply(4L, "boot-a"), false);
        r.applyEvent(marker.apply(2L, "boot-a"), false);
        r.applyEvent(marker.apply(3L, "boot-a"), false);
        // Another boot, or no boot id, is taken in the order it arrives.
        r.applyEvent(marker.apply(1L, "boot-b"), false);
        r.applyEvent(marker.apply(9L, null), false);
        r.applyEvent(marker.apply(5L, null), false);

        assertThat(r.events("u1"))
                .extracting(e -> e.details().get("label") + "@" + e.bootId())
                .containsExactly("m1@boot-a", "m2@boot-a", "m3@boot-a", "m4@boot-a", "m1@boot-b", "m9@null", "m5@null");
    }

    @Test
    void keepsTheLastEventsWithoutDuplicatesAndTellsListeners() {
        List<UnitEvent> heard = new ArrayList<>();
        registry.listen(new FleetRegistry.Listener() {
            @Override
            public void unitChanged(UnitView unit) {}

            @Override
            public void unitEvent(UnitEvent e) {
                heard.add(e);
            }
        });
        for (long seq = 1; seq <= 5; seq++) registry.applyEvent(event("u1", seq), false);
        registry.applyEvent(event("u1", 5), false);
        assertThat(registry.events("u1")).extracting(UnitEvent::seq).containsExactly(3L, 4L, 5L);
        assertThat(heard).extracting(UnitEvent::seq).containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThat(registry.unit("u1").orElseThrow().state()).isNull();
    }

    @Test
    void listenReturnsTheSnapshotAndThenEveryChangeAndForgetRemovesTheUnit() {
        registry.applyStatus(live("b", UnitState.SLEEP, 1, T0), false);
        registry.applyStatus(live("a", UnitState.SLEEP, 1, T0), false);
        List<String> changes = new CopyOnWriteArrayList<>();
        List<UnitView> snapshot = registry.listen(new FleetRegistry.Listener() {
            @Override
            public void unitChanged(UnitView unit) {
                changes.add(unit.id() + ":" + unit.state());
            }

            @Override
            public void unitRemoved(String unitId) {
                changes.add(unitId + ":removed");
            }
        });
        assertThat(snapshot).extracting(UnitView::id).containsExactly("a", "b");
        registry.applyStatus(live("a", UnitState.RECORDING, 2, T0.plusSeconds(1)), false);
        registry.applyStatus(live("a", UnitState.SLEEP, 1, T0), false); // stale: no change to tell
        registry.forget("b");
        assertThat(changes).containsExactly("a:RECORDING", "b:removed");
        assertThat(registry.units()).extracting(UnitView::id).containsExactly("a");
    }

    @Test
    void concurrentWritersEndOnTheNewestStatus() throws InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        for (int t = 0; t < 4; t++) {
            int offset = t;
            pool.submit(() -> {
                for (int i = offset; i < 2000; i += 4)
                    registry.applyStatus(live("u1", UnitState.BUFFERING, i, T0.plusMillis(i)), false);
            });
        }
        pool.shutdown();
        assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        assertThat(registry.unit("u1").orElseThrow().lastStatusTime()).isEqualTo(T0.plusMillis(1999));
    }

    static UnitLocation location(String id, Instant fix) {
        return new UnitLocation(Payload.VERSION, id, 48.85, 2.35, 5.0, null, null, null, fix, 1);
    }
}
