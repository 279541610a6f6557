/**
 * The embedded MQTT 5 broker (HiveMQ CE) a single-box gateway can run in its own process. A room of its own, not part
 * of {@code fleet}: it is a server the units and the gateway both connect to, and the fleet connection talks to it over
 * MQTT exactly as to an external broker; nothing in {@code fleet} knows it exists. It listens only on TLS with client
 * certificates, and its access extension ({@link org.openbwc.gateway.broker.BrokerAccessExtension}) admits each client
 * as the identity in its certificate with that identity's {@link org.openbwc.protocol.TopicRules}.
 */
package org.openbwc.gateway.broker;
