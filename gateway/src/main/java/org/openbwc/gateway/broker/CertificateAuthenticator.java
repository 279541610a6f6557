package org.openbwc.gateway.broker;

import com.hivemq.extension.sdk.api.auth.SimpleAuthenticator;
import com.hivemq.extension.sdk.api.auth.parameter.SimpleAuthInput;
import com.hivemq.extension.sdk.api.auth.parameter.SimpleAuthOutput;
import com.hivemq.extension.sdk.api.auth.parameter.TopicPermission;
import com.hivemq.extension.sdk.api.client.parameter.ClientTlsInformation;
import com.hivemq.extension.sdk.api.packets.auth.DefaultAuthorizationBehaviour;
import com.hivemq.extension.sdk.api.packets.auth.ModifiableDefaultPermissions;
import com.hivemq.extension.sdk.api.packets.connect.ConnackReasonCode;
import com.hivemq.extension.sdk.api.services.builder.Builders;
import java.security.cert.X509Certificate;
import java.util.Objects;
import java.util.Optional;
import org.openbwc.pki.Identity;
import org.openbwc.pki.IdentityRole;
import org.openbwc.protocol.TopicRules;
import org.tinylog.Logger;

/**
 * Lets a client in only on the identity in its TLS client certificate, and gives it exactly the topic rights of
 * {@link TopicRules} for that identity, denying everything else. The TLS listener has already checked that the
 * certificate chains to the agency CA; this checks what the certificate says: an agency identity (CN and OU), an MQTT
 * client id equal to the CN (so nobody takes over another client's session), a unit still admitted, a gateway on the
 * allowed list. User names and passwords play no part.
 */
final class CertificateAuthenticator implements SimpleAuthenticator {

    private final BrokerAccess access;

    CertificateAuthenticator(BrokerAccess access) {
        this.access = Objects.requireNonNull(access, "access is required");
    }

    /** The outcome for one connection: the identity's rules, or why it is refused. */
    record Decision(Identity identity, TopicRules rules, String refusal) {
        static Decision refuse(String reason) {
            return new Decision(null, null, reason);
        }

        boolean admitted() {
            return refusal == null;
        }
    }

    @Override
    public void onConnect(SimpleAuthInput input, SimpleAuthOutput output) {
        String clientId = input.getClientInformation().getClientId();
        Optional<X509Certificate> certificate = input.getConnectionInformation()
                .getClientTlsInformation()
                .flatMap(ClientTlsInformation::getClientCertificate);
        Decision decision;
        try {
            decision = decide(clientId, certificate, access);
        } catch (RuntimeException e) {
            // A failing admission check must shut the door, not open it.
            Logger.error(e, "Checking MQTT client '{}' failed; refusing it", clientId);
            decision = Decision.refuse("the check failed: " + e);
        }
        if (!decision.admitted()) {
            Logger.info(
                    "Refused MQTT client '{}' from {}: {}",
                    clientId,
                    input.getConnectionInformation()
                            .getInetAddress()
                            .map(Object::toString)
                            .orElse("?"),
                    decision.refusal());
            try {
                access.refused().refused(clientId, decision.refusal());
            } catch (RuntimeException e) {
                Logger.warn(e, "The listener of refused MQTT clients failed");
            }
            output.failAuthentication(ConnackReasonCode.NOT_AUTHORIZED, "not authorized");
            return;
        }
        ModifiableDefaultPermissions permissions = output.getDefaultPermissions();
        permissions.clear();
        for (String filter : decision.rules().publish()) permissions.add(permission(filter, true));
        for (String filter : decision.rules().subscribe()) permissions.add(permission(filter, false));
        permissions.setDefaultBehaviour(DefaultAuthorizationBehaviour.DENY);
        Logger.debug(
                "MQTT client '{}' admitted as {} {}",
                clientId,
                decision.identity().role().organisationalUnit(),
                decision.identity().id());
        output.authenticateSuccessfully();
    }

    /** What to do with a client that asks for {@code clientId} and presented {@code certificate}. */
    static Decision decide(String clientId, Optional<X509Certificate> certificate, BrokerAccess access) {
        if (certificate.isEmpty()) return Decision.refuse("no TLS client certificate");
        Optional<Identity> found = Identity.of(certificate.get());
        if (found.isEmpty()) {
            return Decision.refuse("the certificate ("
                    + certificate.get().getSubjectX500Principal().getName()
                    + ") names no agency identity (CN and OU=unit or OU=gateway)");
        }
        Identity identity = found.get();
        if (!identity.id().equals(clientId)) {
            return Decision.refuse(
                    "the client id '" + clientId + "' differs from the certificate's CN '" + identity.id() + "'");
        }
        TopicRules rules;
        try {
            rules = identity.role() == IdentityRole.UNIT
                    ? TopicRules.unit(identity.id())
                    : TopicRules.gateway(identity.id());
        } catch (IllegalArgumentException e) {
            return Decision.refuse(e.getMessage());
        }
        if (identity.role() == IdentityRole.UNIT && !access.units().admits(identity.id())) {
            return Decision.refuse("unit " + identity.id() + " is not admitted (revoked or not enrolled)");
        }
        if (identity.role() == IdentityRole.GATEWAY && !access.gatewayIds().test(identity.id())) {
            return Decision.refuse("gateway " + identity.id() + " is not a gateway of this broker");
        }
        return new Decision(identity, rules, null);
    }

    private static TopicPermission permission(String filter, boolean publish) {
        return Builders.topicPermission()
                .topicFilter(filter)
                .activity(publish ? TopicPermission.MqttActivity.PUBLISH : TopicPermission.MqttActivity.SUBSCRIBE)
                .type(TopicPermission.PermissionType.ALLOW)
                .build();
    }
}
