package org.openbwc.gateway.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import org.openbwc.config.LiveConfig;
import org.openbwc.config.MapConfig;
import org.openbwc.gateway.alerts.AlertBoard;
import org.openbwc.gateway.audit.AuditLog;
import org.openbwc.gateway.auth.Authenticator;
import org.openbwc.gateway.fleet.CommandClient;
import org.openbwc.gateway.fleet.DroppedMessages;
import org.openbwc.gateway.fleet.FleetConnection;
import org.openbwc.gateway.fleet.FleetRegistry;
import org.openbwc.gateway.fleet.LocationTrails;
import org.openbwc.gateway.fleet.RecordingIndex;
import org.openbwc.gateway.live.LiveService;

/** Everything the HTTP API serves from, built by {@link Gateway} (or a test) and handed over in one piece. */
public record ApiParts(
        String gatewayId,
        FleetRegistry registry,
        FleetConnection connection,
        CommandClient commands,
        DroppedMessages drops,
        AlertBoard alerts,
        LocationTrails trails,
        RecordingIndex recordings,
        Authenticator auth,
        AuditLog audit,
        MapConfig map,
        Duration commandTimeout,
        ObjectMapper mapper,
        Duration heartbeat,
        int eventBacklog,
        LiveService live,
        LiveConfig liveConfig) {}
