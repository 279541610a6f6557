package org.openbwc.gateway.officers;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.openbwc.protocol.CommandReply;

/** Sends a command to a unit and completes with its answer: the fleet's command client, or a test's stand-in. */
@FunctionalInterface
public interface UnitCommandSender {
    CompletableFuture<CommandReply> send(
            String unitId, String command, Map<String, String> args, String requestedBy, Duration timeout);
}
