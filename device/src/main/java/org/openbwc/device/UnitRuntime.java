package org.openbwc.device;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.openbwc.config.RecordingConfig;
import org.openbwc.config.UnitConfig;
import org.openbwc.device.core.AlarmChange;
import org.openbwc.device.core.AlarmPolicy;
import org.openbwc.device.core.ButtonGesture;
import org.openbwc.device.core.ButtonName;
import org.openbwc.device.core.Cause;
import org.openbwc.device.core.ControllerEvent;
import org.openbwc.device.core.ControllerEvent.MarkerPlaced;
import org.openbwc.device.core.ControllerEvent.RecordingStarted;
import org.openbwc.device.core.ControllerEvent.RecordingStopped;
import org.openbwc.device.core.ControllerInput;
import org.openbwc.device.core.ControllerSnapshot;
import org.openbwc.device.core.Decision;
import org.openbwc.device.core.DockChanged;
import org.openbwc.device.core.GestureDecoder;
import org.openbwc.device.core.IndicatorFrame;
import org.openbwc.device.core.IndicatorPolicy;
import org.openbwc.device.core.RecordingController;
import org.openbwc.device.core.RecordingLimitReached;
import org.openbwc.device.core.RecordingPolicy;
import org.openbwc.device.core.RemoteCommandInput;
import org.openbwc.device.core.StorageState;
import org.openbwc.device.core.Tick;
import org.openbwc.device.core.TriggerSignal;
import org.openbwc.device.evidence.EndReason;
import org.openbwc.device.evidence.PreEventSnapshot;
import org.openbwc.device.evidence.RecoveredRecording;
import org.openbwc.device.evidence.SealedRecording;
import org.openbwc.device.evidence.StoragePolicy;
import org.openbwc.device.evidence.VerificationResult;
import org.openbwc.device.live.LiveUplink;
import org.openbwc.device.live.MediaServerPush;
import org.openbwc.device.media.InitSegment;
import org.openbwc.device.mqtt.UnitLink;
import org.openbwc.hal.Button;
import org.openbwc.hal.Hardware;
import org.openbwc.protocol.CommandReply;
import org.openbwc.protocol.CommandRequest;
import org.openbwc.protocol.Payload;
import org.openbwc.protocol.RemoteCommand;
import org.openbwc.protocol.StreamHandle;
import org.openbwc.protocol.UnitEvent;
import org.openbwc.protocol.UnitState;
import org.openbwc.protocol.UnitStatus;
import org.openbwc.protocol.WireCodec;
import org.tinylog.Logger;

/**
 * Runs one body camera: feeds hardware edges, remote commands and ticks into the pure controller on a single thread,
 * drives LEDs and haptics from the indicator policy, and publishes status, location and events through the link.
 */
public final class UnitRuntime implements AutoCloseable {
    /** Fast enough that a 100 ms blink and a hold threshold are rendered/decided within one tick. */
    static final long TICK_MILLIS = 50;
    /** While recording or in SOS the monitoring room needs a live track. */
    static final long ACTIVE_LOCATION_MILLIS = 1_000;

    static final long SENSOR_POLL_MILLIS = 1_000;
    /** A remote command waits at most this long for the controller thread before answering "busy". */
    static final long COMMAND_WAIT_MILLIS = 2_000;
    /** Within the gateway's default command timeout (5 s), so a failure is the unit's answer, not a timeout. */
    static final long LIVE_CONNECT_WAIT_MILLIS = 4_000;

    private final UnitConfig config;
    private final Hardware hw;
    private final UnitLink link;
    private final Telemetry telemetry;
    private final ScheduledExecutorService loop;
    private final GestureDecoder decoder;
    private final RecordingController controller;
    private final IndicatorPolicy indicators;
    private final AlarmPolicy alarms;
    private final StoragePolicy storagePolicy;
    private final UnitCamera camera;
    private final LiveUplink uplink;
    private final MediaServerPush push;
    // Controller thread only: since when the unit is watched (monotonic ms), -1 while not.
    private long watchedSinceMillis = -1;
    /** Opens and seals recordings in order, off the controller thread (sealing waits for fsync). */
    private final ExecutorService evidenceOps;

    private final String tag;

    // Controller-thread state below.
    private IndicatorFrame lastFrame = IndicatorFrame.OFF;
    private String cameraFailure;
    private long nextStatusMillis;
    private long nextLocationMillis;
    private long nextSensorMillis;
    private ScheduledFuture<?> ticker;
    private volatile boolean running;
    private volatile UnitStatus lastStatus;

