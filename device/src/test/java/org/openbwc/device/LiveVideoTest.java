package org.openbwc.device;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openbwc.device.live.LiveOrigins;
import org.openbwc.hal.DeviceClock;
import org.openbwc.protocol.CommandReply;
import org.openbwc.protocol.CommandRequest;
import org.openbwc.protocol.RemoteCommand;
import org.openbwc.protocol.UnitState;

/** live.start against the unit's allowed origins: refused before any client exists, with the reason in the reply. */
class LiveVideoTest {
    static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");

    final DeviceClock clock = new DeviceClock() {
        @Override
        public Instant now() {
            return NOW;
        }

        @Override
        public boolean isSet() {
            return true;
        }

        @Override
        public long monotonicMillis() {
            return 0;
        }
    };

    /** Every URL the uplink asked a client for: the only way it connects anywhere. */
    final List<URI> connects = new CopyOnWriteArrayList<>();

    final Function<URI, HttpClient> clients = url -> {
        connects.add(url);
        throw new IllegalStateException("the unit has no TLS identity (test)");
    };

    final LiveVideo live = new LiveVideo(
            "bwc-0001",
            LiveOrigins.of(List.of("wss://gateway.police.local:8444", "rtmp://media.police.local:1935"), null, null),
            clients,
            clock,
            () -> null,
            Runnable::run,
            handle -> {},
            () -> {});

    @AfterEach
    void close() {
        live.close();
    }

    CommandReply start(String url) {
        CommandRequest request = CommandRequest.of("live.start", Map.of("url", url), "gw-1/mallory", NOW);
        return live.command(RemoteCommand.LIVE_START, request, NOW, () -> UnitState.BUFFERING, Optional.empty());
    }

    @Test
    void anAddressOutsideTheAllowedOriginsIsRefusedWithTheReasonAndNothingConnects() {
        CommandReply reply = start("wss://evil:9000/uplink/bwc-0001?ticket=abc");

        assertThat(reply.ok()).isFalse();
        assertThat(reply.reason())
                .isEqualTo("live.start refused: wss://evil:9000 is not an allowed live origin (live.allowedOrigins)");
        assertThat(connects).isEmpty();
        assertThat(live.streaming()).isFalse();
    }

    @Test
    void aMediaServerNotListedIsRefusedBeforeFfmpegStarts() {
        CommandReply reply = start("rtmp://evil.example:1935/live/bwc-0001");

        assertThat(reply.ok()).isFalse();
        assertThat(reply.reason()).startsWith("live.start refused: rtmp://evil.example:1935");
        assertThat(live.streaming()).isFalse();
    }

    @Test
    void userinfoOnTheAllowedHostNameIsNoWayIn() {
        CommandReply reply = start("wss://gateway.police.local:8444@evil:8444/uplink/bwc-0001?ticket=abc");

        assertThat(reply.ok()).isFalse();
        assertThat(connects).isEmpty();
    }

    @Test
    void anAllowedAddressGoesOnToTheUplinkWhichSaysWhyItCannotConnect() {
        CommandReply reply = start("wss://gateway.police.local:8444/uplink/bwc-0001?ticket=abc");

        assertThat(connects).containsExactly(URI.create("wss://gateway.police.local:8444/uplink/bwc-0001?ticket=abc"));
        assertThat(reply.ok()).isFalse();
        assertThat(reply.reason()).contains("no TLS identity");
    }
}
