package org.openbwc.device;

import java.io.IOException;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.openbwc.config.OffloadConfig;
import org.openbwc.config.OffloadWhen;
import org.openbwc.config.RecordingConfig;
import org.openbwc.config.UnitConfig;
import org.openbwc.device.core.ButtonGesture;
import org.openbwc.device.core.ButtonName;
import org.openbwc.device.core.ControllerEvent;
import org.openbwc.device.core.ControllerInput;
import org.openbwc.device.core.ControllerSnapshot;
import org.openbwc.device.core.Decision;
import org.openbwc.device.core.DispatchIndicator;
import org.openbwc.device.core.DockChanged;
import org.openbwc.device.core.GestureDecoder;
import org.openbwc.device.core.IndicatorPolicy;
import org.openbwc.device.core.PositionFix;
import org.openbwc.device.core.RecordingController;
import org.openbwc.device.core.RecordingFailed;
import org.openbwc.device.core.RecordingLimitReached;
import org.openbwc.device.core.RecordingPolicy;
import org.openbwc.device.core.RemoteCommandInput;
import org.openbwc.device.core.Tick;
import org.openbwc.device.core.TriggerSignal;
import org.openbwc.device.evidence.FailedRecording;
import org.openbwc.device.evidence.PreEventSnapshot;
import org.openbwc.device.evidence.RecoveredRecording;
import org.openbwc.device.evidence.SealedRecording;
import org.openbwc.device.identity.UnitEnrolment;
import org.openbwc.device.identity.UnitKeyFiles;
import org.openbwc.device.identity.UnitTlsContext;
import org.openbwc.device.live.LiveOrigins;
import org.openbwc.device.live.UplinkClients;
import org.openbwc.device.mqtt.EventJournal;
import org.openbwc.device.mqtt.UnitLink;
import org.openbwc.device.offload.UnitOffload;
import org.openbwc.device.talk.RoomVoice;
import org.openbwc.device.talk.UnitCall;
import org.openbwc.evidence.EndReason;
import org.openbwc.evidence.VerificationResult;
import org.openbwc.hal.Button;
import org.openbwc.hal.Hardware;
import org.openbwc.protocol.Backlog;
import org.openbwc.protocol.CommandRequest;
import org.openbwc.protocol.EventType;
import org.openbwc.protocol.RemoteCommand;
import org.openbwc.protocol.StreamHandle;
import org.openbwc.protocol.UnitEvent;
import org.openbwc.protocol.UnitState;
import org.openbwc.protocol.UnitStatus;
import org.openbwc.protocol.WireCodec;
import org.tinylog.Logger;

/**
 * Runs one body camera: feeds hardware edges, remote commands ({@link UnitCommands}) and ticks into the pure
 * controller on a single thread, and acts on its decisions: evidence ({@link EvidenceRecorder}), wire events
 * ({@link Telemetry}, published through the link), the log ({@link EventLog}), the live video ({@link LiveVideo}),
 * the indicators ({@link IndicatorDriver}); publishes status and location, and watches alarms ({@link AlarmWatch}).
 */
public final class UnitRuntime implements AutoCloseable {
    /** Fast enough that a 100 ms blink and a hold threshold are rendered/decided within one tick. */
    static final long TICK_MILLIS = 50;
    /** While recording or in SOS the monitoring room needs a live track. */
    static final long ACTIVE_LOCATION_MILLIS = 1_000;

    static final long SENSOR_POLL_MILLIS = 1_000;
    /** A shutdown step waits at most this long for the controller thread. */
    static final long SHUTDOWN_STEP_WAIT_MILLIS = 2_000;

    private final UnitConfig config;
    private final Hardware hw;
    private final String tag;
    private final ScheduledExecutorService loop;
    private final GestureDecoder decoder;
    private final RecordingController controller;
    private final IndicatorPolicy indicators;
    private final IndicatorDriver indicatorDriver;
    private final LiveVideo live;
    private final UnitCamera camera;
    private final EvidenceRecorder evidence;
    private final Telemetry telemetry;
    private final EventLog eventLog;
    private final UnitLink link;
    private final AlarmWatch alarmWatch;
    private final OfficerAssignment officer;
    private volatile UnitEnrolment enrolment;
    private final UnitOffload offload;
    private final UnitCall call;

