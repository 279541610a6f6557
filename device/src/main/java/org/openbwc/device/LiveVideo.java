package org.openbwc.device;

import java.net.URI;
import java.net.http.HttpClient;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.openbwc.device.evidence.PreEventSnapshot;
import org.openbwc.device.live.LiveOrigins;
import org.openbwc.device.live.LiveUplink;
import org.openbwc.device.live.MediaServerPush;
import org.openbwc.device.live.UplinkClients;
import org.openbwc.device.media.FragmentSink;
import org.openbwc.device.media.InitSegment;
import org.openbwc.hal.DeviceClock;
import org.openbwc.protocol.CommandReply;
import org.openbwc.protocol.CommandRequest;
import org.openbwc.protocol.Payload;
import org.openbwc.protocol.RemoteCommand;
import org.openbwc.protocol.StreamHandle;
import org.openbwc.protocol.UnitState;
import org.tinylog.Logger;

/**
 * The unit's live video: the gateway uplink or the media-server push, started and stopped by {@code live.start} and
 * {@code live.stop} (an adapter concern, not the recording controller's), with the stream handle it publishes and
 * since when the unit is watched.
 */
final class LiveVideo implements AutoCloseable {
    /** Within the gateway's default command timeout (5 s), so a failure is the unit's answer, not a timeout. */
    static final long CONNECT_WAIT_MILLIS = 4_000;

    private final String unitId;
    private final String tag;
    private final LiveOrigins origins;
    private final DeviceClock clock;
    private final Executor loop;
    private final Consumer<StreamHandle> publishStream;
    private final Runnable statusChanged;
    private final LiveUplink uplink;
    private final MediaServerPush push;
    private volatile Runnable uplinkEnded = () -> {};
    // Controller thread only: since when the unit is watched (monotonic ms), -1 while not.
    private long watchedSinceMillis = -1;

    /**
     * @param origins where a live.start may send the camera; any other address is refused before anything connects
     * @param clients the uplink's HTTP client for a URL ({@link UplinkClients}: over wss:// presenting the unit's
     *     certificate); asked only for an allowed URL
     * @param recent where a stream starts: the pre-event buffer's init segment and fragments
     * @param loop runs the stream's state changes on the controller thread
     * @param publishStream publishes a stream handle; called on {@code loop}
     * @param statusChanged republishes the unit status (streaming, viewers); called on {@code loop}
     */
    LiveVideo(
            String unitId,
            LiveOrigins origins,
            Function<URI, HttpClient> clients,
            DeviceClock clock,
            Supplier<PreEventSnapshot> recent,
            Executor loop,
            Consumer<StreamHandle> publishStream,
            Runnable statusChanged) {
        this.unitId = unitId;
        this.tag = "[" + unitId + "] ";
        this.origins = origins;
        this.clock = clock;
        this.loop = loop;
        this.publishStream = publishStream;
        this.statusChanged = statusChanged;
        this.uplink = new LiveUplink(unitId, clients, recent, new Listener());
        this.push = new MediaServerPush(unitId, recent, new Listener());
    }

    /**
     * Where the gateway's binary messages go (the room's voice, {@link org.openbwc.device.talk.UnitCall}), and who
     * hears that the uplink carrying them ended.
     */
    void downlink(Consumer<ByteBuffer> receiver, Runnable ended) {
        uplink.downlink(receiver);
        this.uplinkEnded = ended;
    }

    /** The sinks that take the camera's fragments, in their order. */
    List<FragmentSink> outputs() {
        return List.of(uplink, push);
    }

    boolean streaming() {
        return uplink.streaming() || push.streaming();
    }

    int viewers() {
        return uplink.viewers();
    }

    /** Since when (monotonic ms) someone watches, or -1. Controller thread. */
    long watchedSinceMillis() {
        return watchedSinceMillis;
    }

    /** Stops whichever stream runs. */
    void stop(String reason) {
        uplink.stop(reason);
        push.stop(reason);
    }

