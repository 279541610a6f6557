package org.openbwc.device.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.openbwc.protocol.CommandReply;
import org.openbwc.protocol.CommandRequest;

/** Remote commands as a gateway sends them: MQTT 5 request/response with correlation data. */
class UnitLinkCommandTest {

    @OnEachBroker
    void aRequestIsAnsweredOnItsResponseTopicWithItsCorrelationData(TestBroker broker) throws Exception {
        try (LinkTestBench bench = new LinkTestBench(broker)) {
            UnitLink link = bench.link();
            link.start();
            await().until(link::isConnected);
            byte[] correlation = randomBytes();

            GatewayProbe.Received reply = bench.probe
                    .request("ping", request(bench, "ping"), correlation, 30L, true)
                    .get(10, TimeUnit.SECONDS);

            assertThat(reply.properties().getCorrelationData()).isEqualTo(correlation);
            assertThat(reply.qos()).isEqualTo(1);
            CommandReply answer = bench.decode(reply, CommandReply.class);
            assertThat(answer.ok()).isTrue();
            assertThat(answer.command()).isEqualTo("ping");
            assertThat(answer.unitId()).isEqualTo(bench.unitId);
            assertThat(answer.reason()).isEqualTo("done");
            assertThat(bench.handled).singleElement().satisfies(h -> {
                assertThat(h.name()).isEqualTo("ping");
                assertThat(h.request().args()).containsEntry("why", "test");
                assertThat(h.request().requestedBy()).isEqualTo(bench.probe.gatewayId());
                assertThat(h.thread()).as("runs on the link's own thread").isEqualTo("mqtt-cmd-" + bench.unitId);
            });
        }
    }

    @OnEachBroker
    void rejectedRequestsAndFailingHandlersGetErrorRepliesWithAReason(TestBroker broker) throws Exception {
        try (LinkTestBench bench = new LinkTestBench(broker)) {
            bench.behaviour = (name, request) -> {
                throw new IllegalStateException("lens cap on");
            };
            UnitLink link = bench.link();
            link.start();
            await().until(link::isConnected);

            CommandReply malformed = errorReply(bench, "ping", "{not json".getBytes(StandardCharsets.UTF_8));
            CommandReply mismatched = errorReply(bench, "ping", request(bench, "marker"));
            CommandReply unknown = errorReply(bench, "selfdestruct", request(bench, "selfdestruct"));
            CommandReply failed = errorReply(bench, "locate", request(bench, "locate"));

            assertThat(malformed.reason()).startsWith("malformed request: CommandRequest");
            assertThat(mismatched.reason())
                    .isEqualTo("command 'marker' in the payload does not match 'ping' in the topic");
            assertThat(unknown.reason()).startsWith("unknown command 'selfdestruct' (allowed: record.start");
            assertThat(unknown.command()).isEqualTo("selfdestruct");
            assertThat(failed.reason()).isEqualTo("internal error: lens cap on");
            assertThat(failed.command()).isEqualTo("locate");
            assertThat(bench.handled)
                    .extracting(LinkTestBench.HandledCommand::name)
                    .containsExactly("locate");
            assertThat(link.stats().malformedCommands()).isEqualTo(3);
        }
    }

    @OnEachBroker
    void requestsWithoutAResponseTopicRunButRejectedOnesAreOnlyCounted(TestBroker broker) throws Exception {
        try (LinkTestBench bench = new LinkTestBench(broker)) {
            UnitLink link = bench.link();
            link.start();
            await().until(link::isConnected);

            bench.probe.request("ping", "{not json".getBytes(StandardCharsets.UTF_8), randomBytes(), null, false);
            bench.probe.request("marker", request(bench, "marker"), randomBytes(), null, false);

            await().untilAsserted(() -> assertThat(bench.handled)
                    .extracting(LinkTestBench.HandledCommand::name)
                    .containsExactly("marker"));
            await().until(() -> link.stats().malformedCommands() == 1);
            await().during(Duration.ofMillis(300))
                    .until(() -> bench.probe.unmatchedReplies().isEmpty());
        }
    }

