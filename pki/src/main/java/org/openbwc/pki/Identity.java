package org.openbwc.pki;

import java.security.cert.X509Certificate;
import java.util.Objects;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;

/** Who a client certificate names: its common name (a unit or gateway id) and the role the agency CA gave it. */
public record Identity(String id, IdentityRole role) {

    public Identity {
        Objects.requireNonNull(id, "id is required");
        Objects.requireNonNull(role, "role is required");
    }

    /** The identity in a certificate the agency CA issued; empty when the subject lacks a single CN or a known OU. */
    public static Optional<Identity> of(X509Certificate certificate) {
        X500Name subject =
                X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded());
        Optional<String> cn = single(subject, BCStyle.CN);
        Optional<IdentityRole> role = single(subject, BCStyle.OU).flatMap(IdentityRole::fromOrganisationalUnit);
        if (cn.isEmpty() || role.isEmpty()) return Optional.empty();
        return Optional.of(new Identity(cn.get(), role.get()));
    }

    private static Optional<String> single(X500Name name, ASN1ObjectIdentifier type) {
        RDN[] rdns = name.getRDNs(type);
        if (rdns.length != 1 || rdns[0].isMultiValued()) return Optional.empty();
        return Optional.of(IETFUtils.valueToString(rdns[0].getFirst().getValue()));
    }
}
