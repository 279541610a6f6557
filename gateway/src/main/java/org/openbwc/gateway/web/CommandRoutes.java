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

    /** A command body only carries a few short arguments. */
    public static final int MAX_COMMAND_BODY_BYTES = 4096;

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
        try {
            Optional<RemoteCommand> known = RemoteCommand.fromWire(name);
            if (known.isEmpty()) {
                outcome = "unknown";
                throw new ApiError(
                        400, "unknown command '" + name + "' (allowed: " + RemoteCommand.allowed() + ")", id);
            }
            if (!known.get().operatorCommand()) {
                outcome = "bad-request";
                throw new ApiError(
                        400,
                        name + " is sent by the gateway's live service; to watch a unit use POST /api/live/" + id,
                        id);
            }
            args = commandArgs(ctx);
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
            details.put("millis", took.toMillis());
            audit.record(who.username(), "command", id, outcome, details);
        }
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

    /** Reads the optional {@code {"args": {...}}} body; scalar values are passed on as text. */
    private Map<String, String> commandArgs(Context ctx) {
        long declared = ctx.req().getContentLengthLong();
        if (declared > MAX_COMMAND_BODY_BYTES) throw tooBig(declared);
        byte[] bytes;
        try (InputStream in = ctx.req().getInputStream()) {
            bytes = in.readNBytes(MAX_COMMAND_BODY_BYTES + 1);
        } catch (IOException e) {
            throw new ApiError(400, "cannot read the request body: " + e.getMessage(), null);
        }
        if (bytes.length > MAX_COMMAND_BODY_BYTES) throw tooBig(-1);
        if (new String(bytes, StandardCharsets.UTF_8).isBlank()) return Map.of();
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
        JsonNode argsNode = tree.get("args");
        if (argsNode == null || argsNode.isNull()) return Map.of();
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
        return args;
    }

    private static ApiError tooBig(long declared) {
        return new ApiError(
                400,
                "request body " + (declared >= 0 ? "of " + declared + " bytes " : "")
                        + "is too big: a command body is at most " + MAX_COMMAND_BODY_BYTES + " bytes",
                null);
    }
}
