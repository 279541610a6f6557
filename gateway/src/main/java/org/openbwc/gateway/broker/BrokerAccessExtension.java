package org.openbwc.gateway.broker;

import com.hivemq.extension.sdk.api.ExtensionMain;
import com.hivemq.extension.sdk.api.parameter.ExtensionStartInput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStartOutput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStopInput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStopOutput;
import com.hivemq.extension.sdk.api.services.Services;
import com.hivemq.extension.sdk.api.services.session.ClientService;
import java.util.Objects;
import org.tinylog.Logger;

/**
 * The embedded broker's access control, as a HiveMQ extension inside the gateway's process: installs the
 * {@link CertificateAuthenticator} for every client, and keeps the broker's client service so that a client can be
 * disconnected by id (a revoked unit).
 */
final class BrokerAccessExtension implements ExtensionMain {

    private final BrokerAccess access;
    private volatile ClientService clients;

    BrokerAccessExtension(BrokerAccess access) {
        this.access = Objects.requireNonNull(access, "access is required");
    }

    @Override
    public void extensionStart(ExtensionStartInput input, ExtensionStartOutput output) {
        CertificateAuthenticator authenticator = new CertificateAuthenticator(access);
        Services.securityRegistry().setAuthenticatorProvider(providerInput -> authenticator);
        // Taken now: Services is static, and each embedded broker of a JVM (tests run several) has its own.
        clients = Services.clientService();
        Logger.debug("Broker access extension started: certificate identities, topic rules per client");
    }

    @Override
    public void extensionStop(ExtensionStopInput input, ExtensionStopOutput output) {
        clients = null;
    }

    /** The broker's client service, or null before the extension started or after it stopped. */
    ClientService clients() {
        return clients;
    }
}
