package org.openbwc.device;

import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Supplier;
import org.openbwc.device.core.ControllerInput;
import org.openbwc.device.core.Decision;
import org.openbwc.device.core.RemoteCommandInput;
import org.openbwc.hal.DeviceClock;
import org.openbwc.protocol.CommandReply;
import org.openbwc.protocol.CommandRequest;
import org.openbwc.protocol.RemoteCommand;
import org.openbwc.protocol.UnitState;
import org.tinylog.Logger;

/**
 * Answers an operator's remote commands, on the link's command thread: the recording commands through the controller
 * thread (waiting a bounded time for its answer), {@code live.start} and {@code live.stop} with the live video.
 */
final class UnitCommands {
    /** A remote command waits at most this long for the controller thread before answering "busy". */
    static final long WAIT_MILLIS = 2_000;

    private final String unitId;
    private final String tag;
    private final DeviceClock clock;
    private final ExecutorService loop;
    private final Function<ControllerInput, Decision> apply;
    private final Supplier<UnitState> state;
    private final LiveVideo live;
    private final Supplier<Optional<String>> cameraFailure;
    private final Function<CommandRequest, String> assignOfficer;

    /**
     * @param loop the controller thread
     * @param apply runs an input through the controller and acts on the decision; called on {@code loop}
     * @param state the controller's state, for the answers
     * @param cameraFailure why the camera is not capturing, or empty
     * @param assignOfficer applies {@code officer.assign} on {@code loop} and returns what it did; throws
     *     {@link IllegalArgumentException} (bad args) or {@link java.io.UncheckedIOException} (not kept) to refuse
     */
    UnitCommands(
            String unitId,
            DeviceClock clock,
            ExecutorService loop,
            Function<ControllerInput, Decision> apply,
            Supplier<UnitState> state,
            LiveVideo live,
            Supplier<Optional<String>> cameraFailure,
            Function<CommandRequest, String> assignOfficer) {
        this.unitId = unitId;
        this.tag = "[" + unitId + "] ";
        this.clock = clock;
        this.loop = loop;
        this.apply = apply;
        this.state = state;
        this.live = live;
        this.cameraFailure = cameraFailure;
        this.assignOfficer = assignOfficer;
    }

    /** {@code officer.assign}, on the controller thread: a refusal names what was wrong. */
    private CommandReply officer(String name, CommandRequest request) {
        try {
            String done = assignOfficer.apply(request);
            return CommandReply.ok(unitId, name, done, state.get(), clock.now());
        } catch (IllegalArgumentException | java.io.UncheckedIOException e) {
            return CommandReply.error(unitId, name, e.getMessage(), state.get(), clock.now());
        }
    }

    /** Hands the command to the controller thread (or the live video) and waits for the answer. */
    CommandReply answer(String name, CommandRequest request) {
        Instant now = clock.now();
        Optional<RemoteCommand> command = RemoteCommand.fromWire(name);
        if (command.isEmpty()) {
            return CommandReply.error(
                    unitId,
                    name,
                    "unknown command '" + name + "' (allowed: " + RemoteCommand.allowed() + ")",
                    state.get(),
                    now);
        }
        Logger.info("{}command {} from '{}'", tag, name, request.requestedBy());
        if (command.get() == RemoteCommand.LIVE_START || command.get() == RemoteCommand.LIVE_STOP) {
            return live.command(command.get(), request, now, state, cameraFailure.get());
        }
        Callable<CommandReply> task = () -> {
            Decision d = apply.apply(new RemoteCommandInput(command.get(), request.requestedBy(), request.args()));
            UnitState after = state.get();
            Instant at = clock.now();
            if (d.reply() == null) return CommandReply.ok(unitId, name, "", after, at);
            return d.reply().ok()
                    ? CommandReply.ok(unitId, name, d.reply().reason(), after, at)
                    : CommandReply.error(unitId, name, d.reply().reason(), after, at);
        };
        // officer.assign is the runtime's, not the controller's, but runs on the controller thread as well
        if (command.get() == RemoteCommand.OFFICER_ASSIGN) task = () -> officer(name, request);
        try {
            return loop.submit(task).get(WAIT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return CommandReply.error(
                    unitId, name, "unit busy: command not handled within " + WAIT_MILLIS + " ms", state.get(), now);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return CommandReply.error(unitId, name, "unit shutting down", state.get(), now);
        } catch (ExecutionException | RejectedExecutionException e) {
            return CommandReply.error(
                    unitId, name, "unit shutting down or failed: " + e.getMessage(), state.get(), now);
        }
    }
}
