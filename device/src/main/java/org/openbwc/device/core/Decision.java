package org.openbwc.device.core;

import java.util.List;

/**
 * What the controller decided for one input: the events to publish, in order, and the reply to a remote command.
 *
 * @param reply null unless the input was a {@link RemoteCommandInput}
 */
public record Decision(List<ControllerEvent> events, CommandOutcome reply) {
    public static final Decision NONE = new Decision(List.of(), null);

    public Decision {
        events = events == null ? List.of() : List.copyOf(events);
    }
}
