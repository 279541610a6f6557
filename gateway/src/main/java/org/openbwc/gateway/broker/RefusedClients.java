package org.openbwc.gateway.broker;

/** Hears every client the embedded broker turned away, so the gateway can raise an alert (a stolen or revoked unit). */
@FunctionalInterface
public interface RefusedClients {
    /** Logs only (the broker logs every refusal at INFO itself). */
    RefusedClients NONE = (clientId, reason) -> {};

    /**
     * Called on a broker thread for each refused connection; must not block.
     *
     * @param clientId the MQTT client id the client asked for (chosen by the client, so only a claim)
     * @param reason why, in words for an operator
     */
    void refused(String clientId, String reason);
}
