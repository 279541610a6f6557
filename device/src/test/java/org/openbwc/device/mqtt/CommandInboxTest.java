package org.openbwc.device.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openbwc.protocol.CommandReply;
import org.openbwc.protocol.CommandRequest;
import org.openbwc.protocol.Topics;
import org.openbwc.protocol.UnitState;
import org.openbwc.protocol.WireCodec;

/** The inbox without a broker: a fake monotonic clock makes expiry exact. */
class CommandInboxTest {

    private static final String UNIT = "unit-1";
    private static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");

    private final WireCodec codec = new WireCodec();
    private final AtomicLong nanos = new AtomicLong();
    private final List<String> handled = new CopyOnWriteArrayList<>();
    private final List<CommandInbox.Reply> replies = new CopyOnWriteArrayList<>();
    private final CountDownLatch release = new CountDownLatch(1);
    private volatile CommandHandler behaviour =
            (name, request) -> CommandReply.ok(UNIT, name, "", UnitState.BUFFERING, NOW);
    private final CommandInbox inbox = new CommandInbox(
            UNIT,
            codec,
            (name, request) -> {
                handled.add(name);
                return behaviour.handle(name, request);
            },
            replies::add,
            nanos::get,
            Clock.fixed(NOW, ZoneOffset.UTC));

    @AfterEach
    void closeInbox() {
        release.countDown();
        inbox.close();
    }

    @Test
    void aRequestWhoseExpiryPassesWhileItWaitsIsNotExecuted() {
        behaviour = (name, request) -> {
            waitFor(release);
            return CommandReply.ok(UNIT, name, "", UnitState.BUFFERING, NOW);
        };
        inbox.accept(Topics.command(UNIT, "ping"), message(request("ping"), "replies/gw", null, null));
        inbox.accept(Topics.command(UNIT, "marker"), message(request("marker"), "replies/gw", null, 1L));
        await().until(() -> handled.contains("ping"));

        nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(1001));
        release.countDown();

        await().until(() -> inbox.expired() == 1);
        assertThat(handled).containsExactly("ping");
        assertThat(replies).extracting(r -> r.reply().command()).containsExactly("ping");
    }

    @Test
    void aRequestStillWithinItsExpiryRuns() {
        inbox.accept(Topics.command(UNIT, "marker"), message(request("marker"), "replies/gw", null, 1L));

        await().until(() -> replies.size() == 1);
        assertThat(handled).containsExactly("marker");
        assertThat(inbox.expired()).isZero();
    }

    @Test
    void aThrowingHandlerBecomesAnInternalErrorReplyWithTheCorrelationData() {
        behaviour = (name, request) -> {
            throw new IllegalStateException("storage full");
        };
        byte[] correlation = {1, 2, 3};

        inbox.accept(
                Topics.command(UNIT, "record.start"),
                message(request("record.start"), "replies/gw", correlation, null));

        await().until(() -> replies.size() == 1);
        CommandInbox.Reply reply = replies.getFirst();
        assertThat(reply.responseTopic()).isEqualTo("replies/gw");
        assertThat(reply.correlationData()).containsExactly(1, 2, 3);
        assertThat(reply.reply().ok()).isFalse();
        assertThat(reply.reply().reason()).isEqualTo("internal error: storage full");
    }

    @Test
    void aHandlerThatReturnsNothingProducesAnErrorReply() {
        behaviour = (name, request) -> null;

        inbox.accept(Topics.command(UNIT, "locate"), message(request("locate"), "replies/gw", null, null));

        await().until(() -> replies.size() == 1);
        assertThat(replies.getFirst().reply().reason()).startsWith("internal error:");
    }

    @Test
    void aCommandForAnotherUnitIsRejected() {
        inbox.accept(Topics.command("unit-2", "ping"), message(request("ping"), "replies/gw", null, null));

        await().until(() -> replies.size() == 1);
        assertThat(replies.getFirst().reply().reason())
                .isEqualTo("'bwc/v1/unit-2/cmd/ping' is not a command topic of unit unit-1");
        assertThat(handled).isEmpty();
        assertThat(inbox.malformed()).isEqualTo(1);
    }

    @Test
    void beyondTheWaitingLimitCommandsAreRefusedAsBusy() {
        behaviour = (name, request) -> {
            waitFor(release);
            return CommandReply.ok(UNIT, name, "", UnitState.BUFFERING, NOW);
        };
        inbox.accept(Topics.command(UNIT, "ping"), message(request("ping"), null, null, null));
        await().until(() -> handled.size() == 1);
        for (int i = 0; i < CommandInbox.MAX_WAITING; i++) {
            inbox.accept(Topics.command(UNIT, "ping"), message(request("ping"), null, null, null));
        }

        inbox.accept(Topics.command(UNIT, "marker"), message(request("marker"), "replies/gw", new byte[] {9}, null));

        assertThat(replies).singleElement().satisfies(r -> {
            assertThat(r.reply().ok()).isFalse();
            assertThat(r.reply().reason()).isEqualTo("unit busy: too many commands waiting");
            assertThat(r.reply().command()).isEqualTo("marker");
        });
    }

    private byte[] request(String command) {
        return codec.encode(CommandRequest.of(command, Map.of(), "gw-test", NOW));
    }

    private static MqttMessage message(
            byte[] payload, String responseTopic, byte[] correlationData, Long expirySeconds) {
        MqttProperties properties = new MqttProperties();
        if (responseTopic != null) properties.setResponseTopic(responseTopic);
        if (correlationData != null) properties.setCorrelationData(correlationData);
        if (expirySeconds != null) properties.setMessageExpiryInterval(expirySeconds);
        return new MqttMessage(payload, 1, false, properties);
    }

    private static void waitFor(CountDownLatch latch) {
        try {
            if (!latch.await(10, TimeUnit.SECONDS)) throw new IllegalStateException("test latch never released");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
