package org.openbwc.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Live video from units to the monitoring room through the gateway's relay. */
public record LiveConfig(
        @Doc(
                "Address units use to reach this gateway for their live uplink (they connect out; nothing connects in), e.g."
                        + " wss://gateway.police.local:8444.")
        @NullMeans("wss:// on http.host and http.unitPort, with 127.0.0.1 for 0.0.0.0")
        @UrlSchemes({"wss"})
        String uplinkUrl,

        @Doc("How long a stream stays up after its last viewer leaves, so a reload or a second click is instant.")
        @DefaultValue("15")
        @IntRange(min = 0, max = 600)
        int idleStopSeconds,

        @Doc("Per viewer, how much video may wait to be sent before a slow viewer skips to the next keyframe.")
        @DefaultValue("2048")
        @IntRange(min = 256, max = 65536)
        int viewerQueueKilobytes,

        @Doc("Most viewers of one unit at a time.") @DefaultValue("16") @IntRange(min = 1, max = 256)
        int maxViewersPerUnit,

        @Doc("For large fleets: units push live video to this media server instead of the gateway's relay (RTMP, SRT or"
                + " RTSP, e.g. MediaMTX or nginx-rtmp); {unit} is replaced by the unit id, e.g."
                + " rtmp://media.police.local:1935/live/{unit}.")
        @NullMeans("the gateway relays live video itself")
        @TextLength(min = 1, max = 2048)
        String mediaServerPushUrl,

        @Doc("Where viewers play a unit's stream from the media server (HLS in browsers), {unit} replaced, e.g."
                + " http://media.police.local:8080/hls/{unit}.m3u8. Required with mediaServerPushUrl.")
        @NullMeans("no media server")
        @TextLength(min = 1, max = 2048)
        String mediaServerPlaybackUrl) {

    public LiveConfig {
        Constraints.check(
                LiveConfig.class,
                uplinkUrl,
                idleStopSeconds,
                viewerQueueKilobytes,
                maxViewersPerUnit,
                mediaServerPushUrl,
                mediaServerPlaybackUrl);
        List<Violation> problems = new ArrayList<>();
        checkTemplate(mediaServerPushUrl, "mediaServerPushUrl", List.of("rtmp", "rtmps", "srt", "rtsp"), problems);
        checkTemplate(mediaServerPlaybackUrl, "mediaServerPlaybackUrl", List.of("http", "https"), problems);
        if ((mediaServerPushUrl == null) != (mediaServerPlaybackUrl == null)) {
            problems.add(new Violation(
                    mediaServerPushUrl == null ? "mediaServerPushUrl" : "mediaServerPlaybackUrl",
                    null,
                    "is missing: a media server needs both a push URL and a playback URL",
                    "both set, or neither"));
        }
        if (!problems.isEmpty()) {
            throw new InvalidRecordException(LiveConfig.class, problems);
        }
    }

    /** Whether units push to an external media server instead of the gateway's relay. */
    public boolean usesMediaServer() {
        return mediaServerPushUrl != null;
    }

    private static void checkTemplate(String url, String key, List<String> schemes, List<Violation> problems) {
        if (url == null) {
            return;
        }
        String allowed = String.join(", ", schemes) + " URL with a host and {unit}, e.g. " + schemes.get(0)
                + "://host:port/live/{unit}";
        if (!url.contains("{unit}")) {
            problems.add(new Violation(key, url, "has no {unit} placeholder", allowed));
            return;
        }
        try {
            URI u = new URI(url.replace("{unit}", "unit"));
            if (u.getScheme() == null
                    || !schemes.contains(u.getScheme().toLowerCase(Locale.ROOT))
                    || u.getHost() == null) {
                problems.add(new Violation(key, url, "is not a URL of the right kind", allowed));
            }
        } catch (URISyntaxException e) {
            problems.add(new Violation(key, url, "is not a valid URL (" + e.getReason() + ")", allowed));
        }
    }

    /** Copy pushing to a media server ({@code null}s: relay through the gateway). */
    public LiveConfig withMediaServer(String pushUrl, String playbackUrl) {
        return new LiveConfig(
                uplinkUrl, idleStopSeconds, viewerQueueKilobytes, maxViewersPerUnit, pushUrl, playbackUrl);
    }

    /** Uplink on the HTTP address, 15 s idle stop, 2 MiB per viewer, 16 viewers per unit. */
    public static LiveConfig defaults() {
        return (LiveConfig) RecordSpec.of(LiveConfig.class).defaults(Map.of());
    }

    /** Copy with another idle stop. */
    public LiveConfig withIdleStopSeconds(int seconds) {
        return new LiveConfig(
                uplinkUrl,
                seconds,
                viewerQueueKilobytes,
                maxViewersPerUnit,
                mediaServerPushUrl,
                mediaServerPlaybackUrl);
    }
}
