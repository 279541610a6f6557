package org.openbwc.gateway.web;

import io.javalin.websocket.WsContext;
import jakarta.servlet.http.HttpServletRequest;
import java.security.cert.X509Certificate;
import java.util.Optional;
import org.openbwc.pki.Identity;

/**
 * The identity in the TLS client certificate of a request to the units' listener. The listener's TLS layer has
 * already checked the chain against the agency CA; this only reads who it names.
 */
public final class ClientIdentity {
    /** Where Jetty puts the client's verified certificate chain (the Servlet specification's attribute). */
    static final String CERTIFICATES_ATTRIBUTE = "jakarta.servlet.request.X509Certificate";

    private ClientIdentity() {}

    /**
     * The identity of the request's client certificate; empty without one (a browser, or plain HTTP). In a
     * {@code wsBeforeUpgrade} handler, {@code ClientIdentity.of(ctx.req())} reads the upgrade request's certificate.
     */
    public static Optional<Identity> of(HttpServletRequest request) {
        return of(request.getAttribute(CERTIFICATES_ATTRIBUTE));
    }

    /** The identity of a WebSocket's client certificate, from the attributes of the request it was upgraded from. */
    public static Optional<Identity> of(WsContext socket) {
        return of(socket.<Object>attribute(CERTIFICATES_ATTRIBUTE));
    }

    private static Optional<Identity> of(Object attribute) {
        if (!(attribute instanceof X509Certificate[] chain) || chain.length == 0) return Optional.empty();
        return Identity.of(chain[0]);
    }
}
