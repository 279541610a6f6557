/**
 * The agency's PKI: {@link org.openbwc.pki.AgencyCa} issues every certificate (gateway servers, gateway and unit
 * client identities), {@link org.openbwc.pki.Pem} reads and writes the PEM files an agency's own PKI can replace,
 * {@link org.openbwc.pki.TlsContexts} builds TLS contexts from them, and {@link org.openbwc.pki.PinnedCaTrust} lets a
 * unit trust a gateway on first contact by the CA fingerprint in its configuration.
 */
package org.openbwc.pki;
