/**
 * The embedded MQTT 5 broker (HiveMQ CE) a single-box gateway can run in its own process. A room of its own, not part
 * of {@code fleet}: it is a server the units and the gateway both connect to, and the fleet connection talks to it over
 * MQTT exactly as to an external broker; nothing in {@code fleet} knows it exists.
 */
package org.openbwc.gateway.broker;
