package org.openbwc.pki;

import java.security.KeyPair;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/** The certificate request a unit sends at enrolment: its own public key, signed by its own private key. */
public final class CertificateRequests {
    private CertificateRequests() {}

    /** A PKCS#10 request for {@code CN=id}; the CA decides every other part of the subject. */
    public static PKCS10CertificationRequest create(KeyPair keys, String id) {
        X500Name subject =
                new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, id).build();
        return new JcaPKCS10CertificationRequestBuilder(subject, keys.getPublic())
                .build(KeyPairs.signer(keys.getPrivate()));
    }
}
