package org.openbwc.device.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.openbwc.protocol.CommandReply;
import org.openbwc.protocol.CommandRequest;
import org.openbwc.protocol.Topics;
import org.openbwc.protocol.UnitState;
import org.openbwc.protocol.WireCodec;

/**
 * The inbox without a broker: a fake monotonic clock makes expiry exact. Hostile payloads (oversized, deeply nested,
 * not UTF-8, wrong types) and failing handlers are refused or answered, and a valid command is answered afterwards.
 */
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

    @Test
    void aMegabyteRequestIsRefusedBeforeItIsParsedOrQueuedAndTheUnitStillAnswers() {
        byte[] huge = ("{\"version\":1,\"command\":\"ping\",\"requestedBy\":\"" + "x".repeat(1 << 20) + "\"}")
                .getBytes(StandardCharsets.UTF_8);

        inbox.accept(Topics.command(UNIT, "ping"), message(huge, "replies/gw", new byte[] {7}, null));

        // Answered on the caller's thread: it never reached the queue.
        assertThat(replies).singleElement().satisfies(r -> {
            assertThat(r.correlationData()).containsExactly(7);
            assertThat(r.reply().reason())
                    .isEqualTo("request of " + huge.length + " bytes refused: the limit is "
                            + WireCodec.DEFAULT_MAX_BYTES + " bytes");
        });
        assertThat(handled).isEmpty();
        assertStillAnswers();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostilePayloads")
    void aHostilePayloadIsRefusedWithAReasonAndTheUnitStillAnswers(String what, byte[] payload, String reason) {
        inbox.accept(Topics.command(UNIT, "ping"), message(payload, "replies/gw", null, null));

        await().until(() -> replies.size() == 1);
        assertThat(replies.getFirst().reply().ok()).isFalse();
        assertThat(replies.getFirst().reply().reason())
                .startsWith("malformed request: ")
                .contains(reason);
        assertThat(handled).isEmpty();
        assertThat(inbox.malformed()).isEqualTo(1);
        assertStillAnswers();
    }

    static Stream<Arguments> hostilePayloads() {
        String deepArrays = "[".repeat(10_000) + "]".repeat(10_000);
        String deepObjects = "{\"a\":".repeat(10_000) + "1" + "}".repeat(10_000);
        return Stream.of(
                arguments("10,000 nested arrays", bytes(deepArrays), "nested deeper than"),
                arguments(
                        "10,000 nested objects in args",
                        bytes("{\"version\":1,\"command\":\"ping\",\"args\":" + deepObjects + "}"),
                        "nested deeper than"),
                arguments(
                        "invalid UTF-8",
                        new byte[] {'{', '"', (byte) 0xC3, (byte) 0x28, '"', ':', '1', '}'},
                        "not valid UTF-8"),
                arguments("a lone continuation byte", new byte[] {'"', (byte) 0x80, '"'}, "not valid UTF-8"),
                arguments("empty", new byte[0], "empty payload"),
                arguments("JSON null", bytes("null"), "JSON null"),
                arguments("an array", bytes("[1,2]"), "CommandRequest"),
                arguments("a string", bytes("\"ping\""), "CommandRequest"),
                arguments("version as text", bytes("{\"version\":\"1\",\"command\":\"ping\"}"), "version"),
                arguments("version missing", bytes("{\"command\":\"ping\"}"), "version"),
                arguments("version 2", bytes("{\"version\":2,\"command\":\"ping\"}"), "version"),
                arguments("command as an object", bytes("{\"version\":1,\"command\":{\"a\":1}}"), "command"),
                arguments("args as a list", bytes("{\"version\":1,\"command\":\"ping\",\"args\":[1]}"), "args"),
                arguments(
                        "an arg as an object",
                        bytes("{\"version\":1,\"command\":\"ping\",\"args\":{\"url\":{\"a\":1}}}"),
                        "args"),
                arguments(
                        "an arg as null",
                        bytes("{\"version\":1,\"command\":\"ping\",\"args\":{\"url\":null}}"),
                        "CommandRequest"),
                arguments(
                        "a number with 50,000 digits",
                        bytes("{\"version\":" + "9".repeat(50_000) + ",\"command\":\"ping\"}"),
                        "version"),
                arguments(
                        "a repeated member",
                        bytes("{\"version\":1,\"command\":\"ping\",\"command\":\"record.stop\"}"),
                        "appears twice"),
                arguments(
                        "sentAt not a time",
                        bytes("{\"version\":1,\"command\":\"ping\",\"sentAt\":\"yesterday\"}"),
                        "sentAt"),
                arguments("trailing garbage", bytes("{\"version\":1,\"command\":\"ping\"} x"), "after the JSON"));
    }

    @Test
    void anErrorThrownByTheHandlerIsAnsweredAndTheInboxThreadLivesOn() {
        behaviour = (name, request) -> {
            throw new StackOverflowError();
        };
        inbox.accept(Topics.command(UNIT, "locate"), message(request("locate"), "replies/gw", null, null));
        await().until(() -> replies.size() == 1);
        assertThat(replies.getFirst().reply().reason()).isEqualTo("internal error: StackOverflowError");

        behaviour = (name, request) -> {
            throw new OutOfMemoryError("Java heap space");
        };
        inbox.accept(Topics.command(UNIT, "locate"), message(request("locate"), "replies/gw", null, null));
        await().until(() -> replies.size() == 2);
        assertThat(replies.get(1).reply().reason()).isEqualTo("internal error: Java heap space");

        behaviour = (name, request) -> CommandReply.ok(UNIT, name, "", UnitState.BUFFERING, NOW);
        assertStillAnswers();
    }

    @Test
    void nothingAMessageThrowsReachesPahosThreadSoTheMessageIsAcknowledged() {
        MqttMessage exploding = new MqttMessage(request("ping"), 1, false, new MqttProperties()) {
            @Override
            public byte[] getPayload() {
                throw new OutOfMemoryError("Java heap space (test)");
            }
        };
        MqttMessage noProperties = new MqttMessage(request("ping"), 1, false, null) {
            @Override
            public MqttProperties getProperties() {
                throw new IllegalStateException("broken properties (test)");
            }
        };

        // Returning normally is what makes Paho acknowledge the message instead of dropping the connection.
        inbox.accept(Topics.command(UNIT, "ping"), exploding);
        inbox.accept(Topics.command(UNIT, "ping"), noProperties);
        // Both fail on Paho's thread itself, so they are counted by the time accept returns.
        assertThat(inbox.malformed()).isEqualTo(2);
        // This one fails later, on the inbox's own thread (no topic to name the command by).
        inbox.accept(null, message(request("ping"), "replies/gw", null, null));

        await().untilAsserted(() -> assertThat(inbox.malformed()).isGreaterThan(2));
        assertStillAnswers();
    }

    @Test
    void aReplyThatCannotBeSentDoesNotStopTheInbox() {
        AtomicLong calls = new AtomicLong();
        CommandInbox brittle = new CommandInbox(
                UNIT,
                codec,
                (name, request) -> CommandReply.ok(UNIT, name, "pong", UnitState.BUFFERING, NOW),
                reply -> {
                    if (calls.incrementAndGet() == 1) throw new IllegalStateException("outbox broken (test)");
                    replies.add(reply);
                },
                nanos::get,
                Clock.fixed(NOW, ZoneOffset.UTC));
        try {
            brittle.accept(Topics.command(UNIT, "ping"), message(request("ping"), "replies/gw", null, null));
            brittle.accept(Topics.command(UNIT, "ping"), message(request("ping"), "replies/gw", null, null));
            await().until(() -> !replies.isEmpty());
            assertThat(replies.getLast().reply().reason()).isEqualTo("pong");
        } finally {
            brittle.close();
        }
    }

    /** A valid command after whatever the test did is still run and answered. */
    private void assertStillAnswers() {
        int before = replies.size();
        inbox.accept(Topics.command(UNIT, "ping"), message(request("ping"), "replies/after", null, null));
        await().until(() -> replies.size() == before + 1);
        assertThat(replies.getLast().responseTopic()).isEqualTo("replies/after");
        assertThat(replies.getLast().reply().ok()).isTrue();
        assertThat(handled).last().isEqualTo("ping");
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
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