    // Controller-thread state below.
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
        this.indicatorDriver = new IndicatorDriver(hw);
        long now = hw.clock().monotonicMillis();
        this.controller = new RecordingController(
                policy, new RecordingIds(config.unitId(), hw.clock()), hw.dock().isActive(), now);
        this.loop = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "unit-" + config.unitId());
            t.setDaemon(true);
            return t;
        });
        this.live = new LiveVideo(
                config.unitId(),
                liveOrigins(config),
                new UplinkClients(new UnitKeyFiles(DataFolder.of(config).keys()))::forUrl,
                hw.clock(),
                this::recentFragments,
                this::submit,
                this::publishStream,
                this::publishStatus);
        // The gateway's assignment, kept on storage, wins over the config's officerId from the first frame on.
        this.officer = OfficerAssignment.open(DataFolder.of(config).officer(), config.unitId(), config.officerId());
        this.camera = UnitCamera.start(
                config.withOfficerId(officer.officerId()), firmware, this::onSealed, this::onFailed, live.outputs());
        this.evidence = new EvidenceRecorder(config.unitId(), hw.clock(), camera);
        RoomVoice roomVoice = new RoomVoice();
        camera.sidetone(roomVoice);
        this.call = new UnitCall(config.unitId(), hw.speaker(), roomVoice, hw.clock(), new CallListener());
        live.downlink(call::downlink, call::uplinkClosed);
        this.telemetry = new Telemetry(config, hw, firmware, officer::officerId);
        this.eventLog = new EventLog(config.unitId());
        UnitCommands commands = new UnitCommands(
                config.unitId(),
                hw.clock(),
                loop,
                this::apply,
                controller::state,
                live,
                camera::failure,
                this::assignOfficer,
                call);
        // One TLS context for the link and the offload, made again when the key files change.
        UnitTlsContext tls =
                new UnitTlsContext(new UnitKeyFiles(DataFolder.of(config).keys()));
        this.link = new UnitLink(
                config.unitId(),
                config.mqtt(),
                tls,
                new WireCodec(),
                telemetry.offlineStatus(),
                commands::answer,
                EventJournal.open(DataFolder.of(config).link(), UnitLink.QUEUE_CAPACITY));
        this.alarmWatch = new AlarmWatch(config, hw.clock(), telemetry, link::publishEvent);
        this.offload = offloadOf(config, tls, telemetry, hw);
    }

    /** What waits to be offloaded, for the status; null when the unit does not offload. */
    private Backlog offloadBacklog() {
        return offload == null ? null : offload.backlog();
    }

    /**
     * The offload of sealed recordings, when {@code offload.when} allows it and the gateway's address is known
     * ({@code offload.url}, else the enrolment URL's); null otherwise (said once in the log).
     */
    private static UnitOffload offloadOf(UnitConfig config, UnitTlsContext tls, Telemetry telemetry, Hardware hw) {
        OffloadConfig c = config.offload() == null ? OffloadConfig.defaults() : config.offload();
        if (c.when() == OffloadWhen.NEVER) return null;
        String url = c.url() != null
                ? c.url()
                : config.enrolment() == null ? null : config.enrolment().url();
        if (url == null) {
            Logger.info("[{}] no offload: neither offload.url nor enrolment.url names the gateway", config.unitId());
            return null;
        }
        URI u = URI.create(url);
        try {
            return new UnitOffload(
                    config.unitId(),
                    c,
                    URI.create(u.getScheme() + "://" + u.getRawAuthority()),
                    tls,
                    DataFolder.of(config).evidence(),
                    DataFolder.of(config).root().resolve("offload"),
                    hw.dock()::isActive,
                    telemetry::storageReading,
                    config.telemetry().storageLowPercent());
        } catch (IOException e) {
            Logger.error("[{}] no offload: its folder cannot be made: {}", config.unitId(), e.getMessage());
            return null;
        }
    }

    /** Where a live.start may send the camera: {@code live.allowedOrigins}, or the defaults from enrolment and MQTT. */
    static LiveOrigins liveOrigins(UnitConfig config) {
        LiveOrigins origins = LiveOrigins.of(
                config.live() == null ? List.of() : config.live().origins(),
                config.enrolment() == null ? null : config.enrolment().url(),
                config.mqtt().url());
        Logger.debug("[{}] live video may go to {}", config.unitId(), origins);
        return origins;
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
        // A unit without its TLS identity enrols in the background: it records meanwhile, and the link, which reads
        // the key files at each connection attempt, connects once they are written.
        enrolment = UnitEnrolment.startIfNeeded(
                        config.unitId(),
                        config.enrolment(),
                        DataFolder.of(config).keys(),
                        camera.publicKey())
                .orElse(null);
        link.start();
        if (offload != null) offload.start();
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
            // DeviceKey has logged it at WARN with both fingerprints; the gateway raises an alert.
            camera.keyMissing().ifPresent(m -> link.publishEvent(telemetry.keyMissingEvent(m, controller.snapshot())));
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
                officer.officerId(),
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
        } catch (RejectedExecutionException e) {
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
        call.stealth(controller.snapshot().stealth());
        for (ControllerEvent e : d.events()) {
            telemetry.noteEvent(e, controller.snapshot());
            evidence.act(e);
            if (e instanceof ControllerEvent.DispatchReceived r) dispatchTone(r);
            UnitEvent wire = telemetry.event(e);
            link.publishEvent(wire);
            eventLog.log(wire);
        }
        if (controller.state() == UnitState.SLEEP) {
            // Docked or powered down: the camera is off by policy, so nobody may watch it live.
            live.stop("camera off (unit docked or asleep)");
        }
        publishStatus();
        if (!wasActive && locationActive()) {
            nextLocationMillis = now; // start the 1 s track at once, not at the end of an idle interval
        }
        renderIndicators(now);
        return d;
    }

    /**
     * {@code officer.assign} from the gateway, on the controller thread: kept on storage, then the overlay, new
     * recordings and the status carry the new officer at once, and the gateway hears {@code officer.changed}.
     */
    private String assignOfficer(CommandRequest request) {
        OfficerAssignment.Change change = officer.assign(request.args());
        String now = change.now().officerId();
        if (!change.changed()) return now.isEmpty() ? "no officer assigned already" : "officer " + now + " already";
        camera.officer(now);
        UnitEvent wire = telemetry.officerChanged(change, request.requestedBy(), controller.snapshot());
        link.publishEvent(wire);
        eventLog.log(wire);
        publishStatus();
        return now.isEmpty() ? "officer unassigned" : "officer " + now + " assigned";
    }

    /** The dispatch's tone on the loudspeaker, unless the unit is in stealth (then only the motor signals). */
    private void dispatchTone(ControllerEvent.DispatchReceived r) {
        if (controller.snapshot().stealth()) return;
        try {
            hw.speaker().play(DispatchTone.samples(r.order().priority()));
        } catch (RuntimeException e) {
            Logger.warn("{}dispatch tone could not be played: {}", tag, e.toString());
        }
    }

    /**
     * A voice call opened or ended: the microphone is on while it lasts (even where pre-event audio is off), a call
     * starts a recording if none runs (a conversation with the room is evidence, cause {@code remote:<supervisor>}),
     * and the room hears of it as call.started / call.ended.
     */
    private final class CallListener implements UnitCall.Listener {
        @Override
        public void started(String callId, String by) {
            camera.callAudio(true);
            submit(() -> {
                apply(new RemoteCommandInput(RemoteCommand.RECORD_START, by, Map.of()));
                link.publishEvent(telemetry.callEvent(
                        EventType.CALL_STARTED, by, Map.of("callId", callId, "by", by), controller.snapshot()));
            });
        }

        @Override
        public void ended(String callId, String by, long durationMillis, long framesDropped, String reason) {
            camera.callAudio(false);
            Map<String, String> details = new LinkedHashMap<>();
            details.put("callId", callId);
            details.put("by", by);
            details.put("durationMillis", Long.toString(durationMillis));
            details.put("framesDropped", Long.toString(framesDropped));
            details.put("reason", reason.length() > 200 ? reason.substring(0, 200) : reason);
            // onLoop, not submit: a call ended by a shutdown is reported too, like a recording it sealed.
            onLoop(() ->
                    link.publishEvent(telemetry.callEvent(EventType.CALL_ENDED, by, details, controller.snapshot())));
        }
    }

    private void publishStream(StreamHandle handle) {
        link.publishStream(handle);
    }

    private PreEventSnapshot recentFragments() {
        return camera == null ? null : camera.recentFragments();
    }

    /** Called by the evidence writer's thread when a recording is sealed. */
    private void onSealed(SealedRecording r) {
        evidence.check(r, this::reportSealed);
        if (offload != null) offload.recordingSealed();
        if (r.reason() == EndReason.MAX_DURATION) {
            Logger.info(
                    "{}recording {} reached the maximum length and was sealed; the next one starts",
                    tag,
                    r.recordingId());
            submit(() -> apply(new RecordingLimitReached(r.recordingId())));
        }
    }

    /**
     * Called by the evidence writer's thread when it could not go on writing a recording (it logged why, and sealed
     * what was durable if it could): the gateway hears of it as {@code recording.failed}.
     */
    private void onFailed(FailedRecording r) {
        if (!onLoop(() -> link.publishEvent(telemetry.failedEvent(r, controller.snapshot())))) {
            Logger.warn(
                    "{}recording {} failed after the unit stopped; its event is not published", tag, r.recordingId());
        }
        // The unit must stop saying it records: its LED, its status, the room (dropped once the unit is closing).
        submit(() -> apply(new RecordingFailed(r.recordingId())));
    }

    /** Called by the evidence recorder's thread once a sealed recording is checked. */
    private void reportSealed(SealedRecording r, VerificationResult check) {
        // Not submit(), which drops work once close() has begun: close() keeps the loop and the link up for this,
        // so a recording sealed by a shutdown is reported too.
        if (!onLoop(() -> link.publishEvent(telemetry.sealedEvent(r, check, controller.snapshot())))) {
            Logger.warn(
                    "{}recording {} was sealed after the unit stopped; its event is not published",
                    tag,
                    r.recordingId());
        }
    }

    private CameraFacts cameraFacts() {
        return new CameraFacts(
                camera.recordingMillis(),
                camera.droppedFrames(),
                camera.publicKeyBase64(),
                live.streaming(),
                live.viewers(),
                camera.evidenceKeyFingerprint());
    }

    private void checkSensors(long now) {
        if (alarmWatch.camera(camera.failure(), controller.snapshot())) publishStatus();
        if (!telemetry.readSensors()) return;
        if (alarmWatch.readings(now, controller.snapshot())) publishStatus();
        alarmWatch.storageChange(controller.storageExhausted()).ifPresent(this::apply);
        alarmWatch.batteryChange(controller.batteryCritical()).ifPresent(this::apply);
    }

    private void renderIndicators(long now) {
        ControllerSnapshot s = controller.snapshot();
        indicatorDriver.show(DispatchIndicator.overlay(
                indicators.render(s, alarmWatch.alarms(), live.watchedSinceMillis(), call.indication(), now),
                controller.dispatch().orElse(null),
                s.stealth(),
                now));
    }

    private boolean locationActive() {
        ControllerSnapshot s = controller.snapshot();
        // A dispatched officer is followed every second until arrival or cancellation.
        return s.isRecording() || s.sos() || controller.dispatch().isPresent();
    }

    private long locationPeriodMillis() {
        return locationActive() ? ACTIVE_LOCATION_MILLIS : config.telemetry().locationIntervalSeconds() * 1000L;
    }

    private void publishStatus() {
        UnitStatus s = telemetry.status(controller.snapshot(), cameraFacts(), offloadBacklog());
        lastStatus = s;
        link.publishStatus(s);
        nextStatusMillis = hw.clock().monotonicMillis() + config.telemetry().statusIntervalSeconds() * 1000L;
    }

    private void publishLocationIfFix() {
        telemetry.location().ifPresent(l -> {
            link.publishLocation(l);
            if (controller.snapshot().isRecording()) evidence.location(l);
            if (controller.dispatch().isPresent()) apply(new PositionFix(l.lat(), l.lon()));
        });
    }

    /** The latest status this unit published (for the virtual-units page and tests). */
    public UnitStatus lastStatus() {
        return lastStatus;
    }

    public String unitId() {
        return config.unitId();
    }

    /** The officer id the camera burns into the picture now (for the virtual-units page and tests). */
    public String overlayOfficer() {
        return camera.overlayOfficer();
    }

    /** The officer now carrying the unit (the gateway's assignment, else the config's); empty while unassigned. */
    public String officerId() {
        return officer.officerId();
    }

    /** Whether a voice call with the room is open (for the virtual-units page and tests). */
    public boolean inCall() {
        return call.open();
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
        if (enrolment != null) enrolment.close();
        if (offload != null) offload.close();
        // no more ticks: one would take the camera's stopping below for a failure and report it
        awaitOnLoop(() -> {
            if (ticker != null) ticker.cancel(false);
        });
        call.close();
        live.close();
        // Seals an open recording (reason: shutdown). Its self-check and event run on the evidence recorder and the
        // loop, so both stay up until then: the gateway learns of a recording sealed by a shutdown too.
        camera.close();
        evidence.close();
        awaitOnLoop(() -> {
            link.publishStatus(telemetry.shutdownStatus());
            indicatorDriver.off();
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
        if (enrolment != null) enrolment.close();
        if (offload != null) offload.close();
        loop.shutdownNow();
        evidence.kill();
        camera.kill();
        link.kill();
        Logger.warn("{}power lost (battery pulled)", tag);
    }

    /** Runs a shutdown step on the controller thread and waits a bounded time; a stuck loop must not block shutdown. */
    private void awaitOnLoop(Runnable task) {
        try {
            loop.submit(task).get(SHUTDOWN_STEP_WAIT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException | RejectedExecutionException e) {
            Logger.warn("{}shutdown step did not complete: {}", tag, e.toString());
        }
    }
}
