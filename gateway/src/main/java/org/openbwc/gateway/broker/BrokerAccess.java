package org.openbwc.gateway.broker;

import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Who the embedded broker lets in, besides holding an agency certificate: which gateway ids (normally the gateway's
 * own), which units ({@link UnitAdmission}), and who hears of refusals.
 *
 * @param gatewayIds the gateway identities (certificate CN with OU=gateway) allowed to connect
 * @param units asked for each unit that connects
 * @param refused told of each refusal
 */
public record BrokerAccess(Predicate<String> gatewayIds, UnitAdmission units, RefusedClients refused) {

    public BrokerAccess {
        Objects.requireNonNull(gatewayIds, "gatewayIds is required");
        Objects.requireNonNull(units, "units is required");
        Objects.requireNonNull(refused, "refused is required");
    }

    /** Exactly these gateways. */
    public static BrokerAccess of(Set<String> gatewayIds, UnitAdmission units, RefusedClients refused) {
        Set<String> ids = Set.copyOf(gatewayIds);
        return new BrokerAccess(ids::contains, units, refused);
    }
}
