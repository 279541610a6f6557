/**
 * The gateway: follows the fleet of body-worn cameras over MQTT and serves the monitoring room. {@link
 * org.openbwc.gateway.Gateway} builds every room below and wires it by hand; data flows one way: broker -&gt; fleet -&gt;
 * (alerts, live) -&gt; web.
 *
 * <ul>
 *   <li>{@code broker}: the optional embedded MQTT broker.
 *   <li>{@code fleet}: the connection to the broker, the ingest of what units publish, the registry of units, the
 *       command client, trails, recordings and dropped-message counts.
 *   <li>{@code alerts}: what operators must notice and acknowledge.
 *   <li>{@code live}: live video, relayed from a unit to its viewers.
 *   <li>{@code audit}: who did what, in a hash-chained log.
 *   <li>{@code auth}: operator accounts, passwords and sessions.
 *   <li>{@code web}: everything HTTP: the routes table, route groups, sign-in and roles, pages, the event stream.
 * </ul>
 */
package org.openbwc.gateway;
