package org.openbwc.device.mqtt;

import org.openbwc.protocol.CommandReply;
import org.openbwc.protocol.CommandRequest;

/**
 * Carries out a remote command and says how it went; the {@link UnitLink} publishes the answer to the requester.
 *
 * <p>Called on a thread owned by the link, one command at a time in arrival order, never on the MQTT client's
 * thread, so a slow handler delays later commands but never the link's keepalive or publishes. The command name is
 * always one of {@link org.openbwc.protocol.RemoteCommand}'s wire names. A thrown exception becomes an error reply
 * "internal error: ...".
 */
@FunctionalInterface
public interface CommandHandler {
    CommandReply handle(String commandName, CommandRequest request);
}
