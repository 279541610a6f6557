package org.openbwc.gateway.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.openbwc.protocol.LiveFrame;

class LiveRelayTest {

    /** A viewer that records what it got: "init", "k<seq>" for keyframe fragments, "f<seq>" for others, or text. */
    static final class Recorder implements LiveRelay.Sink {
        final List<String> got = new CopyOnWriteArrayList<>();
        final CountDownLatch gate;

        Recorder(CountDownLatch gate) {
            this.gate = gate;
        }

        @Override
        public void send(ByteBuffer message) throws Exception {
            if (gate != null) gate.await(10, TimeUnit.SECONDS);
            long capture = message.getLong(0);
            long media = message.getLong(8);
            got.add(capture == 0 && media == -1 ? "init" : (message.get(16) == 'K' ? "k" : "f") + media);
        }

        @Override
        public void sendText(String message) {
            got.add(message);
        }
    }

    static LiveFrame fragment(long seq, boolean key, int size) {
        byte[] payload = new byte[size];
        payload[0] = (byte) (key ? 'K' : 'F');
        return new LiveFrame(LiveFrame.Kind.FRAGMENT, key, seq, 1_000 + seq, seq, payload);
    }

    @Test
    void aLateJoinerStartsWithTheInitAndTheLatestKeyframe() {
        LiveRelay relay = new LiveRelay("u-1", 1_000_000);
        relay.publish(LiveFrame.init(new byte[] {1, 2, 3}));
        for (int i = 0; i < 12; i++) relay.publish(fragment(i, i % 5 == 0, 100));
        Recorder late = new Recorder(null);
        relay.join(late, "start");
        relay.publish(fragment(12, false, 100));
        await().atMost(Duration.ofSeconds(5)).until(() -> late.got.size() == 5);
        // GOP of 5 fragments: keyframe 10 is the latest, so 10, 11 from the cache, then 12 live.
        assertThat(late.got).containsExactly("start", "init", "k10", "f11", "f12");
    }

    @Test
    void aSlowViewerSkipsWholeGopsWhileAFastOneGetsEverythingAndMemoryStaysBounded() {
        LiveRelay relay = new LiveRelay("u-1", 10_000);
        CountDownLatch stuck = new CountDownLatch(1);
        Recorder slow = new Recorder(stuck);
        Recorder fast = new Recorder(null);
        relay.publish(LiveFrame.init(new byte[] {1}));
        LiveRelay.Viewer slowViewer = relay.join(slow, "start");
        relay.join(fast, "start");
        for (int i = 0; i < 100; i++) {
            relay.publish(fragment(i, i % 5 == 0, 3_000));
            assertThat(slowViewer.queuedBytes()).isLessThanOrEqualTo(10_000);
            int expected = 3 + i;
            // Published at the pace the fast viewer takes them, as a camera does (one fragment per 200 ms).
            await().pollDelay(Duration.ZERO)
                    .pollInterval(Duration.ofMillis(2))
                    .atMost(Duration.ofSeconds(5))
                    .until(() -> fast.got.size() == expected);
        }
        assertThat(slowViewer.skipped()).isGreaterThan(50);
        stuck.countDown();
        relay.publish(fragment(100, true, 3_000));
        relay.publish(fragment(101, false, 3_000));
        await().atMost(Duration.ofSeconds(5)).until(() -> slow.got.contains("f101"));
        // Whatever the slow viewer got, every run of fragments it got starts at a keyframe.
        List<String> video = slow.got.stream()
                .filter(s -> s.startsWith("k") || s.startsWith("f"))
                .toList();
        for (int i = 0; i < video.size(); i++) {
            long seq = Long.parseLong(video.get(i).substring(1));
            boolean continues = i > 0 && Long.parseLong(video.get(i - 1).substring(1)) == seq - 1;
            if (!continues)
                assertThat(video.get(i))
                        .as("a resumption must start at a keyframe")
                        .startsWith("k");
        }
        assertThat(relay.viewers()).isEqualTo(2);
    }

    @Test
    void closingTellsViewersWhyThenEndsThem() {
        LiveRelay relay = new LiveRelay("u-1", 10_000);
        Recorder r = new Recorder(null);
        LiveRelay.Viewer v = relay.join(r, "start");
        CountDownLatch drained = new CountDownLatch(1);
        v.onDrained(drained::countDown);
        relay.closeAll("{\"type\":\"end\"}");
        await().atMost(Duration.ofSeconds(5)).until(() -> drained.getCount() == 0);
        assertThat(r.got).containsExactly("start", "{\"type\":\"end\"}");
        assertThat(relay.viewers()).isZero();
    }
}
