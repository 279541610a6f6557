/**
 * The fleet as the gateway knows it: {@link org.openbwc.gateway.fleet.FleetConnection} (the MQTT connection) hands
 * unit messages to {@link org.openbwc.gateway.fleet.FleetIngest}, which updates the {@link
 * org.openbwc.gateway.fleet.FleetRegistry}; replies go to the {@link org.openbwc.gateway.fleet.CommandClient}. Listeners
 * of the registry (trails, recordings here; alerts, live video and the event stream elsewhere) follow every change.
 */
package org.openbwc.gateway.fleet;