    @OnEachBroker
    void commandsSentWhileTheUnitIsOfflineRunWhenItIsBackUnlessTheyExpired(TestBroker broker) throws Exception {
        try (LinkTestBench bench = new LinkTestBench(broker)) {
            UnitLink link = bench.link();
            link.start();
            await().until(link::isConnected);
            bench.proxy.cut();
            await().until(() -> !link.isConnected());

            CompletableFuture<GatewayProbe.Received> patient =
                    bench.probe.request("ping", request(bench, "ping"), randomBytes(), 60L, true);
            bench.probe.request("marker", request(bench, "marker"), randomBytes(), 1L, true);
            // Let the marker's one-second expiry pass while the broker holds both for the unit's session.
            await().pollDelay(Duration.ofMillis(2100)).until(() -> true);
            bench.proxy.restore();

            CommandReply answer = bench.decode(patient.get(15, TimeUnit.SECONDS), CommandReply.class);
            assertThat(answer.ok()).isTrue();
            await().during(Duration.ofMillis(500)).until(() -> bench.handled.size() == 1);
            assertThat(bench.handled)
                    .extracting(LinkTestBench.HandledCommand::name)
                    .containsExactly("ping");
        }
    }

    @OnEachBroker
    void hostileMessagesNeitherDropTheLinkNorStopItAnswering(TestBroker broker) throws Exception {
        try (LinkTestBench bench = new LinkTestBench(broker)) {
            UnitLink link = bench.link();
            link.start();
            await().until(link::isConnected);

            // Over the inbox's 64 KiB and under the 256 KiB packet limit brokers and units set: refused with a reason.
            byte[] big = new byte[100_000];
            java.util.Arrays.fill(big, (byte) ' ');
            CommandReply tooBig = errorReply(bench, "ping", big);
            CommandReply deep = errorReply(
                    bench, "ping", ("[".repeat(10_000) + "]".repeat(10_000)).getBytes(StandardCharsets.US_ASCII));
            CommandReply notUtf8 = errorReply(bench, "ping", new byte[] {'{', (byte) 0xC0, (byte) 0xAF, '}'});
            // A megabyte without a response topic: a broker enforcing the unit's maximum packet size drops it, one that
            // does not delivers it; either way nothing changes for the unit.
            bench.probe.request("ping", new byte[1 << 20], randomBytes(), 30L, false);

            assertThat(tooBig.reason()).isEqualTo("request of 100000 bytes refused: the limit is 65536 bytes");
            assertThat(deep.reason()).contains("nested deeper than");
            assertThat(notUtf8.reason()).contains("not valid UTF-8");
            CommandReply ping = bench.decode(
                    bench.probe
                            .request("ping", request(bench, "ping"), randomBytes(), 30L, true)
                            .get(10, TimeUnit.SECONDS),
                    CommandReply.class);
            assertThat(ping.ok()).isTrue();
            assertThat(link.stats().reconnects()).as("the link never dropped").isZero();
            assertThat(link.isConnected()).isTrue();
        }
    }

    private static CommandReply errorReply(LinkTestBench bench, String topicName, byte[] payload) throws Exception {
        GatewayProbe.Received received = bench.probe
                .request(topicName, payload, randomBytes(), 30L, true)
                .get(10, TimeUnit.SECONDS);
        CommandReply reply = bench.decode(received, CommandReply.class);
        assertThat(reply.ok()).as("reply to %s: %s", topicName, reply.reason()).isFalse();
        assertThat(reply.unitId()).isEqualTo(bench.unitId);
        return reply;
    }

    private static byte[] request(LinkTestBench bench, String command) {
        return bench.codec.encode(
                CommandRequest.of(command, Map.of("why", "test"), bench.probe.gatewayId(), Instant.now()));
    }

    private static byte[] randomBytes() {
        byte[] bytes = new byte[16];
        ThreadLocalRandom.current().nextBytes(bytes);
        return bytes;
    }
}
