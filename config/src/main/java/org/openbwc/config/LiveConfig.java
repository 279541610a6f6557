package org.openbwc.config;

import java.util.Map;

/** Live video from units to the monitoring room through the gateway's relay. */
public record LiveConfig(
    @Doc("Address units use to reach this gateway for their live uplink (they connect out; nothing connects in), e.g."
            + " ws://gateway.police.local:8080. Default: ws://<http.host>:<http.port>, with 127.0.0.1 for 0.0.0.0.")
        @NullMeans("ws:// on http.host and http.port")
        @UrlSchemes({"ws", "wss"})
        String uplinkUrl,
    @Doc("How long a stream stays up after its last viewer leaves, so a reload or a second click is instant.")
        @DefaultValue("15")
        @IntRange(min = 0, max = 600)
        int idleStopSeconds,
    @Doc("Per viewer, how much video may wait to be sent before a slow viewer skips to the next keyframe.")
        @DefaultValue("2048")
        @IntRange(min = 256, max = 65536)
        int viewerQueueKilobytes,
    @Doc("Most viewers of one unit at a time.")
        @DefaultValue("16")
        @IntRange(min = 1, max = 256)
        int maxViewersPerUnit) {

  public LiveConfig {
    Constraints.check(LiveConfig.class, uplinkUrl, idleStopSeconds, viewerQueueKilobytes, maxViewersPerUnit);
  }

  /** Uplink on the HTTP address, 15 s idle stop, 2 MiB per viewer, 16 viewers per unit. */
  public static LiveConfig defaults() {
    return (LiveConfig) RecordSpec.of(LiveConfig.class).defaults(Map.of());
  }

  /** Copy with another idle stop. */
  public LiveConfig withIdleStopSeconds(int seconds) {
    return new LiveConfig(uplinkUrl, seconds, viewerQueueKilobytes, maxViewersPerUnit);
  }
}
