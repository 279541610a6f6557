package org.openbwc.gateway.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.openbwc.gateway.audit.AuditLog;
import org.openbwc.gateway.auth.Authenticator.SignedIn;
import org.openbwc.gateway.fleet.CommandClient;
import org.openbwc.gateway.fleet.CommandNotSentException;
import org.openbwc.gateway.fleet.CommandTimeoutException;
import org.openbwc.gateway.fleet.FleetRegistry;
import org.openbwc.gateway.fleet.UnitView;
import org.openbwc.gateway.fleet.UnreadableReplyException;
import org.openbwc.protocol.CommandReply;
import org.openbwc.protocol.RemoteCommand;

/**
 * Commands from the monitoring room to a unit ({@code POST /api/units/{id}/commands/{name}}): checks the command and
 * the unit, sends it through the {@link CommandClient}, waits for the unit's answer, and records the outcome in the
 * audit log and the metrics.
 */
public final class CommandRoutes {

    /** A command body only carries a few short arguments and a reason. */
    public static final int MAX_COMMAND_BODY_BYTES = 4096;
    /** The longest reason an operator may give, in characters (after trimming). */
    public static final int MAX_REASON_CHARS = 500;

    /**
     * Commands that must say why: stopping a recording ends the evidence, and stealth darkens the unit's lights and
     * sounds; both are reviewed afterwards, so the audit log has to say who did it and why.
     */
    static final Map<RemoteCommand, String> REASON_REQUIRED = Map.of(
            RemoteCommand.RECORD_STOP, "stopping a recording ends the evidence",
            RemoteCommand.STEALTH_ON, "stealth turns off the unit's lights and sounds");

    /** What a command's body says: arguments for the unit, and the operator's reason for the audit log. */
    record CommandBody(Map<String, String> args, String reason) {
        static final CommandBody EMPTY = new CommandBody(Map.of(), null);
    }

    private final String gatewayId;
    private final KnownUnits knownUnits;
    private final CommandClient commands;
    private final AuditLog audit;
    private final GatewayMetrics metrics;
    private final Duration commandTimeout;
    private final ObjectMapper mapper;
    private final Replies replies;

    public CommandRoutes(
            String gatewayId,
            FleetRegistry registry,
            CommandClient commands,
            AuditLog audit,
            GatewayMetrics metrics,
            Duration commandTimeout,
            ObjectMapper mapper) {
        this.gatewayId = gatewayId;
        this.knownUnits = new KnownUnits(registry, gatewayId);
        this.commands = commands;
        this.audit = audit;
        this.metrics = metrics;
        this.commandTimeout = commandTimeout;
        this.mapper = mapper;
        this.replies = new Replies(mapper);
    }

    void command(Context ctx) {
        String id = ctx.pathParam("id");
        String name = ctx.pathParam("name");
        SignedIn who = WebAccess.operator(ctx);
        long started = System.nanoTime();
        String outcome = "failed";
        Map<String, String> args = Map.of();
        String reason = null;
        try {
            Optional<RemoteCommand> known = RemoteCommand.fromWire(name);
            if (known.isEmpty()) {
                outcome = "unknown";
                throw new ApiError(
                        400, "unknown command '" + name + "' (allowed: " + RemoteCommand.allowed() + ")", id);
            }
            if (!known.get().operatorCommand()) {
                outcome = "bad-request";
                throw new ApiError(400, notForOperators(known.get(), id), id);
            }
            CommandBody request = commandBody(ctx);
            args = request.args();
            reason = request.reason();
            String why = REASON_REQUIRED.get(known.get());
            if (why != null && reason == null) {
                outcome = "bad-request";
                throw new ApiError(
                        400,
                        "a reason is required for " + name + ": " + why + ", and the audit log must say why (send"
                                + " {\"reason\": \"...\"}, at most " + MAX_REASON_CHARS + " characters)",
                        id);
            }
            UnitView unit = knownUnits.get(id);
            if (!unit.online()) {
                outcome = "offline";
                throw new ApiError(
                        409,
                        "unit " + id + " is offline (state " + unit.state() + ", last seen "
                                + (unit.lastSeen() == null ? "never" : unit.lastSeen()) + "); " + name
                                + " was not sent",
                        id);
            }
            CommandReply answer =
                    await(id, name, commands.send(id, name, args, gatewayId + "/" + who.username(), commandTimeout));
            ObjectNode body = mapper.valueToTree(answer);
            if (answer.ok()) {
                outcome = "ok";
                replies.json(ctx, 200, body);
            } else {
                outcome = "refused";
                body.put(
                        "error",
                        "unit " + id + " refused " + name + (answer.reason().isEmpty() ? "" : ": " + answer.reason()));
                replies.json(ctx, 422, body);
            }
        } catch (ApiError e) {
            if (outcome.equals("failed")) {
                outcome = switch (e.status) {
                    case 504 -> "timeout";
                    case 404 -> "unknown-unit";
                    case 400 -> "bad-request";
                    default -> "failed";
                };
            }
            throw e;
        } finally {
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            // Unknown names are not used as a metric tag: a client could otherwise create any number of series.
            metrics.commandCompleted(RemoteCommand.fromWire(name).isPresent() ? name : "unknown", outcome, took);
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("command", name.length() > 64 ? name.substring(0, 64) : name);
            if (!args.isEmpty()) details.put("args", args);
            if (reason != null) details.put("reason", reason);
            details.put("millis", took.toMillis());
            audit.record(who.username(), "command", id, outcome, details);
        }
    }

