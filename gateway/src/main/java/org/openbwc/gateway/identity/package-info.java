/**
 * Who may talk to the gateway: the agency PKI in the data directory ({@link org.openbwc.gateway.identity.GatewayPki}:
 * the CA, the gateway's server certificate for MQTT, HTTPS and the units' listener, and its own MQTT client
 * identity). Enrolled units and their pinned keys live beside it.
 */
package org.openbwc.gateway.identity;