    /**
     * Answers {@code live.start} (argument {@code url}: the gateway's wss:// uplink, or a media server) or
     * {@code live.stop}. Called on the link's command thread; a start waits at most {@link #CONNECT_WAIT_MILLIS}. A
     * URL outside the allowed origins ({@link LiveOrigins}) is refused with the reason, and the stream in progress,
     * if any, goes on.
     *
     * @param state the unit's state, read for each answer
     * @param cameraFailure why the camera is not capturing, or empty
     */
    CommandReply command(
            RemoteCommand command,
            CommandRequest request,
            Instant now,
            Supplier<UnitState> state,
            Optional<String> cameraFailure) {
        String name = command.wire();
        if (command == RemoteCommand.LIVE_STOP) {
            stop("live.stop from " + request.requestedBy());
            return CommandReply.ok(unitId, name, "", state.get(), clock.now());
        }
        String url = request.args().get("url");
        if (url == null || url.isBlank()) {
            return CommandReply.error(
                    unitId, name, "argument 'url' (the gateway's wss:// uplink address) is required", state.get(), now);
        }
        Optional<String> refused = origins.refusal(url);
        if (refused.isPresent()) {
            // INFO, not WARN: a misconfigured gateway and a hostile command look alike here; the gateway sees the
            // reply.
            Logger.info("{}{} (requested by '{}')", tag, refused.get(), request.requestedBy());
            return CommandReply.error(unitId, name, refused.get(), state.get(), now);
        }
        if (cameraFailure.isPresent()) {
            return CommandReply.error(unitId, name, "camera not running: " + cameraFailure.get(), state.get(), now);
        }
        if (state.get() == UnitState.SLEEP) {
            return CommandReply.error(unitId, name, "camera is off (unit docked or asleep)", state.get(), now);
        }
        try {
            URI target = URI.create(url.strip());
            if (MediaServerPush.handles(target)) {
                uplink.stop("switched to the media server");
                push.start(target);
                return CommandReply.ok(unitId, name, "pushing to the media server", state.get(), clock.now());
            }
            push.stop("switched to the gateway uplink");
            uplink.start(target).toCompletableFuture().get(CONNECT_WAIT_MILLIS, TimeUnit.MILLISECONDS);
            return CommandReply.ok(unitId, name, "streaming", state.get(), clock.now());
        } catch (IllegalArgumentException | IllegalStateException e) {
            return CommandReply.error(unitId, name, e.getMessage(), state.get(), now);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            return CommandReply.error(
                    unitId,
                    name,
                    "cannot reach the gateway's live uplink: " + cause.getMessage(),
                    state.get(),
                    clock.now());
        } catch (TimeoutException e) {
            uplink.stop("connect timed out");
            return CommandReply.error(
                    unitId,
                    name,
                    "the gateway's live uplink did not answer within " + CONNECT_WAIT_MILLIS + " ms",
                    state.get(),
                    clock.now());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return CommandReply.error(unitId, name, "interrupted", state.get(), now);
        }
    }

    /** Stops both streams for good (the unit shuts down). */
    @Override
    public void close() {
        uplink.close();
        push.close();
    }

    /** Keeps the status, the stream handle and the "being watched" indicator in step with the streams. */
    private final class Listener implements LiveUplink.Listener {
        @Override
        public void started(InitSegment init, Instant since) {
            loop.execute(() -> {
                if (watchedSinceMillis < 0) watchedSinceMillis = clock.monotonicMillis();
                publishStream.accept(new StreamHandle(
                        Payload.VERSION,
                        unitId,
                        "live",
                        push.streaming() ? "external" : "/live/" + unitId,
                        init == null ? "" : init.codecs(),
                        init == null ? 0 : init.width(),
                        init == null ? 0 : init.height(),
                        clock.now()));
                statusChanged.run();
            });
        }

        @Override
        public void viewersChanged(int viewers) {
            loop.execute(statusChanged);
        }

        @Override
        public void stopped(String reason) {
            if (!uplink.streaming()) uplinkEnded.run();
            loop.execute(() -> {
                watchedSinceMillis = -1;
                publishStream.accept(new StreamHandle(Payload.VERSION, unitId, "idle", null, null, 0, 0, clock.now()));
                statusChanged.run();
            });
        }
    }
}
