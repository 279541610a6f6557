package org.openbwc.gateway.web;

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

    /** The identity of the request's client certificate; empty without one (a browser, or plain HTTP). */
    public static Optional<Identity> of(HttpServletRequest request) {
        if (!(request.getAttribute(CERTIFICATES_ATTRIBUTE) instanceof X509Certificate[] chain) || chain.length == 0) {
            return Optional.empty();
        }
        return Identity.of(chain[0]);
    }
}
