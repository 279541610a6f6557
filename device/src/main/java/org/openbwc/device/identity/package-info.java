/**
 * The unit's identity towards its agency: the TLS key, certificate and agency CA in {@code <dataDir>/keys/}
 * ({@link org.openbwc.device.identity.UnitKeyFiles}), and how it gets them at first boot.
 */
package org.openbwc.device.identity;
