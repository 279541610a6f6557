package org.openbwc.gateway.web;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.function.IntSupplier;
import org.openbwc.gateway.alerts.AlertBoard;
import org.openbwc.gateway.fleet.DroppedMessages;
import org.openbwc.gateway.fleet.EventReceipts;
import org.openbwc.gateway.fleet.FleetConnection;
import org.openbwc.gateway.fleet.FleetRegistry;
import org.openbwc.gateway.live.LiveService;
import org.openbwc.gateway.live.TalkCalls;

/** The gateway's figures for Prometheus at {@code /metrics}: fleet, MQTT traffic, browsers, commands, alerts. */
public final class GatewayMetrics {

    private final PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    private final DistributionSummary liveLatency;

    public GatewayMetrics(
            String gatewayId,
            FleetRegistry fleet,
            FleetConnection connection,
            DroppedMessages drops,
            AlertBoard alerts,
            IntSupplier sseClients,
            LiveService live) {
        meters.config().commonTags("gateway", gatewayId);
        Gauge.builder("bwc_units_online", fleet, FleetRegistry::onlineCount)
                .description("Units whose latest status is a live one")
                .register(meters);
        Gauge.builder("bwc_units_known", fleet, FleetRegistry::size)
                .description("Units the gateway has heard of")
                .register(meters);
        FunctionCounter.builder("bwc_mqtt_messages_in", connection, FleetConnection::messagesIn)
                .description("MQTT messages received from the fleet, dropped ones included")
                .register(meters);
        FunctionCounter.builder("bwc_mqtt_dropped_payloads", drops, DroppedMessages::total)
                .description("Messages dropped as malformed, oversized, or on an unknown topic")
                .register(meters);
        Gauge.builder("bwc_mqtt_connected", connection, c -> c.connected() ? 1 : 0)
                .description("1 while connected to the broker")
                .register(meters);
        Gauge.builder("bwc_sse_clients", sseClients, s -> s.getAsInt())
                .description("Browsers following the live event stream")
                .register(meters);
        Gauge.builder("bwc_alerts_open", alerts, AlertBoard::openCount)
                .description("Alerts not yet acknowledged")
                .register(meters);
        Gauge.builder("bwc_live_streams", live, LiveService::streams)
                .description("Units streaming live to this gateway")
                .register(meters);
        Gauge.builder("bwc_live_viewers", live, LiveService::viewers)
                .description("Browsers watching live video")
                .register(meters);
        liveLatency = DistributionSummary.builder("bwc_live_latency")
                .description("Glass-to-glass delay of live video as the players measure it (capture to display)")
                .baseUnit("milliseconds")
                .publishPercentiles(0.5, 0.99)
                .register(meters);
        live.latencySink(liveLatency::record);
    }

    /** Counts the gateway's event receipts: what it acknowledged, the copies units sent again, what waits. */
    public void eventReceipts(EventReceipts receipts) {
        FunctionCounter.builder("bwc_events_acknowledged", receipts, EventReceipts::acknowledged)
                .description("Events acknowledged to their units (copies included)")
                .register(meters);
        FunctionCounter.builder("bwc_events_duplicates", receipts, EventReceipts::duplicates)
                .description("Copies of events already taken in, dropped (units send again until acknowledged)")
                .register(meters);
        Gauge.builder("bwc_events_receipts_pending", receipts, EventReceipts::pending)
                .description("Event acknowledgements waiting to go out")
                .register(meters);
    }

    /** Counts voice calls: how many are open, and the voice frames refused (never forwarded to a unit). */
    public void talk(TalkCalls talk) {
        Gauge.builder("bwc_talk_calls_open", talk, TalkCalls::openCalls)
                .description("Voice calls between a supervisor and a unit open now")
                .register(meters);
        FunctionCounter.builder("bwc_talk_frames_refused", talk, TalkCalls::refusedFrames)
                .description("Voice frames refused: no call, another sender or call, malformed or oversized")
                .register(meters);
    }

    /** Records one command round trip; outcome is ok, refused, timeout, offline, ... */
    void commandCompleted(String command, String outcome, Duration took) {
        Timer.builder("bwc_command_latency")
                .description("Time from the operator's request to the unit's reply")
                .tags("command", command, "outcome", outcome)
                .publishPercentiles(0.5, 0.99)
                .register(meters)
                .record(took);
    }

    void loginAttempt(String outcome) {
        meters.counter("bwc_logins", "outcome", outcome).increment();
    }

    String scrape() {
        return meters.scrape();
    }
}