    private UnitRuntime(UnitConfig config, Hardware hw, String firmware) {
        this.config = config;
        this.hw = hw;
        this.tag = "[" + config.unitId() + "] ";
        RecordingPolicy policy = policyOf(config.recording());
        this.decoder = new GestureDecoder(policy);
        this.indicators = new IndicatorPolicy(policy);
        this.alarms = new AlarmPolicy(
                config.telemetry().batteryLowPercent(), config.telemetry().storageLowPercent());
        long now = hw.clock().monotonicMillis();
        this.controller = new RecordingController(
                policy, new RecordingIds(config.unitId(), hw.clock()), hw.dock().isActive(), now);
        this.storagePolicy = new StoragePolicy(
                config.telemetry().storageLowPercent(), config.evidence().reserveMegabytes() * 1024L * 1024L);
        this.loop = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "unit-" + config.unitId());
            t.setDaemon(true);
            return t;
        });
        this.evidenceOps = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "evidence-" + config.unitId());
            t.setDaemon(true);
            return t;
        });
        this.uplink = new LiveUplink(config.unitId(), lazyHttpClient(), this::recentFragments, new LiveListener());
        this.push = new MediaServerPush(config.unitId(), this::recentFragments, new LiveListener());
        this.camera = UnitCamera.start(config, firmware, this::onSealed, List.of(uplink, push));
        this.telemetry = new Telemetry(config, hw, firmware);
        this.link = new UnitLink(
                config.unitId(), config.mqtt(), new WireCodec(), telemetry.offlineStatus(), this::onCommand);
    }

    /** Maps the technician's config (seconds, millis) onto the controller's policy. */
    static RecordingPolicy policyOf(RecordingConfig r) {
        return new RecordingPolicy(
                r.postEventSeconds() * 1000L,
                r.doublePressMillis(),
                r.stopHoldMillis(),
                r.stopConfirmMillis(),
                r.reminderIntervalSeconds() * 1000L,
                r.sosHoldMillis(),
                r.stealthHoldMillis(),
                RecordingPolicy.DEFAULT_LOCATE_MILLIS);
    }

    /** Builds the runtime, wires the hardware and starts connecting; returns without waiting for the broker. */
    public static UnitRuntime start(UnitConfig config, Hardware hw, String firmware) {
        UnitRuntime rt = new UnitRuntime(config, hw, firmware);
        rt.begin();
        return rt;
    }

    private void begin() {
        running = true;
        listen(hw.recordButton(), ButtonName.RECORD);
        listen(hw.functionButton(), ButtonName.FUNCTION);
        listen(hw.sosButton(), ButtonName.SOS);
        hw.dock().addListener(docked -> submit(() -> apply(new DockChanged(docked))));
        hw.trigger().addListener(active -> submit(() -> apply(new TriggerSignal(active))));
        link.start();
        submit(() -> {
            long now = hw.clock().monotonicMillis();
            for (RecoveredRecording r : camera.recovered()) {
                Logger.warn(
                        "{}recording {} was not sealed (power loss?): recovered {} s, {} bytes of torn tail cut",
                        tag,
                        r.recordingId(),
                        r.durationMillis() / 1000.0,
                        r.bytesTruncated());
                link.publishEvent(telemetry.recoveredEvent(r, controller.snapshot()));
            }
            checkSensors(now); // reads battery and storage once, for the alarms and the first status alike
            publishStatus();
            publishLocationIfFix();
            nextLocationMillis = now + locationPeriodMillis();
            nextSensorMillis = now + SENSOR_POLL_MILLIS;
        });
        ticker = loop.scheduleAtFixedRate(this::tick, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
        Logger.info(
                "{}unit started in {} (officer '{}', broker {})",
                tag,
                controller.state(),
                config.officerId(),
                config.mqtt().url());
    }

    private void listen(Button button, ButtonName name) {
        button.addListener(pressed -> submit(() -> {
            long now = hw.clock().monotonicMillis();
            Logger.trace("{}{} {}", tag, name, pressed ? "down" : "up");
            for (ButtonGesture g : decoder.onEdge(name, pressed, now)) apply(g);
        }));
    }

    /** Queues an input or command for the controller thread; dropped once close() has begun. */
    private void submit(Runnable task) {
        if (running && !onLoop(task)) Logger.debug("{}input after shutdown ignored", tag);
    }

    /** Queues work on the controller thread, also while close() runs; false once the loop has stopped. */
    private boolean onLoop(Runnable task) {
        try {
            loop.execute(() -> {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    Logger.error(e, "{}controller task failed; the unit keeps running", tag);
                }
            });
            return true;
        } catch (java.util.concurrent.RejectedExecutionException e) {
            return false;
        }
    }

    private void tick() {
        try {
            long now = hw.clock().monotonicMillis();
            for (ButtonGesture g : decoder.onTick(now)) apply(g);
            apply(new Tick());
            if (now >= nextSensorMillis) {
                nextSensorMillis = now + SENSOR_POLL_MILLIS;
                checkSensors(now);
            }
            if (now >= nextStatusMillis) publishStatus();
            if (now >= nextLocationMillis) {
                nextLocationMillis = now + locationPeriodMillis();
                publishLocationIfFix();
            }
            renderIndicators(now);
        } catch (RuntimeException e) {
            Logger.error(e, "{}tick failed; the unit keeps running", tag);
        }
    }

    /** Runs one input through the controller and acts on the decision. Controller thread only. */
    private Decision apply(ControllerInput input) {
        long now = hw.clock().monotonicMillis();
        boolean wasActive = locationActive();
        Decision d = controller.handle(input, now);
        if (d.events().isEmpty()) return d;
        for (ControllerEvent e : d.events()) {
            telemetry.noteEvent(e, controller.snapshot());
            actOnEvidence(e);
            UnitEvent wire = telemetry.event(e);
            link.publishEvent(wire);
            logEvent(wire);
        }
        if (controller.state() == UnitState.SLEEP) {
            // Docked or powered down: the camera is off by policy, so nobody may watch it live.
            uplink.stop("camera off (unit docked or asleep)");
            push.stop("camera off (unit docked or asleep)");
        }
        publishStatus();
        if (!wasActive && locationActive()) {
            nextLocationMillis = now; // start the 1 s track at once, not at the end of an idle interval
        }
        renderIndicators(now);
        return d;
    }

    /** Turns recording events into evidence: open, seal, mark. Controller thread. */
    private void actOnEvidence(ControllerEvent e) {
        Instant at = hw.clock().now();
        switch (e) {
            case RecordingStarted started -> {
                String id = started.recordingId();
                String trigger = triggerOf(started.cause());
                boolean clockSet = hw.clock().isSet();
                evidenceOps.execute(() -> {
                    try {
                        camera.startRecording(id, trigger, at, clockSet);
                    } catch (Exception ex) {
                        Logger.error(ex, "{}recording {} could not be opened", tag, id);
                    }
                });
            }
            case RecordingStopped stopped ->
                evidenceOps.execute(() -> {
                    try {
                        camera.stopRecording(at)
                                .ifPresent(r -> Logger.info(
                                        "{}recording {} sealed: {} s, {} segments, {} fragments",
                                        tag,
                                        r.recordingId(),
                                        r.durationMillis() / 1000.0,
                                        r.segmentCount(),
                                        r.fragmentCount()));
                    } catch (RuntimeException ex) {
                        Logger.error(ex, "{}recording could not be sealed; it will be recovered at the next boot", tag);
                    }
                });
            case MarkerPlaced marker -> {
                String label = marker.label() != null ? marker.label() : "marker " + marker.markerIndex();
                evidenceOps.execute(() -> camera.marker(at, label));
            }
            default -> {}
        }
    }

    /** The writer's trigger word for what started a recording (any remote command → remote). */
    static String triggerOf(Cause cause) {
        return switch (cause) {
            case Cause.Remote r -> "remote";
            case Cause.Local l ->
                switch (l) {
                    case BUTTON -> "button";
                    case SOS -> "sos";
                    case TRIGGER -> "trigger";
                    case LIMIT -> "limit";
                    case DOCK, POST_EVENT, STORAGE_RESERVE -> "other";
                };
        };
    }

    /** live.start / live.stop: handled here, not by the recording controller; the stream is an adapter concern. */
    private CommandReply liveCommand(RemoteCommand command, CommandRequest request, Instant now) {
        String name = command.wire();
        if (command == RemoteCommand.LIVE_STOP) {
            uplink.stop("live.stop from " + request.requestedBy());
            push.stop("live.stop from " + request.requestedBy());
            return CommandReply.ok(
                    config.unitId(), name, "", controller.state(), hw.clock().now());
        }
        String url = request.args().get("url");
        if (url == null || url.isBlank()) {
            return CommandReply.error(
                    config.unitId(),
                    name,
                    "argument 'url' (the gateway's ws:// uplink address) is required",
                    controller.state(),
                    now);
        }
        if (camera.failure().isPresent()) {
            return CommandReply.error(
                    config.unitId(),
                    name,
                    "camera not running: " + camera.failure().get(),
                    controller.state(),
                    now);
        }
        if (controller.state() == UnitState.SLEEP) {
            return CommandReply.error(
                    config.unitId(), name, "camera is off (unit docked or asleep)", controller.state(), now);
        }
        try {
            URI target = URI.create(url);
            if (MediaServerPush.handles(target)) {
                uplink.stop("switched to the media server");
                push.start(target);
                return CommandReply.ok(
                        config.unitId(),
                        name,
                        "pushing to the media server",
                        controller.state(),
                        hw.clock().now());
            }
            push.stop("switched to the gateway uplink");
            uplink.start(target).toCompletableFuture().get(LIVE_CONNECT_WAIT_MILLIS, TimeUnit.MILLISECONDS);
            return CommandReply.ok(
                    config.unitId(),
                    name,
                    "streaming",
                    controller.state(),
                    hw.clock().now());
        } catch (IllegalArgumentException | IllegalStateException e) {
            return CommandReply.error(config.unitId(), name, e.getMessage(), controller.state(), now);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            return CommandReply.error(
                    config.unitId(),
                    name,
                    "cannot reach the gateway's live uplink: " + cause.getMessage(),
                    controller.state(),
                    hw.clock().now());
        } catch (TimeoutException e) {
            uplink.stop("connect timed out");
            return CommandReply.error(
                    config.unitId(),
                    name,
                    "the gateway's live uplink did not answer within " + LIVE_CONNECT_WAIT_MILLIS + " ms",
                    controller.state(),
                    hw.clock().now());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return CommandReply.error(config.unitId(), name, "interrupted", controller.state(), now);
        }
    }

    /** One HTTP client for the live uplink, built when the first stream starts. */
    private static Supplier<HttpClient> lazyHttpClient() {
        AtomicReference<HttpClient> client = new AtomicReference<>();
        return () -> client.updateAndGet(c -> c != null ? c : HttpClient.newHttpClient());
    }

    private PreEventSnapshot recentFragments() {
        return camera == null ? null : camera.recentFragments();
    }

    /** Keeps the status, the stream handle and the "being watched" indicator in step with the uplink. */
    private final class LiveListener implements LiveUplink.Listener {
        @Override
        public void started(InitSegment init, Instant since) {
            submit(() -> {
                if (watchedSinceMillis < 0) watchedSinceMillis = hw.clock().monotonicMillis();
                link.publishStream(new StreamHandle(
                        Payload.VERSION,
                        config.unitId(),
                        "live",
                        push.streaming() ? "external" : "/live/" + config.unitId(),
                        init == null ? "" : init.codecs(),
                        init == null ? 0 : init.width(),
                        init == null ? 0 : init.height(),
                        hw.clock().now()));
                publishStatus();
            });
        }

        @Override
        public void viewersChanged(int viewers) {
            submit(UnitRuntime.this::publishStatus);
        }

        @Override
        public void stopped(String reason) {
            submit(() -> {
                watchedSinceMillis = -1;
                link.publishStream(new StreamHandle(
                        Payload.VERSION,
                        config.unitId(),
                        "idle",
                        null,
                        null,
                        0,
                        0,
                        hw.clock().now()));
                publishStatus();
            });
        }
    }

    /** Called by the evidence writer's thread when a recording is sealed. */
    private void onSealed(SealedRecording r) {
        // Hashing a long recording again takes a while: not on the writer's thread, which may be starting the next one.
        evidenceOps.execute(() -> {
            VerificationResult check = camera.selfCheck(r.directory());
            if (!check.ok())
                Logger.error(
                        "{}recording {} failed its own check after sealing: {}", tag, r.recordingId(), check.message());
            // Not submit(), which drops work once close() has begun: close() keeps the loop and the link up for this,
            // so a recording sealed by a shutdown is reported too.
            if (!onLoop(() -> link.publishEvent(telemetry.sealedEvent(r, check, controller.snapshot())))) {
                Logger.warn(
                        "{}recording {} was sealed after the unit stopped; its event is not published",
                        tag,
                        r.recordingId());
            }
        });
        if (r.reason() == EndReason.MAX_DURATION) {
            Logger.info(
                    "{}recording {} reached the maximum length and was sealed; the next one starts",
                    tag,
                    r.recordingId());
            submit(() -> apply(new RecordingLimitReached(r.recordingId())));
        }
    }

    private CameraFacts cameraFacts() {
        return new CameraFacts(
                camera.recordingMillis(),
                camera.droppedFrames(),
                camera.publicKeyBase64(),
                uplink.streaming() || push.streaming(),
                uplink.viewers());
    }

    private void logEvent(UnitEvent e) {
        switch (e.type()) {
            case STATE_CHANGED ->
                Logger.debug(
                        "{}state {} -> {} ({})",
                        tag,
                        e.details().get("from"),
                        e.details().get("to"),
                        e.cause());
            case RECORDING_STARTED, RECORDING_STOPPED, SOS_RAISED, SOS_CLEARED, STEALTH_ON, STEALTH_OFF ->
                Logger.info("{}{} ({}) {}", tag, e.type().wire(), e.cause(), e.details());
            default -> Logger.debug("{}{} ({}) {}", tag, e.type().wire(), e.cause(), e.details());
        }
    }

    private void checkCamera() {
        String failure = camera.failure().orElse(null);
        if (java.util.Objects.equals(failure, cameraFailure)) return;
        cameraFailure = failure;
        if (failure != null) {
            Logger.error("{}camera not working: {}", tag, failure);
            link.publishEvent(telemetry.cameraFailedEvent(failure, controller.snapshot()));
        } else {
            Logger.info("{}camera working again", tag);
        }
        publishStatus();
    }

    private void checkSensors(long now) {
        checkCamera();
        if (!telemetry.readSensors()) return;
        var battery = telemetry.batteryReading();
        var storage = telemetry.storageReading();
        int freePercent = storage.totalBytes() == 0 ? 0 : (int) (storage.freeBytes() * 100 / storage.totalBytes());
        List<AlarmChange> changes = alarms.update(
                battery.percent(), battery.charging(), freePercent, hw.clock().isSet(), now);
        for (AlarmChange c : changes) {
            if (c.cleared()) {
                Logger.info("{}{} cleared {}", tag, c.type().wire(), c.details());
            } else {
                Logger.warn("{}{} {}", tag, c.type().wire(), c.details());
                link.publishEvent(telemetry.alarmEvent(c, controller.snapshot()));
            }
        }
        if (!changes.isEmpty()) publishStatus();
        boolean exhausted =
                storagePolicy.assess(storage.freeBytes(), storage.totalBytes()) == StoragePolicy.Level.RESERVE;
        if (exhausted != controller.storageExhausted()) {
            if (exhausted)
                Logger.warn(
                        "{}storage at its reserve ({} bytes free): recording stops and no new one starts",
                        tag,
                        storage.freeBytes());
            apply(new StorageState(exhausted));
        }
    }

    private void renderIndicators(long now) {
        IndicatorFrame f = indicators.render(
                controller.snapshot(),
                alarms.alarms().withCameraFailed(cameraFailure != null),
                watchedSinceMillis,
                now);
        if (f.equals(lastFrame)) return;
        if (f.green() != lastFrame.green()) hw.greenLed().set(f.green());
        if (f.red() != lastFrame.red()) hw.redLed().set(f.red());
        if (f.amber() != lastFrame.amber()) hw.amberLed().set(f.amber());
        if (f.haptic() != lastFrame.haptic()) hw.haptics().set(f.haptic());
        lastFrame = f;
    }

    private boolean locationActive() {
        ControllerSnapshot s = controller.snapshot();
        return s.isRecording() || s.sos();
    }

    private long locationPeriodMillis() {
        return locationActive() ? ACTIVE_LOCATION_MILLIS : config.telemetry().locationIntervalSeconds() * 1000L;
    }

    private void publishStatus() {
        UnitStatus s = telemetry.status(controller.snapshot(), cameraFacts());
        lastStatus = s;
        link.publishStatus(s);
        nextStatusMillis = hw.clock().monotonicMillis() + config.telemetry().statusIntervalSeconds() * 1000L;
    }

    private void publishLocationIfFix() {
        telemetry.location().ifPresent(l -> {
            link.publishLocation(l);
            if (controller.snapshot().isRecording()) {
                evidenceOps.execute(() -> camera.location(l.lat(), l.lon(), l.accuracyMeters(), l.fixTime()));
            }
        });
    }

    /** Called by the link on its command thread; hands the command to the controller thread and waits for the answer. */
    private CommandReply onCommand(String name, CommandRequest request) {
        Instant now = hw.clock().now();
        Optional<RemoteCommand> command = RemoteCommand.fromWire(name);
        if (command.isEmpty()) {
            return CommandReply.error(
                    config.unitId(),
                    name,
                    "unknown command '" + name + "' (allowed: " + RemoteCommand.allowed() + ")",
                    controller.state(),
                    now);
        }
        Logger.info("{}command {} from '{}'", tag, name, request.requestedBy());
        if (command.get() == RemoteCommand.LIVE_START || command.get() == RemoteCommand.LIVE_STOP) {
            return liveCommand(command.get(), request, now);
        }
        Callable<CommandReply> task = () -> {
            Decision d = apply(new RemoteCommandInput(command.get(), request.requestedBy(), request.args()));
            UnitState state = controller.state();
            Instant at = hw.clock().now();
            if (d.reply() == null) return CommandReply.ok(config.unitId(), name, "", state, at);
            return d.reply().ok()
                    ? CommandReply.ok(config.unitId(), name, d.reply().reason(), state, at)
                    : CommandReply.error(config.unitId(), name, d.reply().reason(), state, at);
        };
        try {
            return loop.submit(task).get(COMMAND_WAIT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return CommandReply.error(
                    config.unitId(),
                    name,
                    "unit busy: command not handled within " + COMMAND_WAIT_MILLIS + " ms",
                    controller.state(),
                    now);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return CommandReply.error(config.unitId(), name, "unit shutting down", controller.state(), now);
        } catch (ExecutionException | java.util.concurrent.RejectedExecutionException e) {
            return CommandReply.error(
                    config.unitId(), name, "unit shutting down or failed: " + e.getMessage(), controller.state(), now);
        }
    }

    /** The latest status this unit published (for the virtual-units page and tests). */
    public UnitStatus lastStatus() {
        return lastStatus;
    }

    public String unitId() {
        return config.unitId();
    }

    public boolean isConnected() {
        return link.isConnected();
    }

    /**
     * Clean shutdown: says OFFLINE itself (a clean disconnect suppresses the Will), flushes, disconnects, darkens the
     * indicators. Does not close the hardware, which its creator owns.
     */
    @Override
    public void close() {
        if (!running) return;
        running = false; // inputs and commands from here on are ignored
        // no more ticks: one would take the camera's stopping below for a failure and report it
        awaitOnLoop(() -> {
            if (ticker != null) ticker.cancel(false);
        });
        uplink.close();
        push.close();
        // Seals an open recording (reason: shutdown). Its self-check and event run on evidenceOps and the loop, so
        // both stay up until then: the gateway learns of a recording sealed by a shutdown too.
        camera.close();
        evidenceOps.shutdown();
        try {
            evidenceOps.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        awaitOnLoop(() -> {
            link.publishStatus(telemetry.shutdownStatus());
            hw.greenLed().set(false);
            hw.redLed().set(false);
            hw.amberLed().set(false);
            hw.haptics().set(false);
        });
        loop.shutdownNow();
        link.close();
        Logger.info("{}unit stopped cleanly", tag);
    }

    /**
     * Power loss: everything stops where it is, nothing more reaches the broker (it will publish the Will), no file
     * is closed. For the demo's "pull battery" and for tests.
     */
    public void kill() {
        running = false;
        loop.shutdownNow();
        evidenceOps.shutdownNow();
        camera.kill();
        link.kill();
        Logger.warn("{}power lost (battery pulled)", tag);
    }

    /** Runs a shutdown step on the controller thread and waits a bounded time; a stuck loop must not block shutdown. */
    private void awaitOnLoop(Runnable task) {
        try {
            loop.submit(task).get(COMMAND_WAIT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException | java.util.concurrent.RejectedExecutionException e) {
            Logger.warn("{}shutdown step did not complete: {}", tag, e.toString());
        }
    }
}