    /** Why an operator may not send {@code command} here, and what to use instead. */
    private static String notForOperators(RemoteCommand command, String id) {
        if (command == RemoteCommand.OFFICER_ASSIGN) {
            return command.wire() + " is sent by the gateway's officer directory; to assign an officer use PUT"
                    + " /api/units/" + id + "/officer";
        }
        return command.wire() + " is sent by the gateway's live service; to watch a unit use POST /api/live/" + id;
    }

    private CommandReply await(String id, String name, CompletableFuture<CommandReply> reply) {
        try {
            // The command client times the request out itself; the margin only guards against a lost completion.
            return reply.get(commandTimeout.toMillis() + 5_000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof CommandTimeoutException t) throw new ApiError(504, t.getMessage(), id);
            if (cause instanceof CommandNotSentException n) throw new ApiError(503, n.getMessage(), id);
            if (cause instanceof UnreadableReplyException u) throw new ApiError(502, u.getMessage(), id);
            throw new IllegalStateException("command " + name + " to unit " + id + " failed", cause);
        } catch (TimeoutException e) {
            throw new ApiError(
                    504, "unit " + id + " did not answer " + name + " within " + commandTimeout.toMillis() + " ms", id);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiError(503, "the gateway is shutting down; " + name + " to unit " + id + " was abandoned", id);
        }
    }

    /**
     * Reads the optional {@code {"args": {...}, "reason": "..."}} body; scalar argument values are passed on as text,
     * the reason is trimmed (null when blank).
     */
    private CommandBody commandBody(Context ctx) {
        long declared = ctx.req().getContentLengthLong();
        if (declared > MAX_COMMAND_BODY_BYTES) throw tooBig(declared);
        byte[] bytes;
        try (InputStream in = ctx.req().getInputStream()) {
            bytes = in.readNBytes(MAX_COMMAND_BODY_BYTES + 1);
        } catch (IOException e) {
            throw new ApiError(400, "cannot read the request body: " + e.getMessage(), null);
        }
        if (bytes.length > MAX_COMMAND_BODY_BYTES) throw tooBig(-1);
        if (new String(bytes, StandardCharsets.UTF_8).isBlank()) return CommandBody.EMPTY;
        JsonNode tree;
        try {
            tree = mapper.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw new ApiError(
                    400,
                    "request body is not valid JSON: " + e.getOriginalMessage()
                            + " (expected {\"args\": {\"name\": \"value\"}})",
                    null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (tree == null || !tree.isObject()) {
            throw new ApiError(400, "request body must be a JSON object like {\"args\": {\"name\": \"value\"}}", null);
        }
        String reason = reason(tree.get("reason"));
        JsonNode argsNode = tree.get("args");
        if (argsNode == null || argsNode.isNull()) return new CommandBody(Map.of(), reason);
        if (!argsNode.isObject()) {
            throw new ApiError(
                    400, "\"args\" must be a JSON object of names to text values, not " + argsNode.getNodeType(), null);
        }
        Map<String, String> args = new LinkedHashMap<>();
        for (var field : argsNode.properties()) {
            JsonNode v = field.getValue();
            if (!v.isValueNode() || v.isNull()) {
                throw new ApiError(400, "argument '" + field.getKey() + "' must be text, a number or a boolean", null);
            }
            args.put(field.getKey(), v.asText());
        }
        return new CommandBody(args, reason);
    }

    private static String reason(JsonNode node) {
        if (node == null || node.isNull()) return null;
        if (!node.isTextual()) throw new ApiError(400, "\"reason\" must be text, not " + node.getNodeType(), null);
        String reason = node.asText().strip();
        if (reason.isEmpty()) return null;
        if (reason.codePointCount(0, reason.length()) > MAX_REASON_CHARS) {
            throw new ApiError(
                    400,
                    "the reason is " + reason.codePointCount(0, reason.length()) + " characters long; at most "
                            + MAX_REASON_CHARS + " are allowed",
                    null);
        }
        return reason;
    }

    private static ApiError tooBig(long declared) {
        return new ApiError(
                400,
                "request body " + (declared >= 0 ? "of " + declared + " bytes " : "")
                        + "is too big: a command body is at most " + MAX_COMMAND_BODY_BYTES + " bytes",
                null);
    }
}
