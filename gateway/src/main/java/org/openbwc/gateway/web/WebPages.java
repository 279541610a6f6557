package org.openbwc.gateway.web;

import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.openbwc.config.LiveConfig;
import org.openbwc.config.MapConfig;

/**
 * The monitoring room's pages (plain HTML shells; their scripts fetch everything through the API after sign-in) and
 * the security headers every response carries. Nothing is loaded from another site except the configured map tiles.
 */
public final class WebPages {

    /**
     * Classpath folder of the pages and their scripts, served at {@code /assets}. A folder of its own, not the
     * package's: the test classes of this package would otherwise hide it on a test classpath.
     */
    static final String ASSET_DIR = "/org/openbwc/gateway/web/assets";

    static final String FAVICON = "favicon.ico";

    private final Map<String, byte[]> pages = new ConcurrentHashMap<>();
    private final String contentSecurityPolicy;

    public WebPages(MapConfig map, LiveConfig live) {
        String tiles = tileOrigin(map.tileUrl());
        String media = live.usesMediaServer()
                ? " " + tileOrigin(live.mediaServerPlaybackUrl().replace("{unit}", "u"))
                : "";
        this.contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; "
                + "img-src 'self' data: blob:" + (tiles.isEmpty() ? "" : " " + tiles) + "; connect-src 'self'; "
                + "media-src 'self' blob:" + media
                + "; worker-src 'self' blob:; frame-ancestors 'none'; base-uri 'none'; "
                + "form-action 'self'";
    }

    void page(Context ctx, String name) {
        byte[] html = pages.computeIfAbsent(name, WebPages::load);
        ctx.contentType("text/html; charset=utf-8")
                .header("Cache-Control", "no-cache")
                .result(html);
    }

    /** {@code /favicon.ico}: browsers ask for it on their own, whatever the page's {@code <link rel="icon">} says. */
    void favicon(Context ctx) {
        byte[] icon = pages.computeIfAbsent(FAVICON, WebPages::load);
        ctx.contentType("image/x-icon").header("Cache-Control", "max-age=86400").result(icon);
    }

    void securityHeaders(Context ctx) {
        ctx.header("Content-Security-Policy", contentSecurityPolicy);
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("X-Frame-Options", "DENY");
        ctx.header("Referrer-Policy", "no-referrer");
    }

    /** The scheme and host of a URL template for the CSP; a {s} subdomain placeholder becomes a wildcard. */
    static String tileOrigin(String tileUrl) {
        if (tileUrl.isEmpty()) return "";
        try {
            URI u = URI.create(tileUrl.replace("{s}", "s-wildcard")
                    .replace("{z}", "0")
                    .replace("{x}", "0")
                    .replace("{y}", "0")
                    .replace("{r}", ""));
            if (u.getScheme() == null || u.getRawAuthority() == null) return "";
            return u.getScheme() + "://" + u.getRawAuthority().replace("s-wildcard", "*");
        } catch (IllegalArgumentException e) {
            return "";
        }
    }

    private static byte[] load(String name) {
        try (InputStream in = WebPages.class.getResourceAsStream(ASSET_DIR + "/" + name)) {
            Objects.requireNonNull(in, name + " is missing from the gateway jar");
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + name + " from the gateway jar", e);
        }
    }
}
